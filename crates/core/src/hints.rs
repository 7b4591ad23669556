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

pub(crate) const CLIENT_LOCATION: &str = "Identity & Security → Domains → your domain → Integrated applications → your application → OAuth configuration";

pub fn for_error(error: &Error) -> Option<String> {
    let hint = match error {
        Error::OAuth { error, .. } => return for_oauth_code(error),
        Error::MissingField { field: "Private Key" } => "Import the private key with its certificate under Signing key, or Generate a key pair, Save certificate… and import it to the application.".into(),
        Error::MissingField { field: "Certificate" } => "Paste the certificate uploaded to the application (or type its file path) under Signing key, or Generate a key pair.".into(),
        Error::MissingField { field } => format!("Fill in {field}."),
        Error::InvalidUrl { field, .. } => format!("{field} must be a full URL such as {}.", url_example(field)),
        Error::InsecureUrl { field } => format!(
            "{field} must start with https://: credentials are only sent in the clear to this computer (localhost, 127.0.0.1)."
        ),
        Error::Timeout { .. } => "Check the URL and your network or proxy, or raise the request timeout in Settings.".into(),
        Error::Cancelled => return None,
        Error::Dns { .. } => "Check the host name for typos: for the identity domain it is the Domain URL shown under Identity & Security → Domains; for Oracle Integration, the instance URL. Behind a proxy, check the proxy settings.".into(),
        Error::ConnectionRefused { .. } => "Check the URL's host and port; nothing is listening there.".into(),
        Error::Tls { .. } => "The server's certificate was not trusted. If your network inspects TLS, add your company's CA bundle in Settings.".into(),
        Error::Network { .. } => "Check your network connection and proxy settings.".into(),
        Error::BodyCut { .. } => "The server (or a proxy between) ended the connection in the middle of its answer. Send again; if it happens every time, the server fails while it writes the answer.".into(),
        Error::Proxy { .. } => "Check the proxy URL in Settings (or the HTTPS_PROXY and NO_PROXY variables when Settings leave it empty), that the proxy is running, and that it lets you reach this host.".into(),
        Error::ClientCertificateRefused { .. } => "This endpoint uses TLS client authentication. Choose Client Authentication \"TLS client certificate\" (or tick Send client certificate), with the key pair whose certificate is uploaded to the application; for OCI IAM, use the domain's secure token endpoint (Discover fills it).".into(),
        Error::ClientCertificate { .. } => "Import the PEM private key and the certificate uploaded to the application again (Import), or Generate a new pair and upload its certificate.".into(),
        Error::CaBundle { .. } => "Choose a PEM file that holds one or more -----BEGIN CERTIFICATE----- blocks, such as your company's root CA exported as Base-64 encoded X.509.".into(),
        Error::TooManyRedirects { .. } => "Check the URL: a server that keeps redirecting is usually sending you to a sign-in page that needs a browser, or back and forth between two hosts.".into(),
        Error::RedirectLoop { .. } => "Check the URL and the token: a server that redirects in a circle often wants a browser sign-in or a cookie that an API call does not have.".into(),
        Error::InvalidTrustedHost { .. } => "Write a domain such as oraclecloud.com (it and its subdomains, over https only) or an exact host:port such as 127.0.0.1:8082.".into(),
        Error::InvalidHeader { .. } => "Header names are letters, digits and - (no spaces or colons); values are one line of visible text.".into(),
        Error::UnresolvedVariable { .. } => "Add the variable under Variables (name and value; tick Secret for a password or key), or remove the {{…}} from the request.".into(),
        Error::Import { what: "curl command", .. } => "Paste the whole command, from curl to its last argument; quotes must be closed and each line but the last end with \\ (or ^ on Windows).".into(),
        Error::Import { .. } => "Choose a Postman collection (v1, v2.0 or v2.1), environment or globals file exported as JSON (Export → Collection v2.1 in Postman).".into(),
        Error::InvalidMethod { .. } => "Use a method such as GET, POST, PUT, PATCH or DELETE.".into(),
        Error::BodyFile { .. } => "Check the file's path on the Body tab (choose the file again, or type its full path) and that you may read it; the file is read when the request is sent.".into(),
        Error::HtmlResponse { .. } => "Check the Access Token URL: for an identity domain it is https://<domain host>/oauth2/v1/token. An HTML page usually means a wrong path, a proxy sign-in page or a maintenance page.".into(),
        Error::EmptyResponse { .. } | Error::UnexpectedResponse { .. } | Error::MissingAccessToken { .. } => {
            "Check that the Access Token URL is the token endpoint (…/oauth2/v1/token) and not another page.".into()
        }
        Error::StateMismatch { .. } => "Start the sign-in again from OAuth Console and finish it in the window or tab it opens. If this keeps happening, the redirect did not come from your sign-in.".into(),
        Error::AuthorizationFailed { error, .. } => return for_authorization_error(error),
        Error::CallbackTimeout { .. } => format!(
            "Sign in again and finish within the time limit. If the browser showed an error page instead, check that the Callback URL is one of the application's Redirect URLs ({CLIENT_LOCATION})."
        ),
        Error::ImplicitNeedsFragmentReader => "Under \"Get code with\", choose \"In-app login window\" (the app reads the fragment where the sign-in ends) or \"Paste the redirected URL\" (paste the whole address, # and all). Better still, use Authorization Code with PKCE if the application allows it.".into(),
        Error::CallbackListen { .. } => "Another program may use this port: change the port of the Callback URL (a loopback Redirect URL such as http://127.0.0.1:53682/callback accepts any port), or use port 0 to let OAuth Console pick a free one.".into(),
        Error::NoRefreshToken => format!(
            "Get a new token with \"Request refresh token (offline_access)\" ticked, after enabling Refresh Token in the application's client configuration ({CLIENT_LOCATION}). Client credentials never give a refresh token."
        ),
        Error::RefreshRejected { .. } => "Get a new token. The refresh token was used already, expired or was revoked; refresh tokens rotate, so only the newest one works.".into(),
        Error::Storage { .. } => "Check that the disk is not full and that your user may write to OAuth Console's settings folder.".into(),
        Error::NotFound { .. } => "It may have been deleted already; pick another one from the list.".into(),
        Error::LastProfile => "Create another profile first: OAuth Console always keeps one to work in.".into(),
        Error::Keychain { .. } => "Open the system keychain (Passwords and Keys on Linux, Keychain Access on macOS, Credential Manager on Windows) and check the entries of dev.oauthconsole.desktop, then try again.".into(),
        Error::ResponseTooLarge { .. } => "Check the URL: a token endpoint answers with a few KB of JSON. For an API call, raise the body limit in Settings or use Save to file.".into(),
        Error::SecretForOtherOrigin { what, now, .. } => format!("Enter the {what} again for {now}: a saved secret is only sent to the identity domain it was saved for."),
        Error::NotASavedSecret => "Type the client secret or the password in its own field.".into(),
        Error::Key(key) => return Some(for_key_error(key)),
        Error::DeviceCodeExpired => "Start again for a new User Code, and enter it at the Verification URL and sign in before the countdown ends.".into(),
        Error::AssertionRejected { error, description, .. } => return Some(for_assertion(error, description.as_deref().unwrap_or(""))),
        Error::DiscoveryRefused { .. } => "Discover reads https://<your domain>/.well-known/openid-configuration. Type the Domain URL shown under Identity & Security → Domains → your domain (Domain information), or the Access Token URL on it; a proxy or sign-in page in between answers with a web page instead. You can still fill in the endpoints by hand.".into(),
        Error::JwksUnavailable { .. } => "The identity domain publishes its signing keys at <domain>/admin/v1/SigningCert/jwk; reading them without signing in needs Identity & Security → Domains → your domain → Settings → Configure client access (Access signing certificate). Or type the JWKS URL from Discover.".into(),
        Error::TokenSignatureRefused { .. } => "A token that is not signed with the identity domain's published keys (RS256 or ES256) cannot be checked here: it may be signed with a shared secret (HS256), come from another domain, or have been changed. An API that checks signatures refuses it too.".into(),
        Error::IdTokenRefused { .. } => "Do not trust this sign-in: sign in again. If it keeps happening, check the Client ID and the identity domain (the issuer and audience), the computer's clock, and whether something between the app and the identity domain changes its answers.".into(),
        Error::Internal(_) => "Try again; if it keeps happening, report it with the steps that led to it.".into(),
    };
    Some(hint)
}

