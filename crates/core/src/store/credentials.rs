//! Credentials typed into a request: header values such as `Cookie`,
//! `Authorization` or `X-API-Key`, form fields such as `password` or
//! `client_secret`, and any row the user marked secret. They never reach
//! the settings file: when a profile is saved, their values go to the vault,
//! one entry per row, and the file keeps the row with an empty value and
//! `"secret": true`, which is the reference. [`super::ProfileStore::profile_with_secrets`]
//! fills them back in.
//!
//! A row's entry is `<profile id>/request/<request>/<header|field>/<name>`:
//! `<request>` is `panel` for the request panel or a saved request's id,
//! `<name>` the row's name in lower case, with `~2`, `~3`... when the same
//! name occurs again. Naming entries by the row's name rather than its
//! position keeps a value with its row when other rows are added or removed.
//!
//! A profile variable marked secret is a row too: `<profile id>/variable/<name>`.
//!
//! Raw JSON and text bodies are content, not rows: they stay in the file.

use super::profile::Profile;
use crate::send::{NameValue, RequestBody};
use std::collections::{BTreeSet, HashMap};

/// Words that make a header's value a credential (`X-API-Key`,
/// `Ocp-Apim-Subscription-Key`, `X-Auth-Token`, `X-Signature`...).
const HEADER_WORDS: [&str; 5] = ["key", "token", "secret", "password", "signature"];

/// Words that make a form field's value a credential (`password`,
/// `client_secret`, `refresh_token`, `client_assertion`...).
const FIELD_WORDS: [&str; 4] = ["password", "secret", "token", "assertion"];

/// Whether a header with this name carries a credential.
pub fn is_credential_header(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    matches!(
        name.as_str(),
        "cookie" | "authorization" | "proxy-authorization"
    ) || HEADER_WORDS.iter().any(|word| name.contains(word))
}

/// Whether a form field with this name carries a credential.
pub fn is_credential_field(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    FIELD_WORDS.iter().any(|word| name.contains(word))
}

/// A credential row of a profile, with the vault account of its value.
pub(crate) struct Row<'a> {
    pub account: String,
    pub value: &'a mut String,
    pub secret: &'a mut bool,
}

