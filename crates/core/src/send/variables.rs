//! A profile's variables and `{{name}}` in a request: the URL, header names
//! and values, a JSON or text body, form fields (and multipart text parts)
//! are resolved at Send and for Copy as cURL. A Postman collection writes
//! `{{baseUrl}}/ic/api/...`; the profile's variables give them values.
//!
//! Variables are [`NameValue`] rows of the profile (`variables`), so a
//! variable marked secret is kept like a secret header row: its value in the
//! keychain, never in the settings file (`store::credentials`). Nothing here
//! touches the network or the keychain.

use super::{ApiRequest, FormPart, NameValue, RequestBody};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The variables that apply to a request: the enabled rows with a name (the
/// last row of a name wins, as in Postman).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Variables {
    values: BTreeMap<String, Value>,
}

#[derive(Clone, PartialEq, Eq)]
struct Value {
    text: String,
    secret: bool,
}

impl fmt::Debug for Variables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.values {
            if value.secret {
                map.entry(name, &"[redacted]");
            } else {
                map.entry(name, &value.text);
            }
        }
        map.finish()
    }
}

impl Variables {
    /// From the profile's variable rows; disabled rows and rows without a
    /// name do not count.
    pub fn new(rows: &[NameValue]) -> Variables {
        let values = rows
            .iter()
            .filter(|row| row.enabled && !row.name.trim().is_empty())
            .map(|row| {
                (
                    row.name.trim().to_owned(),
                    Value {
                        text: row.value.clone(),
                        secret: row.secret,
                    },
                )
            })
            .collect();
        Variables { values }
    }

    /// The same variables without the secret ones' values: a request resolved
    /// with them keeps `{{name}}` where a secret would go (Copy as cURL
    /// without secrets).
    pub fn without_secrets(&self) -> Variables {
        Variables {
            values: self
                .values
                .iter()
                .map(|(name, value)| {
                    let text = if value.secret {
                        format!("{{{{{name}}}}}")
                    } else {
                        value.text.clone()
                    };
                    (
                        name.clone(),
                        Value {
                            text,
                            secret: value.secret,
                        },
                    )
                })
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name.trim()).map(|v| v.text.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The `{{name}}` references in `text`, in order, names trimmed (Postman
/// allows `{{ name }}`). An empty `{{}}` is not a reference.
pub fn names_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if is_name(name) {
            names.push(name.to_owned());
            rest = &after[end + 2..];
        } else {
            rest = &rest[start + 2..];
        }
    }
    names
}

/// A variable name: not empty, no braces.
fn is_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['{', '}'])
}