/// Errors the authorization endpoint sends back to the Callback URL (RFC 6749
/// §4.1.2.1) instead of a code.
fn for_authorization_error(code: &str) -> Option<String> {
    let hint = match code {
        "access_denied" => "The user cancelled the sign-in or did not allow access. Sign in again with a user that holds the ServiceInvoker role and allow access.".into(),
        "unauthorized_client" => format!(
            "Enable Authorization Code in the application's client configuration ({CLIENT_LOCATION})."
        ),
        "invalid_request" => format!(
            "Check the Callback URL (one of the application's Redirect URLs, {CLIENT_LOCATION}), the Client ID and the Scope."
        ),
        "unsupported_response_type" => "Check the Auth URL: for an identity domain it is https://<domain host>/oauth2/v1/authorize.".into(),
        "temporarily_unavailable" | "server_error" => "The identity domain had a problem; try again in a moment.".into(),
        other => return for_oauth_code(other),
    };
    Some(hint)
}

fn for_key_error(error: &crate::keys::KeyError) -> String {
    use crate::keys::KeyError;
    match error {
        KeyError::NotPem { .. } | KeyError::WrongPemBlock { .. } => "Paste or choose the PEM files themselves: the private key starts with -----BEGIN PRIVATE KEY----- (or -----BEGIN RSA PRIVATE KEY-----), the certificate with -----BEGIN CERTIFICATE-----.".into(),
        KeyError::EncryptedKey => "Remove the passphrase first, for example with openssl pkcs8 -in key.pem -nocrypt -out key-plain.pem; the key is kept in the system keychain.".into(),
        KeyError::UnsupportedKey { .. } | KeyError::UnsupportedCertificateKey { .. } => "Identity domains accept RS256 assertions only: use an RSA key of 2048 bits or more (openssl genrsa 2048), or Generate one here.".into(),
        KeyError::BadCertificate { .. } => "Use the X.509 certificate (PEM) you uploaded to the application, or Generate a new key pair and Save certificate… to upload it.".into(),
        KeyError::Mismatch => format!("Choose the certificate made from this private key: the one uploaded to the application ({CLIENT_LOCATION} → Certificate) must be its pair."),
        KeyError::Generate { .. } | KeyError::Sign { .. } => "Try again; if it keeps happening, report it with the steps that led to it.".into(),
    }
}

