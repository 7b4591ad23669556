//! Pretty-printing a JSON body for the viewer, two spaces per level, keeping
//! the server's key order and number spelling (a parse into `Value` would
//! sort keys and round numbers). One pass over the text, no recursion; 20 MB
//! take well under a second.
//!
//! A hostile server can send small JSON that indents to a huge text: 200 KB
//! of `[[[[…]]]]` nested 100,000 deep would print O(depth²) bytes (about
//! 20 GB). So the printer is bounded: past [`MAX_DEPTH`] levels, or once the
//! output would pass [`output_limit`] of the input, it stops and hands back
//! the body as received with a one-line notice for the viewer.
//!
//! serde_json's own limits were checked, not assumed: parsing into a `Value`
//! stops at 128 levels ("recursion limit exceeded"), but the `IgnoredAny`
//! path that tells JSON from text (`send::response`) has no depth limit and
//! accepts the 100,000-deep body (see the tests below). This printer therefore
//! carries its own limits.

/// The deepest nesting that is indented; deeper bodies are shown as received.
pub const MAX_DEPTH: usize = 256;

/// How many times larger than the input the printed text may grow.
pub const OUTPUT_FACTOR: usize = 4;

/// A little room for tiny bodies (`[1]` prints as 7 bytes from 3).
const OUTPUT_SLACK: usize = 1024;

/// The most bytes the printer writes for an input of `input_len` bytes.
pub fn output_limit(input_len: usize) -> usize {
    input_len
        .saturating_mul(OUTPUT_FACTOR)
        .saturating_add(OUTPUT_SLACK)
}

/// What the viewer shows for a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pretty {
    /// The indented text, or the body as received when a limit was reached.
    pub text: String,
    /// Whether `text` is the indented form.
    pub indented: bool,
    /// One line for the viewer when the body is shown as received.
    pub notice: Option<String>,
}

/// Re-indents `json`, which must already be valid JSON, within
/// [`MAX_DEPTH`] and [`output_limit`]; past either the body comes back as
/// received, with a notice.
pub fn pretty_json(json: &str) -> Pretty {
    match indent(json, MAX_DEPTH, output_limit(json.len())) {
        Ok(text) => Pretty {
            text,
            indented: true,
            notice: None,
        },
        Err(limit) => Pretty {
            text: json.to_owned(),
            indented: false,
            notice: Some(limit.notice()),
        },
    }
}

/// Which bound stopped the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    Depth(usize),
    Output(usize),
}

impl Limit {
    fn notice(self) -> String {
        match self {
            Limit::Depth(max) => format!(
                "Shown as received, not indented: the JSON is nested more than {max} levels deep."
            ),
            Limit::Output(_) => format!(
                "Shown as received, not indented: indenting would make the body more than {OUTPUT_FACTOR} times larger."
            ),
        }
    }
}

fn indent(json: &str, max_depth: usize, max_output: usize) -> Result<String, Limit> {
    let mut out = String::with_capacity((json.len() + json.len() / 4).min(max_output));
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
                    if depth > max_depth {
                        return Err(Limit::Depth(max_depth));
                    }
                    newline(&mut out, depth, max_output)?;
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth, max_output)?;
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth, max_output)?;
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    if out.len() > max_output {
        return Err(Limit::Output(max_output));
    }
    Ok(out)
}

