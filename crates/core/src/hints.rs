//! What an OIC administrator should check for each error: plain words for the
//! RFC 6749 error codes, and a hint per error kind, in the words of the Oracle
//! console.

use crate::error::Error;

/// The RFC 6749 §5.2 error code in plain words.
pub fn plain_words(error: &str) -> &'static str {
    match error {
        "invalid_client" => "The identity domain did not accept the client ID or client secret",
        "invalid_scope" => "The identity domain did not accept the scope",
        "invalid_grant" => "The identity domain refused the grant",
        "unauthorized_client" => "This application is not allowed to use this grant type",
        "unsupported_grant_type" => "The server does not support this grant type",
        "invalid_request" => "The server found the token request malformed",
        "access_denied" => "The sign-in was denied",
        "temporarily_unavailable" | "server_error" => "The identity server had a problem",
        _ => "The server refused the token request",
    }
}

const CLIENT_LOCATION: &str = "Identity & Security → Domains → your domain → Integrated applications → your application → OAuth configuration";

pub fn for_error(error: &Error) -> Option<String> {
    let hint = match error {
        Error::OAuth { error, .. } => return for_oauth_code(error),
        Error::MissingField { field } => format!("Fill in {field}."),
        Error::InvalidUrl { field, .. } => format!(
            "{field} must be a full URL such as https://idcs-1234abcd.identity.oraclecloud.com/oauth2/v1/token."
        ),
        Error::InsecureUrl { field } => format!(
            "{field} must start with https://: credentials are only sent in the clear to this computer (localhost, 127.0.0.1)."
        ),
        Error::Timeout { .. } => "Check the URL and your network or proxy, or raise the request timeout in Settings.".into(),
        Error::Cancelled => return None,
        Error::Dns { .. } => "Check the host name for typos; it is the Domain URL shown under Identity & Security → Domains.".into(),
        Error::ConnectionRefused { .. } => "Check the URL's host and port; nothing is listening there.".into(),
        Error::Tls { .. } => "The server's certificate was not trusted. If your network inspects TLS, add your company's CA bundle in Settings.".into(),
        Error::Network { .. } => "Check your network connection and proxy settings.".into(),
        Error::HtmlResponse { .. } => "Check the Access Token URL: for an identity domain it is https://<domain host>/oauth2/v1/token. An HTML page usually means a wrong path, a proxy sign-in page or a maintenance page.".into(),
        Error::EmptyResponse { .. } | Error::UnexpectedResponse { .. } | Error::MissingAccessToken { .. } => {
            "Check that the Access Token URL is the token endpoint (…/oauth2/v1/token) and not another page.".into()
        }
        Error::Internal(_) => "Try again; if it keeps happening, report it with the steps that led to it.".into(),
    };
    Some(hint)
}

fn for_oauth_code(code: &str) -> Option<String> {
    let hint = match code {
        "invalid_client" => format!(
            "Check the Client ID and Client Secret ({CLIENT_LOCATION}) and that the confidential application is activated."
        ),
        "invalid_scope" => "Use the scope from the application's Token Issuance Policy: the Oracle Integration audience followed by urn:opc:resource:consumer::all (Integrations and Developer APIs) or /ic/api/ (Developer APIs only). Add offline_access only when Refresh Token is enabled.".into(),
        "invalid_grant" => "For a password grant, the user must exist in the identity domain with a local password (single sign-on users cannot use it) and hold the ServiceInvoker role. For a code or refresh token, get a new one: it may be used, expired or revoked.".into(),
        "unauthorized_client" => format!(
            "Enable this grant type in the application's client configuration ({CLIENT_LOCATION})."
        ),
        "unsupported_grant_type" => "Check the Access Token URL and the grant type.".into(),
        "invalid_request" => "Check every field of the request; one is missing or malformed.".into(),
        _ => return None,
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_scope_points_at_the_token_issuance_policy_scopes() {
        let hint = for_oauth_code("invalid_scope").unwrap();
        assert!(hint.contains("Token Issuance Policy"), "{hint}");
        assert!(hint.contains("urn:opc:resource:consumer::all"), "{hint}");
        assert!(hint.contains("/ic/api/"), "{hint}");
    }

    #[test]
    fn invalid_client_mentions_credentials_and_activation() {
        let hint = for_oauth_code("invalid_client").unwrap();
        assert!(hint.contains("Client ID and Client Secret"), "{hint}");
        assert!(hint.contains("activated"), "{hint}");
    }

    #[test]
    fn unknown_codes_still_read_as_a_refusal() {
        assert_eq!(plain_words("something_new"), "The server refused the token request");
        assert!(for_oauth_code("something_new").is_none());
    }
}
