//! Reading what an administrator pastes from the OCI Console: stray spaces
//! and quotes, a missing `https://`, `:443`, upper case, a whole token URL
//! where the Domain URL was asked, a whole scope where the audience was
//! asked. Each function returns the cleaned value or `None`, and says what it
//! did or why it refused in `problems`.

use super::{Field, FieldProblem, CONSUMER_ALL, DEVELOPER_API, OFFLINE_ACCESS};
use crate::error::Error;
use crate::http::endpoint_url;
use url::{Position, Url};

/// The origin of a URL typed for `field`: scheme, host and port, with the
/// path, query and fragment left out (and said so).
pub(super) fn origin(field: Field, raw: &str, problems: &mut Vec<FieldProblem>) -> Option<Url> {
    let text: String = unquote(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if text.is_empty() {
        problems.push(FieldProblem::error(
            field,
            format!("{} is empty; e.g. {}.", field.label(), field.example()),
        ));
        return None;
    }
    let text = with_scheme(field, &text);
    let mut url = match endpoint_url(field.label(), &text) {
        Ok(url) => url,
        Err(error) => {
            problems.push(url_problem(field, error));
            return None;
        }
    };
    let path = url.path().trim_matches('/').to_owned();
    let has_query =
        url.query().is_some_and(|q| !q.is_empty()) || url.fragment().is_some_and(|f| !f.is_empty());
    url.set_path("");
    url.set_query(None);
    url.set_fragment(None);
    // Cannot fail on http(s) URLs with a host, which `endpoint_url` checked.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let used = &url[..Position::BeforePath];
    let left_out = match (path.is_empty(), has_query) {
        (true, false) => None,
        (false, false) => Some(format!("the path /{path}")),
        (true, true) => Some("the query".to_owned()),
        (false, true) => Some(format!("the path /{path} and the query")),
    };
    if let Some(left_out) = left_out {
        problems.push(FieldProblem::note(
            field,
            format!("Used {used}; left out {left_out}."),
        ));
    }
    Some(url)
}

/// A whole URL typed for `field` (an override or a custom Redirect URL),
/// kept as typed once it passes the app's URL rules.
pub(super) fn endpoint(
    field: Field,
    raw: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    let text = unquote(raw).trim();
    match endpoint_url(field.label(), text) {
        Ok(_) => Some(text.to_owned()),
        Err(error) => {
            problems.push(url_problem(field, error));
            None
        }
    }
}

/// The scope audience as the confidential application shows it, e.g.
/// `https://69415C303.integration.ocp.oraclecloud.com:443`. Its case and
/// `:443` are kept: the identity domain compares the scope as a string.
pub(super) fn audience(raw: &str, problems: &mut Vec<FieldProblem>) -> Option<String> {
    let field = Field::Audience;
    // A pasted scope may carry offline_access or openid after a space; a line
    // break inside the value is only a line break.
    let mut text: String = unquote(raw)
        .split_whitespace()
        .filter(|part| {
            !part.eq_ignore_ascii_case(OFFLINE_ACCESS) && !part.eq_ignore_ascii_case("openid")
        })
        .collect();
    let mut stripped = None;
    if let Some(rest) = strip_suffix_ignore_case(&text, CONSUMER_ALL) {
        stripped = Some(CONSUMER_ALL);
        text = rest.to_owned();
    } else {
        let trimmed = text.trim_end_matches('/');
        if let Some(rest) = strip_suffix_ignore_case(trimmed, DEVELOPER_API.trim_end_matches('/')) {
            stripped = Some(DEVELOPER_API);
            text = rest.to_owned();
        }
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, text.as_str()),
    };
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() {
        let message = match (stripped, scheme) {
            (Some(_), _) => format!(
                "Scope audience is the part of the scope before urn:opc:resource:consumer::all or /ic/api/, e.g. {}.",
                field.example()
            ),
            (None, Some(_)) => format!("Scope audience is not an address like {}.", field.example()),
            (None, None) => format!("Scope audience is empty; e.g. {}.", field.example()),
        };
        problems.push(FieldProblem::error(field, message));
        return None;
    }
    if let Some(suffix) = stripped {
        problems.push(FieldProblem::note(
            field,
            format!("Left out {suffix}: the scope kind adds it."),
        ));
    }
    let audience = match scheme {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") =>
        {
            format!("{}://{rest}", scheme.to_ascii_lowercase())
        }
        Some(scheme) => {
            problems.push(FieldProblem::error(
                field,
                format!(
                    "Scope audience starts with {scheme}://; it is an https:// address, e.g. {}.",
                    field.example()
                ),
            ));
            return None;
        }
        None => format!("https://{rest}"),
    };
    let parsed = match Url::parse(&audience) {
        Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) => url,
        Ok(_) | Err(_) => {
            problems.push(FieldProblem::error(
                field,
                format!("Scope audience is not an address like {}.", field.example()),
            ));
            return None;
        }
    };
    let host = parsed.host_str().unwrap_or_default();
    if host.starts_with("idcs-") || host.contains(".identity.") {
        problems.push(FieldProblem::warning(
            field,
            "This looks like the identity domain. The audience is the Oracle Integration resource's primary audience, shown in the scope under Token Issuance Policy.",
        ));
    } else if host.ends_with(".oraclecloud.com") && !has_explicit_port(&audience) {
        problems.push(FieldProblem::warning(
            field,
            "Oracle Integration audiences usually end with :443; copy it exactly as the scope under Token Issuance Policy shows it.",
        ));
    }
    if parsed.path() != "/" || parsed.query().is_some() {
        problems.push(FieldProblem::warning(
            field,
            "An audience is an address without a path; check it against the scope under Token Issuance Policy.",
        ));
    }
    Some(audience)
}