/// `text` with every `{{name}}` that has a variable replaced by its value;
/// the names without one are added to `missing` and left as written. One
/// pass: a value holding `{{other}}` is not resolved again (no loops).
pub fn substitute(text: &str, variables: &Variables, missing: &mut BTreeSet<String>) -> String {
    if !text.contains("{{") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = &after[..end];
        let name = inner.trim();
        if !is_name(name) {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        match variables.get(name) {
            Some(value) => out.push_str(value),
            None => {
                missing.insert(name.to_owned());
                out.push_str(&rest[start..start + 2 + end + 2]);
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn rows(
    rows: &[NameValue],
    variables: &Variables,
    missing: &mut BTreeSet<String>,
) -> Vec<NameValue> {
    rows.iter()
        .map(|row| {
            if !row.enabled {
                return row.clone();
            }
            NameValue {
                name: substitute(&row.name, variables, missing),
                value: substitute(&row.value, variables, missing),
                ..row.clone()
            }
        })
        .collect()
}

/// The request with its variables resolved, as it is sent. A name with no
/// variable is [`Error::UnresolvedVariable`], naming every such name (in
/// enabled rows only: a disabled row is not sent).
pub fn resolve(request: &ApiRequest, variables: &Variables) -> Result<ApiRequest> {
    let (resolved, missing) = resolve_leniently(request, variables);
    if missing.is_empty() {
        Ok(resolved)
    } else {
        Err(Error::UnresolvedVariable {
            names: missing.into_iter().collect(),
        })
    }
}

/// The request with what can be resolved, and the names that could not.
pub fn resolve_leniently(
    request: &ApiRequest,
    variables: &Variables,
) -> (ApiRequest, BTreeSet<String>) {
    let mut missing = BTreeSet::new();
    let body = match &request.body {
        RequestBody::None => RequestBody::None,
        RequestBody::Json { text } => RequestBody::Json {
            text: substitute(text, variables, &mut missing),
        },
        RequestBody::Text { text } => RequestBody::Text {
            text: substitute(text, variables, &mut missing),
        },
        RequestBody::Form { fields } => RequestBody::Form {
            fields: rows(fields, variables, &mut missing),
        },
        RequestBody::Multipart { parts } => RequestBody::Multipart {
            parts: parts
                .iter()
                .map(|part| {
                    if !part.enabled {
                        return part.clone();
                    }
                    FormPart {
                        name: substitute(&part.name, variables, &mut missing),
                        value: match part.file {
                            None => substitute(&part.value, variables, &mut missing),
                            Some(_) => part.value.clone(),
                        },
                        file: part
                            .file
                            .as_ref()
                            .map(|path| substitute(path, variables, &mut missing)),
                        ..part.clone()
                    }
                })
                .collect(),
        },
        RequestBody::File { path, content_type } => RequestBody::File {
            path: substitute(path, variables, &mut missing),
            content_type: content_type.clone(),
        },
    };
    let resolved = ApiRequest {
        method: request.method.clone(),
        url: substitute(&request.url, variables, &mut missing),
        headers: rows(&request.headers, variables, &mut missing),
        body,
        follow_authorization: request.follow_authorization,
        trusted_hosts: request.trusted_hosts.clone(),
    };
    (resolved, missing)
}

/// The request Copy as cURL copies: variables resolved as at Send, except
/// that without `include_secrets` a secret variable stays `{{name}}`; an
/// unknown name stays as written (the command is for reading and editing).
/// The flag says whether a secret variable's value is in it.
pub fn for_copy(
    request: &ApiRequest,
    variables: &Variables,
    include_secrets: bool,
) -> (ApiRequest, bool) {
    let (with_secrets, _) = resolve_leniently(request, variables);
    let (without, _) = resolve_leniently(request, &variables.without_secrets());
    let holds_secret = with_secrets != without;
    if include_secrets {
        (with_secrets, holds_secret)
    } else {
        (without, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        Variables::new(
            &pairs
                .iter()
                .map(|(n, v)| NameValue::new(*n, *v))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn names_in_the_url_headers_and_body_are_replaced_by_their_values() {
        let request = ApiRequest {
            method: "POST".into(),
            url: "{{baseUrl}}/ic/api/integration/v1/integrations?limit={{ limit }}".into(),
            headers: vec![NameValue::new("X-{{h}}", "{{value}}")],
            body: RequestBody::Json {
                text: r#"{"name": "{{name}}"}"#.into(),
            },
            ..ApiRequest::default()
        };
        let variables = vars(&[
            ("baseUrl", "https://oic.example"),
            ("limit", "5"),
            ("h", "Trace"),
            ("value", "on"),
            ("name", "HELLO"),
        ]);
        let sent = resolve(&request, &variables).unwrap();
        assert_eq!(
            sent.url,
            "https://oic.example/ic/api/integration/v1/integrations?limit=5"
        );
        assert_eq!(sent.headers, [NameValue::new("X-Trace", "on")]);
        assert_eq!(
            sent.body,
            RequestBody::Json {
                text: r#"{"name": "HELLO"}"#.into()
            }
        );
    }

    #[test]
    fn form_fields_are_resolved_and_a_disabled_row_is_left_alone() {
        let mut off = NameValue::new("unused", "{{nowhere}}");
        off.enabled = false;
        let request = ApiRequest {
            body: RequestBody::Form {
                fields: vec![NameValue::new("scope", "{{scope}}"), off.clone()],
            },
            ..ApiRequest::default()
        };
        let sent = resolve(&request, &vars(&[("scope", "urn:x")])).unwrap();
        assert_eq!(
            sent.body,
            RequestBody::Form {
                fields: vec![NameValue::new("scope", "urn:x"), off]
            },
            "a disabled row is not sent, so its missing variable does not stop Send"
        );
    }

    #[test]
    fn multipart_text_parts_and_file_paths_are_resolved() {
        let request = ApiRequest {
            body: RequestBody::Multipart {
                parts: vec![
                    FormPart::text("type", "{{kind}}"),
                    FormPart::file("file", "{{dir}}/a.iar"),
                ],
            },
            ..ApiRequest::default()
        };
        let sent = resolve(&request, &vars(&[("kind", "replace"), ("dir", "/tmp")])).unwrap();
        assert_eq!(
            sent.body,
            RequestBody::Multipart {
                parts: vec![
                    FormPart::text("type", "replace"),
                    FormPart::file("file", "/tmp/a.iar")
                ]
            }
        );
        let file = ApiRequest {
            body: RequestBody::File {
                path: "{{dir}}/x".into(),
                content_type: String::new(),
            },
            ..ApiRequest::default()
        };
        assert_eq!(
            resolve(&file, &vars(&[])).unwrap_err().code(),
            "unresolved_variable"
        );
    }

    #[test]
    fn every_unresolved_name_is_named_in_the_error_and_no_value_is() {
        let request = ApiRequest {
            url: "{{baseUrl}}/x/{{id}}?k={{known}}".into(),
            headers: vec![NameValue::new("Accept", "{{accept}}")],
            ..ApiRequest::default()
        };
        let mut secret = NameValue::new("known", "test-secret-not-real");
        secret.secret = true;
        let error = resolve(&request, &Variables::new(&[secret])).unwrap_err();
        assert_eq!(error.code(), "unresolved_variable");
        let message = error.to_string();
        for name in ["{{baseUrl}}", "{{id}}", "{{accept}}"] {
            assert!(message.contains(name), "{message} names {name}");
        }
        assert!(!message.contains("test-secret-not-real"));
        assert!(error.hint().unwrap().contains("Variables"));
    }

    #[test]
    fn disabled_and_nameless_variables_do_not_count_and_the_last_of_a_name_wins() {
        let mut off = NameValue::new("a", "off");
        off.enabled = false;
        let variables = Variables::new(&[
            NameValue::new("a", "1"),
            off,
            NameValue::new(" ", "x"),
            NameValue::new("a", "2"),
        ]);
        assert_eq!(variables.get("a"), Some("2"));
        assert_eq!(
            Variables::new(&[NameValue::new("", "x")]),
            Variables::default()
        );
    }

    #[test]
    fn without_secrets_a_secret_variable_stays_written_as_its_name() {
        let mut secret = NameValue::new("password", "test-secret-not-real");
        secret.secret = true;
        let variables = Variables::new(&[secret, NameValue::new("user", "ada")]);
        let request = ApiRequest {
            body: RequestBody::Text {
                text: "{{user}}:{{password}}".into(),
            },
            ..ApiRequest::default()
        };
        let copied = resolve(&request, &variables.without_secrets()).unwrap();
        assert_eq!(
            copied.body,
            RequestBody::Text {
                text: "ada:{{password}}".into()
            }
        );
        assert!(
            !format!("{variables:?}").contains("test-secret-not-real"),
            "Debug redacts secret values"
        );
    }

    #[test]
    fn copy_as_curl_masks_a_secret_variable_unless_asked_and_keeps_unknown_names() {
        let mut key = NameValue::new("apiKey", "test-key-not-real");
        key.secret = true;
        let variables = Variables::new(&[key, NameValue::new("base", "https://oic.example")]);
        let request = ApiRequest {
            url: "{{base}}/x?u={{unknown}}".into(),
            headers: vec![NameValue::new("X-Key", "{{apiKey}}")],
            ..ApiRequest::default()
        };
        let (masked, secret) = for_copy(&request, &variables, false);
        assert_eq!(masked.url, "https://oic.example/x?u={{unknown}}");
        assert_eq!(masked.headers[0].value, "{{apiKey}}");
        assert!(!secret);
        let (full, secret) = for_copy(&request, &variables, true);
        assert_eq!(full.headers[0].value, "test-key-not-real");
        assert!(
            secret,
            "the clipboard is cleared later when a secret variable's value was copied"
        );
        let plain = ApiRequest {
            url: "{{base}}/y".into(),
            ..ApiRequest::default()
        };
        assert!(!for_copy(&plain, &variables, true).1);
    }

    #[test]
    fn odd_braces_are_text_not_references() {
        let mut missing = BTreeSet::new();
        let v = vars(&[("a", "1")]);
        assert_eq!(
            substitute("{{}} {{a} {a}} {{{{a}}", &v, &mut missing),
            "{{}} {{a} {a}} {{1"
        );
        assert_eq!(substitute("{{ a }}{{a}}", &v, &mut missing), "11");
        assert!(missing.is_empty());
        assert_eq!(names_in("x{{ a }}y{{b}}{{}}"), ["a", "b"]);
    }

    proptest! {
        #[test]
        fn text_without_references_is_left_as_it_is(text in "[^{}]{0,40}") {
            let mut missing = BTreeSet::new();
            prop_assert_eq!(substitute(&text, &vars(&[("a", "1")]), &mut missing), text);
            prop_assert!(missing.is_empty());
        }

        #[test]
        fn every_reference_with_a_variable_is_replaced_and_the_others_are_named(
            parts in proptest::collection::vec(("[a-z ]{0,6}", proptest::option::of("[a-c]")), 0..8),
        ) {
            let variables = vars(&[("a", "AA"), ("b", "BB")]);
            let mut text = String::new();
            let mut expected = String::new();
            let mut expected_missing = BTreeSet::new();
            for (plain, name) in &parts {
                text.push_str(plain);
                expected.push_str(plain);
                if let Some(name) = name {
                    text.push_str(&format!("{{{{{name}}}}}"));
                    match variables.get(name) {
                        Some(value) => expected.push_str(value),
                        None => {
                            expected.push_str(&format!("{{{{{name}}}}}"));
                            expected_missing.insert(name.clone());
                        }
                    }
                }
            }
            let mut missing = BTreeSet::new();
            prop_assert_eq!(substitute(&text, &variables, &mut missing), expected);
            prop_assert_eq!(missing, expected_missing);
        }

        #[test]
        fn any_text_resolves_without_panicking(text in any::<String>()) {
            let mut missing = BTreeSet::new();
            let out = substitute(&text, &vars(&[("a", "1")]), &mut missing);
            if !text.contains("{{") { prop_assert_eq!(out, text); }
        }
    }
}