/// What an identity domain's refusal of a signed assertion most likely
/// means, from the words of its `error_description`.
fn for_assertion(code: &str, description: &str) -> String {
    let said = description.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| said.contains(w));
    if code == "unauthorized_client" {
        return format!(
            "Enable JWT Assertion (or the grant you chose) in the application's client configuration ({CLIENT_LOCATION}), and save the application."
        );
    }
    if has(&["kid", "alias", "x5t", "certificate", "signature"]) {
        return format!(
            "Upload the certificate of this key to the application (Client type: Confidential, {CLIENT_LOCATION} → Certificate → Import certificate) and make the Key ID equal to its Alias exactly."
        );
    }
    if has(&["aud", "audience"]) {
        return "For an OCI IAM identity domain, set the Assertion Audience to https://identity.oraclecloud.com/ (the audience identity domains expect), not the domain URL or the token URL. Other servers usually expect their token URL (RFC 7523).".into();
    }
    if has(&["expired", "exp", "iat", "not yet valid", "clock", "future"]) {
        return "Check this computer's clock (an assertion is valid for a few minutes from its iat) and sign a new assertion; a long assertion lifetime can also be refused.".into();
    }
    if has(&["user", "sub"]) {
        return "Check the Username: the sub of a user assertion must be a user of the identity domain who holds the ServiceInvoker role.".into();
    }
    format!(
        "Check the signed assertion: the Key ID must be the certificate Alias uploaded to the application ({CLIENT_LOCATION}), the Assertion Audience https://identity.oraclecloud.com/, the clock right, and JWT Assertion enabled as a grant type."
    )
}