/// The integration instance's name, for `integrationInstance=<name>`.
pub(super) fn instance_name(raw: &str, problems: &mut Vec<FieldProblem>) -> Option<String> {
    let field = Field::InstanceName;
    let name = unquote(raw).trim();
    if name.is_empty() {
        return None;
    }
    if name.contains("://") || name.contains('/') || name.contains('.') {
        problems.push(FieldProblem::error(
            field,
            format!(
                "Integration instance name is the instance's name (e.g. {}), not its URL: it is listed under Developer Services → Integration.",
                field.example()
            ),
        ));
        return None;
    }
    if name.chars().any(char::is_whitespace) {
        problems.push(FieldProblem::error(
            field,
            "Integration instance name has a space; instance names are letters, digits and hyphens.",
        ));
        return None;
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        problems.push(FieldProblem::warning(
            field,
            "Instance names are letters, digits and hyphens; check the name under Developer Services → Integration.",
        ));
    }
    Some(name.to_owned())
}

/// What the app's URL rules say about `field`, in words for the form.
fn url_problem(field: Field, error: Error) -> FieldProblem {
    let label = field.label();
    let message = match error {
        Error::MissingField { .. } => format!("{label} is empty; e.g. {}.", field.example()),
        Error::InsecureUrl { .. } => format!(
            "{label} uses plain http: use https://. Plain http is only allowed to this computer (localhost, 127.0.0.1), such as the sandbox."
        ),
        Error::InvalidUrl { reason, .. } => {
            format!("{label} is not a valid URL ({reason}); e.g. {}.", field.example())
        }
        other => other.to_string(),
    };
    FieldProblem::error(field, message)
}

/// `https://` in front of a bare host, or `http://` when the host is this
/// computer (the sandbox serves plain http on 127.0.0.1).
fn with_scheme(field: Field, text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if text.contains("://") || lower.starts_with("http:") || lower.starts_with("https:") {
        return text.to_owned();
    }
    let plain = format!("http://{text}");
    if endpoint_url(field.label(), &plain).is_ok() {
        plain
    } else {
        format!("https://{text}")
    }
}

/// `text` without the quotes or angle brackets a copy may bring along.
fn unquote(raw: &str) -> &str {
    let mut text = raw.trim();
    for (open, close) in [('"', '"'), ('\'', '\''), ('`', '`'), ('<', '>'), ('“', '”')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
            text = inner.trim();
        }
    }
    text
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let (head, tail) = (text.get(..cut)?, text.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// Whether the authority of `address` names a port (`Url` drops `:443` on
/// https, so this looks at the text).
fn has_explicit_port(address: &str) -> bool {
    let after_scheme = address.split_once("://").map_or(address, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    match host_port.rsplit_once(':') {
        Some((host, port)) => {
            !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) && !host.ends_with(':')
        }
        None => false,
    }
}
