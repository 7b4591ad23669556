//! Parameters of `application/x-www-form-urlencoded` bodies and of query
//! strings, read strictly enough for OAuth: a repeated parameter is an error
//! (RFC 6749 §3.1, §3.2) and an empty value counts as absent.

use std::collections::HashSet;

use http::HeaderMap;

/// The decoded name/value pairs of a form body or query string, in order.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes percent-escapes and `+`; invalid UTF-8 becomes U+FFFD, never a panic.
    pub fn parse(encoded: &[u8]) -> Params {
        Params(
            url::form_urlencoded::parse(encoded)
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first parameter name that occurs more than once, if any.
    pub fn repeated(&self) -> Option<&str> {
        let mut seen = HashSet::with_capacity(self.0.len());
        self.0
            .iter()
            .map(|(name, _)| name.as_str())
            .find(|name| !seen.insert(*name))
    }

    /// The first value of `name`, or `None` when absent or empty
    /// ("parameters sent without a value MUST be treated as if they were
    /// omitted", RFC 6749 §3.1).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }
}

/// Checks that a request body is declared as `application/x-www-form-urlencoded`,
/// optionally with `charset=UTF-8`. The error is the `error_description`.
pub fn require_form_content_type(headers: &HeaderMap) -> Result<(), String> {
    let Some(value) = headers.get(http::header::CONTENT_TYPE) else {
        return Err("the request has no Content-Type; send the parameters as \
                    application/x-www-form-urlencoded"
            .into());
    };
    let value = value.to_str().unwrap_or_default();
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(format!(
            "the Content-Type is '{}'; the token endpoint takes only \
             application/x-www-form-urlencoded parameters",
            printable(value)
        ));
    }
    for parameter in parts {
        let (name, charset) = parameter.split_once('=').unwrap_or((parameter, ""));
        let charset = charset.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset") && !charset.eq_ignore_ascii_case("utf-8") {
            return Err(format!(
                "the charset is '{}'; form parameters must be UTF-8",
                printable(charset)
            ));
        }
    }
    Ok(())
}

/// At most 80 printable characters of a client-supplied value, safe to echo
/// in an error description.
pub fn printable(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::CONTENT_TYPE;

    fn with_content_type(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, value.parse().unwrap());
        headers
    }

    #[test]
    fn repeated_parameters_are_found_even_when_empty() {
        assert_eq!(Params::parse(b"a=1&b=2&a=").repeated(), Some("a"));
        assert_eq!(Params::parse(b"a=1&b=2").repeated(), None);
    }

    #[test]
    fn empty_values_count_as_absent_and_escapes_are_decoded() {
        let params = Params::parse(b"scope=&state=a+b%2Fc&bad=%ZZ%ff");
        assert_eq!(params.get("scope"), None);
        assert_eq!(params.get("state"), Some("a b/c"));
        assert!(
            params.get("bad").is_some(),
            "bad escapes are kept, not a panic"
        );
    }

    #[test]
    fn the_form_content_type_may_carry_a_utf8_charset() {
        assert!(
            require_form_content_type(&with_content_type("application/x-www-form-urlencoded"))
                .is_ok()
        );
        assert!(require_form_content_type(&with_content_type(
            "Application/X-WWW-Form-Urlencoded; charset=\"utf-8\""
        ))
        .is_ok());
        assert!(require_form_content_type(&with_content_type(
            "application/x-www-form-urlencoded;charset=ISO-8859-1"
        ))
        .is_err());
        assert!(require_form_content_type(&with_content_type("application/json")).is_err());
        assert!(require_form_content_type(&HeaderMap::new()).is_err());
    }
}