fn for_oauth_code(code: &str) -> Option<String> {
    let hint = match code {
        "invalid_client" => format!(
            "Check the Client ID and Client Secret ({CLIENT_LOCATION}) and that the confidential application is activated."
        ),
        "invalid_scope" => "Use the scope from the application's Token Issuance Policy: the Oracle Integration instance's primary audience followed by urn:opc:resource:consumer::all (Integrations and Developer APIs) or /ic/api/ (Developer APIs only). Add offline_access only when Refresh Token is enabled.".into(),
        "invalid_grant" => "For a password grant, the user must exist in the identity domain with a local password (single sign-on users cannot use it) and hold the ServiceInvoker role. For an authorization code, sign in again: a code works once, for a short time, and only with the code verifier of the same sign-in.".into(),
        "unauthorized_client" => format!(
            "Enable this grant type in the application's client configuration ({CLIENT_LOCATION})."
        ),
        "unsupported_grant_type" => "Check the Access Token URL and the grant type.".into(),
        "invalid_request" => "Check every field of the request; one is missing or malformed.".into(),
        "access_denied" => "The user chose not to allow access at the Verification URL, or signed in as a user without the ServiceInvoker role. Start again and allow access.".into(),
        _ => return None,
    };
    Some(hint)
}

/// An example of a good value for the URL field `field`.
fn url_example(field: &str) -> &'static str {
    match field {
        "URL" => "https://oic-1234abcd.integration.ocp.oraclecloud.com/ic/api/integration/v1/connections",
        "Auth URL" => "https://idcs-1234abcd.identity.oraclecloud.com/oauth2/v1/authorize",
        "Callback URL" | "Redirected URL" => "http://127.0.0.1:53682/callback",
        "Proxy" => "http://proxy.example.com:8080",
        _ => "https://idcs-1234abcd.identity.oraclecloud.com/oauth2/v1/token",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_signing_key_says_how_to_get_one() {
        let hint = for_error(&Error::MissingField { field: "Private Key" }).unwrap();
        assert!(hint.contains("Import") && hint.contains("Generate"), "{hint}");
        assert_eq!(for_error(&Error::MissingField { field: "Username" }).unwrap(), "Fill in Username.");
    }

    #[test]
    fn a_bad_url_gets_an_example_for_its_own_field() {
        let hint = |field| for_error(&Error::InvalidUrl { field, reason: "x".into() }).unwrap();
        assert!(hint("URL").contains("/ic/api/integration/v1/connections"), "{}", hint("URL"));
        assert!(hint("Access Token URL").contains("/oauth2/v1/token"), "{}", hint("Access Token URL"));
        assert!(hint("Auth URL").contains("/oauth2/v1/authorize"), "{}", hint("Auth URL"));
    }

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
    fn an_assertion_refusal_names_the_likely_cause_in_the_console_words() {
        assert!(for_assertion("invalid_grant", "no certificate with the alias 'x'").contains("Alias"));
        assert!(for_assertion("invalid_grant", "the aud claim is wrong").contains("https://identity.oraclecloud.com/"));
        assert!(for_assertion("invalid_grant", "the assertion expired").contains("clock"));
        assert!(for_assertion("unauthorized_client", "").contains("client configuration"));
    }

    #[test]
    fn unknown_codes_still_read_as_a_refusal() {
        assert_eq!(plain_words("something_new"), "The server refused the token request");
        assert!(for_oauth_code("something_new").is_none());
    }
}