impl<'a> Row<'a> {
    fn of(account: String, row: &'a mut NameValue) -> Row<'a> {
        Row {
            account,
            value: &mut row.value,
            secret: &mut row.secret,
        }
    }
}

/// Every credential row of the profile's request panel and saved requests,
/// and its secret variables.
pub(crate) fn rows(profile: &mut Profile) -> Vec<Row<'_>> {
    let id = profile.id.clone();
    let mut out = Vec::new();
    let mut seen_variables: HashMap<String, usize> = HashMap::new();
    for row in profile.variables.iter_mut() {
        if row.secret && !row.name.trim().is_empty() {
            let name = row.name.trim().to_owned();
            let count = seen_variables.entry(name.clone()).or_insert(0);
            *count += 1;
            let suffix = if *count > 1 { format!("~{count}") } else { String::new() };
            out.push(Row::of(format!("{id}/variable/{name}{suffix}"), row));
        }
    }
    let requests = std::iter::once(("panel".to_owned(), &mut profile.request)).chain(
        profile
            .saved_requests
            .iter_mut()
            .map(|saved| (saved.id.clone(), &mut saved.request)),
    );
    for (key, request) in requests {
        let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
        let mut account = |kind: &'static str, name: &str| {
            let name = name.trim().to_ascii_lowercase();
            let count = seen.entry((kind, name.clone())).or_insert(0);
            *count += 1;
            let suffix = if *count > 1 {
                format!("~{count}")
            } else {
                String::new()
            };
            format!("{id}/request/{key}/{kind}/{name}{suffix}")
        };
        for row in request.headers.iter_mut() {
            if !row.name.trim().is_empty() && (row.secret || is_credential_header(&row.name)) {
                out.push(Row::of(account("header", &row.name), row));
            }
        }
        match &mut request.body {
            RequestBody::Form { fields } => {
                for row in fields.iter_mut() {
                    if !row.name.trim().is_empty() && (row.secret || is_credential_field(&row.name)) {
                        out.push(Row::of(account("field", &row.name), row));
                    }
                }
            }
            // A text part is kept like a form field (the same account); a
            // file part's path is not a secret.
            RequestBody::Multipart { parts } => {
                for part in parts.iter_mut() {
                    if part.file.is_none()
                        && !part.name.trim().is_empty()
                        && (part.secret || is_credential_field(&part.name))
                    {
                        out.push(Row {
                            account: account("field", &part.name),
                            value: &mut part.value,
                            secret: &mut part.secret,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The vault accounts the profile's credential rows use.
pub(crate) fn accounts(profile: &Profile) -> BTreeSet<String> {
    let mut copy = profile.clone();
    rows(&mut copy).into_iter().map(|r| r.account).collect()
}

/// Takes the values out of the profile's credential rows, marking each row
/// secret; returns `(account, value)` for each row that had a value. A row
/// left empty keeps what the vault holds for it.
pub(crate) fn take_values(profile: &mut Profile) -> Vec<(String, crate::Secret)> {
    let mut taken = Vec::new();
    for Row { account, value, secret } in rows(profile) {
        *secret = true;
        if !value.is_empty() {
            taken.push((account, crate::Secret::new(std::mem::take(value))));
        }
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_headers_are_recognised_by_name_in_any_case() {
        for name in [
            "Cookie",
            " authorization",
            "Proxy-Authorization",
            "X-API-Key",
            "Ocp-Apim-Subscription-Key",
            "X-Auth-Token",
            "X-Client-Secret",
            "X-Password",
            "X-Hub-Signature",
        ] {
            assert!(is_credential_header(name), "{name}");
        }
        for name in ["Accept", "Content-Type", "X-Trace", "If-None-Match"] {
            assert!(!is_credential_header(name), "{name}");
        }
    }

    #[test]
    fn credential_form_fields_are_recognised_by_name() {
        for name in [
            "password",
            "client_secret",
            "refresh_token",
            "client_assertion",
            "Assertion",
        ] {
            assert!(is_credential_field(name), "{name}");
        }
        for name in ["grant_type", "scope", "username", "client_id"] {
            assert!(!is_credential_field(name), "{name}");
        }
    }

    #[test]
    fn a_repeated_name_gets_its_own_account_and_other_rows_do_not_shift_it() {
        let mut profile = Profile {
            id: "p".into(),
            ..Profile::default()
        };
        profile.request.headers = vec![
            NameValue::new("Cookie", "a"),
            NameValue::new("Accept", "b"),
            NameValue::new("cookie", "c"),
        ];
        let accounts: Vec<String> = rows(&mut profile).into_iter().map(|r| r.account).collect();
        assert_eq!(
            accounts,
            [
                "p/request/panel/header/cookie",
                "p/request/panel/header/cookie~2"
            ]
        );
    }

    #[test]
    fn a_secret_text_part_of_a_multipart_body_is_taken_out_and_a_file_path_stays() {
        use crate::send::FormPart;
        let mut profile = Profile {
            id: "p".into(),
            ..Profile::default()
        };
        let mut locked = FormPart::text("note", "test-note-not-real");
        locked.secret = true;
        profile.request.body = RequestBody::Multipart {
            parts: vec![
                FormPart::text("password", "test-pw-not-real"),
                locked,
                FormPart::text("type", "replace"),
                FormPart::file("password_file", "/tmp/x.iar"),
            ],
        };
        let taken = take_values(&mut profile);
        let accounts: Vec<&str> = taken.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(accounts, ["p/request/panel/field/password", "p/request/panel/field/note"]);
        let file = serde_json::to_string(&profile.request).unwrap();
        assert!(!file.contains("test-pw-not-real") && !file.contains("test-note-not-real"), "{file}");
        assert!(file.contains("/tmp/x.iar") && file.contains("replace"), "{file}");
    }
}