/// A line break and the indentation of `depth`, unless that would pass
/// `max_output` (checked before writing, so the printer never writes more).
fn newline(out: &mut String, depth: usize, max_output: usize) -> Result<(), Limit> {
    if out.len() + 1 + 2 * depth > max_output {
        return Err(Limit::Output(max_output));
    }
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    fn indented(json: &str) -> String {
        let pretty = pretty_json(json);
        assert!(pretty.indented, "{:?}", pretty.notice);
        pretty.text
    }

    #[test]
    fn objects_and_arrays_are_indented_in_the_servers_key_order() {
        let pretty = indented(r#"{"z":1,"a":[true,null,{"k":"v"}],"n":1.50}"#);
        assert_eq!(
            pretty,
            "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    null,\n    {\n      \"k\": \"v\"\n    }\n  ],\n  \"n\": 1.50\n}"
        );
    }

    #[test]
    fn strings_keep_their_brackets_commas_and_escapes() {
        let pretty = indented(r#"{"q":"{name:'a, b'} \"[x]\" \\"}"#);
        assert_eq!(pretty, "{\n  \"q\": \"{name:'a, b'} \\\"[x]\\\" \\\\\"\n}");
    }

    #[test]
    fn empty_containers_stay_on_one_line_and_existing_spacing_is_replaced() {
        assert_eq!(
            indented("{ \"a\" : { } , \"b\" : [ ] }"),
            "{\n  \"a\": {},\n  \"b\": []\n}"
        );
    }

    #[test]
    fn the_output_is_the_same_json() {
        let input = r#"{"items":[{"id":"A","n":-1.5e3,"u":"\u00e9"}],"hasMore":false}"#;
        let a: serde_json::Value = serde_json::from_str(input).unwrap();
        let b: serde_json::Value = serde_json::from_str(&indented(input)).unwrap();
        assert_eq!(a, b);
    }

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn serde_json_accepts_any_depth_when_ignoring_but_stops_at_128_when_building_a_value() {
        // Why the printer needs its own limits: the check that calls a body
        // JSON (IgnoredAny) lets 100,000 levels through.
        let deep = nested(100_000);
        assert!(serde_json::from_str::<serde::de::IgnoredAny>(&deep).is_ok());
        let err = serde_json::from_str::<serde_json::Value>(&deep).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
        assert!(serde_json::from_str::<serde_json::Value>(&nested(127)).is_ok());
    }

    #[test]
    fn json_nested_100000_deep_is_shown_as_received_quickly_with_a_notice() {
        let deep = nested(100_000);
        assert_eq!(deep.len(), 200_000);
        let started = Instant::now();
        let pretty = pretty_json(&deep);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        assert!(!pretty.indented);
        assert_eq!(pretty.text, deep, "the body as received");
        let notice = pretty.notice.expect("a notice for the viewer");
        assert!(notice.contains("256 levels"), "{notice}");
        assert!(!notice.contains('\n'), "one line: {notice}");
    }

    #[test]
    fn nesting_up_to_the_depth_limit_is_indented_when_the_output_limit_allows() {
        // The innermost [] stays on one line, so [1] counts its level.
        let holding_one = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        assert!(indent(&holding_one(MAX_DEPTH), MAX_DEPTH, usize::MAX).is_ok());
        assert_eq!(
            indent(&holding_one(MAX_DEPTH + 1), MAX_DEPTH, usize::MAX).map(|t| t.len()),
            Err(Limit::Depth(MAX_DEPTH))
        );
        // Bare nesting indents to O(depth²): well before 256 levels the
        // output limit is what stops it.
        let pretty = pretty_json(&nested(MAX_DEPTH));
        assert!(!pretty.indented);
        assert!(pretty.notice.unwrap().contains("4 times larger"));
        assert!(pretty_json(&nested(20)).indented);
    }

    #[test]
    fn output_that_would_grow_past_four_times_the_input_is_not_written() {
        // 200 levels of one-element objects: under the depth limit, but each
        // level repeats the indentation of all levels above it.
        let depth = 200;
        let json = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        let full = indent(&json, MAX_DEPTH, usize::MAX).unwrap().len();
        assert!(
            full > output_limit(json.len()),
            "the fixture must indent to more than the limit"
        );
        let err = indent(&json, MAX_DEPTH, output_limit(json.len())).unwrap_err();
        assert_eq!(err, Limit::Output(output_limit(json.len())));
        let pretty = pretty_json(&json);
        assert!(!pretty.indented);
        assert_eq!(pretty.text, json);
        assert!(pretty.notice.unwrap().contains("4 times larger"));
    }

    #[test]
    fn the_printer_never_writes_past_its_output_limit() {
        let json = nested(100);
        let full = indent(&json, MAX_DEPTH, usize::MAX).unwrap().len();
        for max in [0, 1, 10, 100, 1000, full - 1] {
            assert_eq!(
                indent(&json, MAX_DEPTH, max),
                Err(Limit::Output(max)),
                "{max} bytes cannot hold the {full} of the indented form"
            );
        }
        assert_eq!(indent(&json, MAX_DEPTH, full).map(|t| t.len()), Ok(full));
    }

    /// Any JSON value, with keys and strings that carry the printer's own
    /// syntax characters, escapes and non-ASCII text.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let text = "[ -~\\u{e9}\\u{2028}\\u{1F600}\"\\\\{}\\[\\]:,\n\t]{0,12}";
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((text, inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    /// The JSON text of `value` with arbitrary JSON white space between tokens.
    fn spaced(value: &serde_json::Value, spaces: &[u8]) -> String {
        let compact = serde_json::to_string(value).unwrap();
        let mut out = String::new();
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in compact.chars().enumerate() {
            out.push(c);
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            if c == '"' {
                in_string = true;
            } else if matches!(c, '{' | '[' | ',' | ':') {
                let ws = [" ", "\n", "\t", "\r\n", ""];
                out.push_str(ws[usize::from(spaces[i % spaces.len()]) % ws.len()]);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn printed_json_parses_to_the_same_value(
            value in json_value(),
            spaces in prop::collection::vec(any::<u8>(), 1..8),
        ) {
            let input = spaced(&value, &spaces);
            // Compared with the parsed input, not `value`: the same number
            // text must give the same number, whatever float parsing does.
            let expected: serde_json::Value = serde_json::from_str(&input).unwrap();
            let pretty = pretty_json(&input);
            prop_assert!(pretty.indented, "{:?}", pretty.notice);
            let printed: serde_json::Value = serde_json::from_str(&pretty.text)
                .map_err(|e| TestCaseError::fail(format!("{e}: {}", pretty.text)))?;
            prop_assert_eq!(printed, expected);
        }

        #[test]
        fn any_text_gives_an_answer_within_the_limits(input in "[\\[\\]{}\",:a1 \\\\]{0,400}") {
            let pretty = pretty_json(&input);
            if pretty.indented {
                prop_assert!(pretty.text.len() <= output_limit(input.len()));
            } else {
                prop_assert_eq!(&pretty.text, &input);
                prop_assert!(pretty.notice.is_some());
            }
        }
    }
}
