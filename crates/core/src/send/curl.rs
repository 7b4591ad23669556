//! "Copy as cURL": the token request and the API request as commands that
//! work when pasted into a POSIX shell, built from the same checked request
//! the app sends and the same network settings (CA bundle, proxy, timeout).
//! An API request is [`super::prepare`]'s; a token request (every grant's,
//! the device authorization, the code exchange, the refresh) is the one the
//! grant's own exchange builds, kept by a capturing transport instead of
//! sent (the grants' `unsent` functions), so the command cannot drift from
//! what the app sends.
//!
//! Secrets are placeholders (`Bearer <access token>`, `<client secret>`)
//! unless the caller asks to include them. curl has no trusted-host list: it
//! gets `--location-trusted` only when the app's setting would forward the
//! token to another origin (as seen in the redirect chain of the last send,
//! or for the setting "Any host"), else `--location`, which keeps it to the
//! same host and port. An https request gets `--proto-redir =https`: curl
//! then refuses any redirect to plain http.

use super::redirect::{FollowAuthorization, MAX_REDIRECTS};
use super::response::{is_credential_header, Hop};
use super::{is_secret_field, prepare, sent_fields, ApiRequest, FormPart, RequestBody};
use crate::error::Result;
use crate::grants::authorization_code::{
    self, AuthorizationCode, ExchangeOf, PendingAuthorization, CODE_PLACEHOLDER, VERIFIER_PLACEHOLDER,
};
use crate::grants::client_credentials::{self, ClientCredentials};
use crate::grants::device_code::{self, DeviceCode};
use crate::grants::exchange::{Client, CLIENT_ASSERTION_PLACEHOLDER};
use crate::grants::jwt_assertion::{self, JwtAssertion};
use crate::grants::password::{self, PasswordCredentials};
use crate::grants::refresh_token::{self, RefreshToken};
use crate::http::{proxy_display, HttpSettings, LOOPBACK_NO_PROXY};
use crate::secret::Secret;
use http::Method;
use oauth2::HttpRequest;

/// The command for an API call. `observed` is the redirect chain of the last
/// send of this request, when there is one.
pub fn for_api_request(
    request: &ApiRequest,
    authorization: Option<&Secret>,
    settings: &HttpSettings,
    observed: Option<&[Hop]>,
    include_secrets: bool,
) -> Result<String> {
    let prepared = prepare(request, authorization)?;
    let trusted = match observed {
        Some(hops) => hops.iter().any(|hop| hop.authorization.crossed_origin()),
        None => request.follow_authorization == FollowAuthorization::Any,
    };
    let mut first = vec![
        "curl".to_owned(),
        "-i".to_owned(),
        "--globoff".to_owned(),
        if trusted {
            "--location-trusted"
        } else {
            "--location"
        }
        .to_owned(),
        format!("--max-redirs {MAX_REDIRECTS}"),
    ];
    // An https request is never walked to plain http by a redirect, so the
    // token cannot leave in clear text.
    if prepared.url.scheme() == "https" {
        first.push("--proto-redir =https".to_owned());
    }
    let has_body = prepared.body.is_some();
    // Without -X curl switches POST to GET on 301/302/303 as the app does;
    // with -X it would keep the method on every redirect.
    match prepared.method {
        Method::GET if !has_body => {}
        Method::POST if has_body => {}
        Method::HEAD => first.push("--head".to_owned()),
        ref other => first.push(format!("-X {}", quote(other.as_str()))),
    }
    let mut lines = vec![first.join(" ")];

    let multipart = matches!(request.body, RequestBody::Multipart { .. });
    for (name, value) in &prepared.headers {
        // curl writes a multipart Content-Type with its own boundary.
        if multipart && name == http::header::CONTENT_TYPE {
            continue;
        }
        let text = String::from_utf8_lossy(value.as_bytes());
        let shown = if include_secrets || !is_credential_header(name.as_str()) {
            text.into_owned()
        } else {
            masked_credential(name.as_str(), &text)
        };
        lines.push(format!(
            "-H {}",
            quote(&format!("{}: {shown}", display_name(name.as_str())))
        ));
    }
    if has_body {
        match &request.body {
            RequestBody::Json { text } | RequestBody::Text { text } => {
                lines.push(format!("--data-raw {}", quote(text)))
            }
            RequestBody::Form { fields } => {
                for field in sent_fields(fields) {
                    let name = field.name.trim();
                    let value = if include_secrets || !is_secret_field(name) {
                        field.value.clone()
                    } else {
                        format!("<{name}>")
                    };
                    lines.push(format!(
                        "--data-urlencode {}",
                        quote(&format!("{}={value}", form_name(name)))
                    ));
                }
            }
            RequestBody::Multipart { parts } => {
                for part in parts.iter().filter(|p| p.enabled && !p.name.trim().is_empty()) {
                    lines.push(form_part(part, include_secrets));
                }
            }
            RequestBody::File { path, .. } => {
                lines.push(format!("--data-binary {}", quote(&format!("@{}", path.trim()))))
            }
            RequestBody::None => {}
        }
    }
    lines.extend(connection_options(settings, include_secrets)?);
    lines.push(quote(prepared.url.as_str()));
    Ok(lines.join(" \\\n  "))
}

/// The command for a client-credentials token request, as Oracle's
/// "Call the Developer APIs with Client Credentials" shows it.
pub fn for_client_credentials(
    grant: &ClientCredentials,
    settings: &HttpSettings,
    include_secrets: bool,
) -> Result<String> {
    token_command(&client_credentials::unsent(grant)?, &grant.client, settings, include_secrets)
}

/// The command for a password token request (resource owner password
/// credentials), as Oracle's "Call the Developer APIs with a password
/// grant" shows it; the password is a placeholder unless asked (and then
/// it must be there, as for Get New Access Token).
pub fn for_password(grant: &PasswordCredentials, settings: &HttpSettings, include_secrets: bool) -> Result<String> {
    let masked;
    let grant = if include_secrets {
        grant
    } else {
        masked = PasswordCredentials {
            password: Secret::new(placeholder("password")),
            ..grant.clone()
        };
        &masked
    };
    token_command(&password::unsent(grant)?, &grant.client, settings, include_secrets)
}

/// The command for a JWT Assertion token request (RFC 7523), as Oracle's
/// "Call the Developer APIs with a JWT User Assertion" shows it. With
/// secrets, the user assertion is signed at `now`, so the command works for
/// the assertion's lifetime; without, it is a placeholder (after checking
/// that it could be signed: the Username and Key ID are there).
pub fn for_jwt_assertion(
    grant: &JwtAssertion,
    settings: &HttpSettings,
    include_secrets: bool,
    now: std::time::SystemTime,
) -> Result<String> {
    token_command(&jwt_assertion::unsent(grant, include_secrets, now)?, &grant.client, settings, include_secrets)
}

/// The command for the device code's first step, the device authorization
/// request (RFC 8628 §3.1), as [`device_code::start`] sends it: `client_id`
/// always in the body, the media type without a charset.
pub fn for_device_authorization(grant: &DeviceCode, settings: &HttpSettings, include_secrets: bool) -> Result<String> {
    token_command(&device_code::unsent_start(grant)?, &grant.client, settings, include_secrets)
}

/// The command for the authorization code's exchange (RFC 6749 §4.1.3), as
/// [`authorization_code::finish`] sends it once the redirect brought the
/// code, which stays a placeholder ([`CODE_PLACEHOLDER`]). When `waiting`
/// is a paste-mode sign-in for the same client and Callback URL, the command
/// is that sign-in's exchange, with its PKCE verifier (shown when secrets
/// are asked for); otherwise the verifier is a placeholder too.
pub fn for_authorization_code(
    grant: &AuthorizationCode,
    waiting: Option<&PendingAuthorization>,
    settings: &HttpSettings,
    include_secrets: bool,
) -> Result<String> {
    let of = match waiting {
        Some(pending) if pending.exchanges_code_for(grant) => ExchangeOf::SignIn(pending),
        _ => ExchangeOf::Fields(grant),
    };
    token_command(&authorization_code::unsent_exchange(of)?, &grant.client, settings, include_secrets)
}

/// The command for a refresh request (RFC 6749 §6), as
/// [`refresh_token::request`] sends it ([`crate::expiry::refresh_of`] makes
/// the Refresh action's); the refresh token is a placeholder unless asked.
pub fn for_refresh_token(grant: &RefreshToken, settings: &HttpSettings, include_secrets: bool) -> Result<String> {
    token_command(&refresh_token::unsent(grant)?, &grant.client, settings, include_secrets)
}

/// A request to the token (or device) endpoint, exactly as the grant built
/// it for sending (headers in their order, then the form's fields in
/// theirs), with the app's connection settings. Without secrets, the Basic
/// credentials and every secret field are placeholders.
fn token_command(request: &HttpRequest, client: &Client, settings: &HttpSettings, include_secrets: bool) -> Result<String> {
    let mut lines = vec![format!("curl -i -X {}", quote(request.method().as_str()))];
    for (name, value) in request.headers() {
        let text = String::from_utf8_lossy(value.as_bytes());
        let shown = if include_secrets || !is_credential_header(name.as_str()) {
            text.into_owned()
        } else if text.starts_with("Basic ") {
            "Basic <base64 of client_id:client_secret>".to_owned()
        } else {
            masked_credential(name.as_str(), &text)
        };
        lines.push(format!("-H {}", quote(&format!("{}: {shown}", display_name(name.as_str())))));
    }
    for (name, value) in url::form_urlencoded::parse(request.body()) {
        let value = if include_secrets || !is_secret_field(&name) {
            value.into_owned()
        } else {
            placeholder(&name)
        };
        lines.push(format!("--data-urlencode {}", quote(&format!("{}={value}", form_name(&name)))));
    }
    if client.presents_certificate() {
        // The key lives in the keychain only: curl reads both from files
        // the user saves (Save certificate…, and their own copy of the key).
        lines.push(format!("--cert {}", quote("<client certificate file (PEM)>")));
        lines.push(format!("--key {}", quote("<private key file (PEM)>")));
    }
    lines.extend(connection_options(settings, include_secrets)?);
    lines.push(quote(&request.uri().to_string()));
    Ok(lines.join(" \\\n  "))
}

/// What a token request's secret field shows without secrets.
fn placeholder(name: &str) -> String {
    match name {
        "client_secret" => "<client secret>",
        "password" => "<password>",
        "refresh_token" => "<refresh token>",
        "code" => CODE_PLACEHOLDER,
        "code_verifier" => VERIFIER_PLACEHOLDER,
        "assertion" => jwt_assertion::USER_ASSERTION_PLACEHOLDER,
        "client_assertion" => CLIENT_ASSERTION_PLACEHOLDER,
        other => return format!("<{other}>"),
    }
    .to_owned()
}

/// CA bundle, proxy and timeout, as the app's client uses them.
fn connection_options(settings: &HttpSettings, include_secrets: bool) -> Result<Vec<String>> {
    let mut options = Vec::new();
    if let Some(path) = settings.ca_bundle_path() {
        options.push(format!("--cacert {}", quote(&path.display().to_string())));
    }
    if let Some(proxy) = settings.proxy_url()? {
        let password = if include_secrets {
            proxy.password()
        } else {
            Some("<proxy password>")
        };
        options.push(format!(
            "--proxy {}",
            quote(&proxy_display(&proxy, password))
        ));
        options.push(format!("--noproxy {}", quote(LOOPBACK_NO_PROXY)));
    }
    options.push(format!("--max-time {}", settings.timeout.as_secs().max(1)));
    Ok(options)
}

/// `Bearer <access token>`, `Basic <credentials>`, `<cookie>`, ...
fn masked_credential(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("cookie") {
        return "<cookie>".into();
    }
    let scheme = value.split_whitespace().next().unwrap_or_default();
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => format!("{scheme} <access token>"),
        "basic" => format!("{scheme} <credentials>"),
        "" => "<credentials>".into(),
        _ if value.contains(char::is_whitespace) => format!("{scheme} <credentials>"),
        _ => "<credentials>".into(),
    }
}

/// `content-type` → `Content-Type`, for readability (names are case-blind).
fn display_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// curl's `--data-urlencode name=value` encodes the value only.
fn form_name(name: &str) -> String {
    url::form_urlencoded::byte_serialize(name.as_bytes()).collect()
}

/// One shell word: as is when it holds only safe characters, else in single
/// quotes with each `'` written as `'\''`.
/// A multipart part as curl's `-F` (a file, or text with a type) or
/// `--form-string` (text, where a leading `@` or `<` stays text).
fn form_part(part: &FormPart, include_secrets: bool) -> String {
    let name = form_name(part.name.trim());
    let typed = part
        .content_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| format!(";type={t}"))
        .unwrap_or_default();
    if let Some(path) = &part.file {
        return format!("-F {}", quote(&format!("{name}=@{}{typed}", form_file(path.trim()))));
    }
    let value = if include_secrets || !part.is_secret() {
        part.value.clone()
    } else {
        format!("<{}>", part.name.trim())
    };
    if typed.is_empty() {
        format!("--form-string {}", quote(&format!("{name}={value}")))
    } else {
        format!("-F {}", quote(&format!("{name}={}{typed}", form_file(&value))))
    }
}

/// A file name (or a typed part's value) inside curl's `-F`: double-quoted,
/// with `\\` and `"` escaped, when it holds `;`, `,`, `"`, a space or `\\`.
fn form_file(path: &str) -> String {
    if path.contains([';', ',', '"', ' ', '\\']) {
        format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        path.to_owned()
    }
}

fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.,:/@%+=".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_request_masks_the_password_and_the_secret_unless_asked() {
        let grant = crate::grants::password::PasswordCredentials {
            client: crate::grants::exchange::Client {
                token_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token".into(),
                client_id: "fake-client".into(),
                client_secret: crate::secret::Secret::new("fake-secret-value"),
                client_auth: crate::token::ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            username: "fake.user@example.com".into(),
            password: crate::secret::Secret::new("fake-password-value"),
            scope: "https://aud.example:443urn:opc:resource:consumer::all".into(),
            request_refresh_token: true,
        };
        let masked = for_password(&grant, &HttpSettings::default(), false).unwrap();
        assert!(masked.contains("grant_type=password") && masked.contains("username=fake.user@example.com"), "{masked}");
        assert!(masked.contains("password=<password>") && masked.contains("offline_access"), "{masked}");
        assert!(!masked.contains("fake-password-value") && !masked.contains("fake-secret-value"), "{masked}");
        let shown = for_password(&grant, &HttpSettings::default(), true).unwrap();
        assert!(shown.contains("password=fake-password-value"), "{shown}");
    }

    use super::*;
    use crate::error::Error;
    use crate::send::redirect::Forwarding;
    use crate::grants::exchange::Client;
    use crate::token::ClientAuth;
    use base64::Engine;
    use std::time::Duration;

    fn api(json: serde_json::Value) -> ApiRequest {
        serde_json::from_value(json).unwrap()
    }

    fn sh(word: &str) -> String {
        // What a POSIX shell makes of the quoted word.
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", quote(word)))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn quoting_survives_the_shell_for_awkward_text() {
        for word in [
            "plain",
            "it's",
            "a b",
            "$HOME `x` \"y\" \\z",
            "'",
            "''",
            "line\nbreak",
            "{status:'ACTIVE'}",
            "",
            "*",
        ] {
            assert_eq!(sh(word), word, "the shell gives back exactly {word:?}");
        }
        assert_eq!(quote("https://a.example.com/x"), "https://a.example.com/x");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn the_token_is_a_placeholder_unless_secrets_are_asked_for() {
        let request = api(
            serde_json::json!({"url": "https://oic.example.oraclecloud.com/ic/api/integration/v1/connections"}),
        );
        let token = Secret::new("Bearer test-token-not-real");
        let masked = for_api_request(
            &request,
            Some(&token),
            &HttpSettings::default(),
            None,
            false,
        )
        .unwrap();
        assert!(
            masked.contains("-H 'Authorization: Bearer <access token>'"),
            "{masked}"
        );
        assert!(!masked.contains("not-real"), "{masked}");
        let full =
            for_api_request(&request, Some(&token), &HttpSettings::default(), None, true).unwrap();
        assert!(
            full.contains("-H 'Authorization: Bearer test-token-not-real'"),
            "{full}"
        );
    }

    #[test]
    fn location_trusted_only_when_the_setting_would_forward() {
        let mut request =
            api(serde_json::json!({"url": "https://oic.example.oraclecloud.com/ic/api/"}));
        let settings = HttpSettings::default();
        let plain = for_api_request(&request, None, &settings, None, false).unwrap();
        assert!(
            plain.contains(" --location ") && !plain.contains("--location-trusted"),
            "{plain}"
        );
        request.follow_authorization = FollowAuthorization::Any;
        assert!(for_api_request(&request, None, &settings, None, false)
            .unwrap()
            .contains("--location-trusted"));

        let hop = |forwarding| {
            Hop::new(
                &Method::GET,
                &url::Url::parse("https://design.example.oraclecloud.com/ic/api/").unwrap(),
                http::StatusCode::OK,
                forwarding,
                Duration::ZERO,
            )
        };
        request.follow_authorization = FollowAuthorization::Trusted;
        let forwarded = [hop(Forwarding::Sent), hop(Forwarding::TrustedHost)];
        assert!(
            for_api_request(&request, None, &settings, Some(&forwarded), false)
                .unwrap()
                .contains("--location-trusted")
        );
        let dropped = [hop(Forwarding::Sent), hop(Forwarding::Untrusted)];
        assert!(
            !for_api_request(&request, None, &settings, Some(&dropped), false)
                .unwrap()
                .contains("--location-trusted")
        );
    }

    #[test]
    fn bodies_methods_and_settings_appear_as_curl_options() {
        let request = api(serde_json::json!({
            "method": "PUT",
            "url": "https://oic.example.oraclecloud.com/ic/api/integration/v1/connections/X?q={status:'ACTIVE'}",
            "body": {"kind": "json", "text": "{\"name\": \"it's\"}"}
        }));
        let settings = HttpSettings {
            timeout: Duration::from_secs(45),
            proxy: Some("http://someone:test-proxy-pw-not-real@proxy.corp.example:8080".into()),
            ca_bundle: Some("/etc/ssl/corp ca.pem".into()),
            ..HttpSettings::default()
        };
        let command = for_api_request(&request, None, &settings, None, false).unwrap();
        assert!(command.contains("-X PUT"), "{command}");
        assert!(
            command.contains("-H 'Content-Type: application/json'"),
            "{command}"
        );
        assert!(
            command.contains(r#"--data-raw '{"name": "it'\''s"}'"#),
            "{command}"
        );
        assert!(
            command.contains("--cacert '/etc/ssl/corp ca.pem'"),
            "{command}"
        );
        assert!(
            command.contains("--proxy 'http://someone:<proxy password>@proxy.corp.example:8080'"),
            "{command}"
        );
        assert!(command.contains("--max-time 45"), "{command}");
        assert!(
            command.contains("--globoff"),
            "braces in OIC queries are not curl globs: {command}"
        );
        assert!(!command.contains("not-real"), "{command}");
        let with_secrets = for_api_request(&request, None, &settings, None, true).unwrap();
        assert!(
            with_secrets.contains("test-proxy-pw-not-real@"),
            "{with_secrets}"
        );
    }

    #[test]
    fn a_post_with_a_body_lets_curl_infer_the_method() {
        let request = api(serde_json::json!({
            "method": "POST", "url": "http://127.0.0.1:9/x",
            "body": {"kind": "form", "fields": [{"name": "a b", "value": "c&d"}, {"name": "password", "value": "test-pw-not-real"}]}
        }));
        let command =
            for_api_request(&request, None, &HttpSettings::default(), None, false).unwrap();
        assert!(
            !command.contains("-X POST"),
            "with -X curl would keep POST across a 303: {command}"
        );
        assert!(command.contains("--data-urlencode 'a+b=c&d'"), "{command}");
        assert!(
            command.contains("--data-urlencode 'password=<password>'"),
            "{command}"
        );
    }

    fn grant(auth: ClientAuth) -> ClientCredentials {
        ClientCredentials {
            client: Client {
                token_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token".into(),
                client_id: "test-client".into(),
                client_secret: Secret::new("test-secret-not-real"),
                client_auth: auth,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            scope: "https://aud.example:443urn:opc:resource:consumer::all".into(),
        }
    }

    #[test]
    fn the_client_credentials_command_follows_oracles_example() {
        let command = for_client_credentials(
            &grant(ClientAuth::BasicHeader),
            &HttpSettings::default(),
            false,
        )
        .unwrap();
        assert!(command.starts_with("curl -i -X POST"), "{command}");
        assert!(
            command.contains("-H 'Authorization: Basic <base64 of client_id:client_secret>'"),
            "{command}"
        );
        assert!(
            command.contains("-H 'Content-Type: application/x-www-form-urlencoded;charset=UTF-8'"),
            "{command}"
        );
        assert!(
            command.contains("--data-urlencode grant_type=client_credentials"),
            "{command}"
        );
        assert!(
            command.contains(
                "--data-urlencode scope=https://aud.example:443urn:opc:resource:consumer::all"
            ),
            "{command}"
        );
        assert!(
            command.ends_with("https://idcs-x.identity.oraclecloud.com/oauth2/v1/token"),
            "{command}"
        );
        assert!(!command.contains("not-real"), "{command}");

        let full = for_client_credentials(
            &grant(ClientAuth::BasicHeader),
            &HttpSettings::default(),
            true,
        )
        .unwrap();
        let expected =
            base64::engine::general_purpose::STANDARD.encode("test-client:test-secret-not-real");
        assert!(
            full.contains(&format!("Authorization: Basic {expected}")),
            "{full}"
        );
    }

    fn jwt_grant(auth: ClientAuth) -> JwtAssertion {
        let pair = crate::keys::tests::test_pair();
        JwtAssertion {
            client: grant(auth).client,
            username: "jane.doe".into(),
            signing: crate::assertion::Signing {
                private_key: Secret::new(pair.private_key.expose_pem()),
                certificate: pair.certificate.pem().to_owned(),
                key_id: "console-key".into(),
                key_id_kind: crate::assertion::KeyIdKind::Alias,
                audience: String::new(),
                lifetime_secs: 0,
            },
            scope: "https://aud.example:443urn:opc:resource:consumer::all".into(),
            request_refresh_token: true,
        }
    }

    #[test]
    fn the_jwt_assertion_command_masks_the_assertion_unless_secrets_are_asked_for() {
        let now = std::time::SystemTime::now();
        let masked = for_jwt_assertion(&jwt_grant(ClientAuth::BasicHeader), &HttpSettings::default(), false, now).unwrap();
        assert!(masked.contains("--data-urlencode grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer"), "{masked}");
        assert!(masked.contains("--data-urlencode 'assertion=<signed user assertion JWT>'"), "{masked}");
        assert!(masked.contains("Authorization: Basic <base64 of client_id:client_secret>"), "{masked}");
        assert!(masked.contains("offline_access'"), "the refresh-token choice is in the scope: {masked}");
        assert!(!masked.contains("eyJ") && !masked.contains("not-real"), "{masked}");

        let full = for_jwt_assertion(&jwt_grant(ClientAuth::BasicHeader), &HttpSettings::default(), true, now).unwrap();
        let assertion = full
            .split_whitespace()
            .find_map(|word| word.strip_prefix("assertion="))
            .expect("the signed assertion is in the command");
        let decoded = crate::jwt::decode(assertion).expect("a JWT");
        assert_eq!(decoded.claims["sub"], "jane.doe");
        assert_eq!(decoded.header["kid"], "console-key");
    }

    #[test]
    fn a_client_assertion_replaces_the_secret_in_a_jwt_assertion_command() {
        let mut grant = jwt_grant(ClientAuth::ClientAssertion);
        grant.client.client_assertion = Some(grant.signing.clone());
        let command = for_jwt_assertion(&grant, &HttpSettings::default(), false, std::time::SystemTime::now()).unwrap();
        assert!(!command.contains("Authorization") && !command.contains("client_secret"), "{command}");
        assert!(command.contains("client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), "{command}");
        assert!(command.contains("'client_assertion=<signed client assertion JWT>'"), "{command}");
    }

    #[test]
    fn a_jwt_assertion_command_without_a_username_says_so() {
        let mut grant = jwt_grant(ClientAuth::BasicHeader);
        grant.username = " ".into();
        let err = for_jwt_assertion(&grant, &HttpSettings::default(), false, std::time::SystemTime::now()).unwrap_err();
        assert!(matches!(err, Error::MissingField { field: "Username" }), "{err:?}");
    }

    #[test]
    fn the_device_authorization_command_sends_what_the_device_code_start_sends() {
        let device = |secret: &str| DeviceCode {
            client: Client {
                token_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token".into(),
                client_id: "test-client".into(),
                client_secret: Secret::new(secret),
                client_auth: ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            device_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/device".into(),
            scope: "https://aud.example:443urn:opc:resource:consumer::all".into(),
            request_refresh_token: true,
        };
        let command = for_device_authorization(&device("test-secret-not-real"), &HttpSettings::default(), false).unwrap();
        assert!(command.contains("-H 'Authorization: Basic <base64 of client_id:client_secret>'"), "{command}");
        assert!(command.contains("-H 'Content-Type: application/x-www-form-urlencoded' "), "no charset: {command}");
        assert!(command.contains("--data-urlencode response_type=device_code"), "{command}");
        assert!(command.contains("--data-urlencode client_id=test-client"), "client_id also with Basic: {command}");
        assert!(
            command.contains("--data-urlencode 'scope=https://aud.example:443urn:opc:resource:consumer::all offline_access'"),
            "{command}"
        );
        assert!(command.ends_with("https://idcs-x.identity.oraclecloud.com/oauth2/v1/device"), "{command}");
        assert!(!command.contains("not-real"), "{command}");

        let public = for_device_authorization(&device(""), &HttpSettings::default(), true).unwrap();
        assert!(!public.contains("Authorization") && !public.contains("client_secret"), "a public client sends its id only: {public}");
        assert!(public.contains("--data-urlencode client_id=test-client"), "{public}");

        let mut unnamed = device("");
        unnamed.device_url = String::new();
        let err = for_device_authorization(&unnamed, &HttpSettings::default(), false).unwrap_err();
        assert!(matches!(err, Error::MissingField { field: "Device Authorization URL" }), "{err:?}");
    }

    #[test]
    fn body_authentication_puts_a_placeholder_secret_in_the_form() {
        let command = for_client_credentials(
            &grant(ClientAuth::RequestBody),
            &HttpSettings::default(),
            false,
        )
        .unwrap();
        assert!(!command.contains("Authorization"), "{command}");
        assert!(
            command.contains("--data-urlencode client_id=test-client"),
            "{command}"
        );
        assert!(
            command.contains("--data-urlencode 'client_secret=<client secret>'"),
            "{command}"
        );
    }

    #[test]
    fn tls_client_authentication_sends_the_client_id_and_the_certificate_files_never_the_secret() {
        let command = for_client_credentials(&grant(ClientAuth::TlsClientAuth), &HttpSettings::default(), true).unwrap();
        assert!(!command.contains("Authorization") && !command.contains("client_secret"), "{command}");
        assert!(command.contains("--data-urlencode client_id=test-client"), "{command}");
        assert!(command.contains("--cert '<client certificate file (PEM)>'"), "{command}");
        assert!(command.contains("--key '<private key file (PEM)>'"), "{command}");

        let mut basic_and_certificate = grant(ClientAuth::BasicHeader);
        basic_and_certificate.client.mutual_tls = true;
        let command = for_client_credentials(&basic_and_certificate, &HttpSettings::default(), false).unwrap();
        assert!(command.contains("Authorization: Basic"), "{command}");
        assert!(command.contains("--cert "), "Send client certificate adds it beside Basic: {command}");
    }

    #[test]
    fn an_https_request_is_never_walked_to_plain_http_by_curl() {
        let https = api(serde_json::json!({"url": "https://oic.example.oraclecloud.com/ic/api/"}));
        let command = for_api_request(&https, None, &HttpSettings::default(), None, false).unwrap();
        assert!(command.contains(" --proto-redir =https"), "{command}");
        let http = api(serde_json::json!({"url": "http://127.0.0.1:8080/ic/api/"}));
        let command = for_api_request(&http, None, &HttpSettings::default(), None, false).unwrap();
        assert!(!command.contains("--proto-redir"), "{command}");
    }

    /// A command from its lines, joined as the builders join them.
    fn lines(lines: &[&str]) -> String {
        lines.join(" \\\n  ")
    }

    const TOKEN_URL: &str = "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token";
    const CALLBACK: &str = "https://oic.example.com/icsapis/agent/oauth/callback";
    /// What every token command starts with (the charset as the app sends it).
    const HEAD: [&str; 3] = [
        "curl -i -X POST",
        "-H 'Accept: application/json'",
        "-H 'Content-Type: application/x-www-form-urlencoded;charset=UTF-8'",
    ];
    const TAIL: [&str; 2] = ["--max-time 30", TOKEN_URL];
    const MASKED_BASIC: &str = "-H 'Authorization: Basic <base64 of client_id:client_secret>'";

    /// The Basic header with the test client's real credentials.
    fn real_basic() -> String {
        let credentials = base64::engine::general_purpose::STANDARD.encode("test-client:test-secret-not-real");
        format!("-H 'Authorization: Basic {credentials}'")
    }

    fn expected(middle: &[&str]) -> String {
        lines(&[&HEAD[..], middle, &TAIL[..]].concat())
    }

    fn code_grant(auth: ClientAuth, method: CodeChallengeMethod) -> AuthorizationCode {
        AuthorizationCode {
            client: grant(auth).client,
            callback_url: CALLBACK.into(),
            auth_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize".into(),
            scope: "https://aud.example:443urn:opc:resource:consumer::all".into(),
            state: String::new(),
            nonce: String::new(),
            code_challenge_method: method,
            request_refresh_token: true,
        }
    }

    use crate::grants::authorization_code::CodeChallengeMethod;

    #[test]
    fn the_authorization_code_command_is_the_code_exchange_with_placeholders_for_code_and_verifier() {
        let grant = code_grant(ClientAuth::BasicHeader, CodeChallengeMethod::S256);
        let command = for_authorization_code(&grant, None, &HttpSettings::default(), false).unwrap();
        assert_eq!(
            command,
            expected(&[
                MASKED_BASIC,
                "--data-urlencode grant_type=authorization_code",
                "--data-urlencode 'code=<authorization code from the redirect>'",
                "--data-urlencode 'code_verifier=<the PKCE verifier of that sign-in>'",
                "--data-urlencode redirect_uri=https://oic.example.com/icsapis/agent/oauth/callback",
            ])
        );
        let with_secrets = for_authorization_code(&grant, None, &HttpSettings::default(), true).unwrap();
        assert_eq!(with_secrets, command.replace(MASKED_BASIC, &real_basic()), "only the client's credentials are known");
    }

    #[test]
    fn the_authorization_code_command_authenticates_the_client_in_the_body_or_with_an_assertion() {
        let settings = HttpSettings::default();
        let body = code_grant(ClientAuth::RequestBody, CodeChallengeMethod::Plain);
        assert_eq!(
            for_authorization_code(&body, None, &settings, false).unwrap(),
            expected(&[
                "--data-urlencode grant_type=authorization_code",
                "--data-urlencode 'code=<authorization code from the redirect>'",
                "--data-urlencode 'code_verifier=<the PKCE verifier of that sign-in>'",
                "--data-urlencode client_id=test-client",
                "--data-urlencode 'client_secret=<client secret>'",
                "--data-urlencode redirect_uri=https://oic.example.com/icsapis/agent/oauth/callback",
            ])
        );
        let shown = for_authorization_code(&body, None, &settings, true).unwrap();
        assert!(shown.contains("\n  --data-urlencode client_secret=test-secret-not-real \\\n"), "{shown}");

        let assertion = code_grant(ClientAuth::ClientAssertion, CodeChallengeMethod::Off);
        let expected_assertion = expected(&[
            "--data-urlencode grant_type=authorization_code",
            "--data-urlencode 'code=<authorization code from the redirect>'",
            "--data-urlencode client_id=test-client",
            "--data-urlencode redirect_uri=https://oic.example.com/icsapis/agent/oauth/callback",
            "--data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "--data-urlencode 'client_assertion=<signed client assertion JWT>'",
        ]);
        assert_eq!(for_authorization_code(&assertion, None, &settings, false).unwrap(), expected_assertion, "no secret, no verifier without PKCE");
        assert_eq!(
            for_authorization_code(&assertion, None, &settings, true).unwrap(),
            expected_assertion,
            "the client assertion is signed for each request: always a placeholder, and no key is needed"
        );
    }

    #[test]
    fn a_waiting_paste_sign_in_gives_its_own_verifier_only_when_secrets_are_asked_for() {
        let grant = code_grant(ClientAuth::BasicHeader, CodeChallengeMethod::S256);
        let pending = crate::grants::authorization_code::start(&grant).unwrap();
        let settings = HttpSettings::default();
        let masked = for_authorization_code(&grant, Some(&pending), &settings, false).unwrap();
        assert_eq!(masked, for_authorization_code(&grant, None, &settings, false).unwrap());

        let shown = for_authorization_code(&grant, Some(&pending), &settings, true).unwrap();
        let verifier = shown
            .split_whitespace()
            .find_map(|word| word.strip_prefix("code_verifier="))
            .expect("the sign-in's verifier, as one safe word");
        let challenge = oauth2::PkceCodeChallenge::from_code_verifier_sha256(&oauth2::PkceCodeVerifier::new(verifier.to_owned()));
        let authorize_url = url::Url::parse(pending.authorize_url()).unwrap();
        let sent_challenge = authorize_url.query_pairs().find(|(k, _)| k == "code_challenge").unwrap().1;
        assert_eq!(challenge.as_str(), sent_challenge, "the verifier of the sign-in whose authorize URL was opened");
        assert!(shown.contains("'code=<authorization code from the redirect>'"), "the app never holds a code it has not exchanged: {shown}");

        let mut other = grant.clone();
        other.client.client_id = "another-client".into();
        let other_command = for_authorization_code(&other, Some(&pending), &settings, true).unwrap();
        assert!(other_command.contains("'code_verifier=<the PKCE verifier of that sign-in>'"), "another client's sign-in is not this one: {other_command}");
        assert!(!other_command.contains(verifier), "{other_command}");
    }

    #[test]
    fn an_authorization_code_command_without_a_callback_url_says_so() {
        let mut grant = code_grant(ClientAuth::BasicHeader, CodeChallengeMethod::S256);
        grant.callback_url = " ".into();
        let err = for_authorization_code(&grant, None, &HttpSettings::default(), false).unwrap_err();
        assert!(matches!(err, Error::MissingField { field: "Callback URL" }), "{err:?}");
    }

    fn refresh(auth: ClientAuth) -> RefreshToken {
        RefreshToken {
            client: grant(auth).client,
            refresh_token: Secret::new("test-refresh-not-real"),
            scope: String::new(),
        }
    }

    #[test]
    fn the_refresh_command_masks_the_refresh_token_unless_asked_with_each_client_authentication() {
        let settings = HttpSettings::default();
        let basic = for_refresh_token(&refresh(ClientAuth::BasicHeader), &settings, false).unwrap();
        assert_eq!(
            basic,
            expected(&[
                MASKED_BASIC,
                "--data-urlencode grant_type=refresh_token",
                "--data-urlencode 'refresh_token=<refresh token>'",
            ]),
            "no scope: the new token keeps the grant's"
        );
        assert_eq!(
            for_refresh_token(&refresh(ClientAuth::BasicHeader), &settings, true).unwrap(),
            expected(&[
                &real_basic(),
                "--data-urlencode grant_type=refresh_token",
                "--data-urlencode refresh_token=test-refresh-not-real",
            ])
        );
        assert_eq!(
            for_refresh_token(&refresh(ClientAuth::RequestBody), &settings, false).unwrap(),
            expected(&[
                "--data-urlencode grant_type=refresh_token",
                "--data-urlencode 'refresh_token=<refresh token>'",
                "--data-urlencode client_id=test-client",
                "--data-urlencode 'client_secret=<client secret>'",
            ])
        );
        assert_eq!(
            for_refresh_token(&refresh(ClientAuth::ClientAssertion), &settings, false).unwrap(),
            expected(&[
                "--data-urlencode grant_type=refresh_token",
                "--data-urlencode 'refresh_token=<refresh token>'",
                "--data-urlencode client_id=test-client",
                "--data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "--data-urlencode 'client_assertion=<signed client assertion JWT>'",
            ])
        );
    }

    #[test]
    fn a_refresh_command_carries_the_proxy_and_ca_bundle_and_masks_the_proxy_password() {
        let settings = HttpSettings {
            timeout: Duration::from_secs(12),
            proxy: Some("http://someone:test-proxy-pw-not-real@proxy.corp.example:8080".into()),
            ca_bundle: Some("/etc/ssl/corp ca.pem".into()),
            ..HttpSettings::default()
        };
        let command = for_refresh_token(&refresh(ClientAuth::BasicHeader), &settings, false).unwrap();
        assert!(
            command.ends_with(&lines(&[
                "--cacert '/etc/ssl/corp ca.pem'",
                "--proxy 'http://someone:<proxy password>@proxy.corp.example:8080'",
                "--noproxy localhost,127.0.0.1,::1",
                "--max-time 12",
                TOKEN_URL,
            ])),
            "{command}"
        );
        assert!(!command.contains("not-real"), "{command}");
    }

    #[test]
    fn a_refresh_command_without_a_refresh_token_says_so() {
        let mut grant = refresh(ClientAuth::BasicHeader);
        grant.refresh_token = Secret::new(" ");
        let err = for_refresh_token(&grant, &HttpSettings::default(), false).unwrap_err();
        assert!(matches!(err, Error::MissingField { field: "Refresh Token" }), "{err:?}");
    }

    fn form(body: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
    }

    const TOKEN_ANSWER: &str = r#"{"access_token":"test-access-not-real","token_type":"Bearer","expires_in":3600}"#;

    #[tokio::test]
    async fn the_refresh_command_is_what_the_refresh_sends_on_the_wire() {
        for auth in [ClientAuth::BasicHeader, ClientAuth::RequestBody] {
            let (base, seen) = crate::testing::serve_once(200, "application/json", TOKEN_ANSWER).await;
            let mut grant = refresh(auth);
            grant.client.token_url = format!("{base}/oauth2/v1/token");
            let http = crate::http::HttpClient::new(HttpSettings::default()).unwrap();
            refresh_token::request(&http, &grant, std::time::SystemTime::now()).await.unwrap();
            let seen = seen.await.unwrap();

            let command = for_refresh_token(&grant, &HttpSettings::default(), true).unwrap();
            let read = properties::Read::back(&command);
            assert_eq!(read.url, grant.client.token_url);
            assert_eq!(read.form, form(&seen.body), "{auth:?}");
            for name in ["authorization", "content-type", "accept"] {
                assert_eq!(read.header(name), seen.header(name), "{name} with {auth:?}");
            }
        }
    }

    #[tokio::test]
    async fn the_authorization_code_command_is_what_the_exchange_sends_on_the_wire_but_the_code() {
        let (base, seen) = crate::testing::serve_once(200, "application/json", TOKEN_ANSWER).await;
        let mut grant = code_grant(ClientAuth::RequestBody, CodeChallengeMethod::S256);
        grant.client.token_url = format!("{base}/oauth2/v1/token");
        let pending = crate::grants::authorization_code::start(&grant).unwrap();
        let http = crate::http::HttpClient::new(HttpSettings::default()).unwrap();
        let redirected = format!("{CALLBACK}?code=test-code-not-real&state={}", pending.state());
        crate::grants::authorization_code::finish(&http, &pending, &redirected, std::time::SystemTime::now()).await.unwrap();
        let seen = seen.await.unwrap();

        let command = for_authorization_code(&grant, Some(&pending), &HttpSettings::default(), true).unwrap();
        let read = properties::Read::back(&command);
        let with_code: Vec<(String, String)> = read
            .form
            .iter()
            .map(|(name, value)| {
                let value = if name == "code" { "test-code-not-real" } else { value };
                (name.clone(), value.to_owned())
            })
            .collect();
        assert_eq!(with_code, form(&seen.body));
        assert_eq!(read.url, grant.client.token_url);
        assert_eq!(read.header("content-type"), seen.header("content-type"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// The words bash makes of `command` (a curl command line), read
        /// back by running it with `printf '%s\0'` in curl's place.
        fn bash_words(command: &str) -> Vec<String> {
            let rest = command
                .strip_prefix("curl")
                .expect("the command starts with curl");
            let out = std::process::Command::new("bash")
                .arg("-c")
                .arg(format!("printf '%s\\0'{rest}"))
                .output()
                .expect("bash runs");
            assert!(out.status.success(), "bash refused {command:?}: {out:?}");
            let text = String::from_utf8(out.stdout).unwrap();
            let mut words: Vec<String> = text.split('\0').map(str::to_owned).collect();
            assert_eq!(
                words.pop().as_deref(),
                Some(""),
                "printf ends each word with NUL"
            );
            words
        }

        /// A token command as bash reads it: the headers, the form fields
        /// as curl's `--data-urlencode name=value` sends them, the URL.
        pub(in super::super) struct Read {
            pub headers: Vec<(String, String)>,
            pub form: Vec<(String, String)>,
            pub url: String,
        }

        impl Read {
            pub fn back(command: &str) -> Read {
                let words = bash_words(command);
                let mut read = Read { headers: Vec::new(), form: Vec::new(), url: words.last().cloned().unwrap_or_default() };
                for pair in words.windows(2) {
                    match pair[0].as_str() {
                        "-H" => {
                            let (name, value) = pair[1].split_once(": ").expect("a header line");
                            read.headers.push((name.to_ascii_lowercase(), value.to_owned()));
                        }
                        "--data-urlencode" => {
                            let (name, value) = pair[1].split_once('=').expect("name=value");
                            read.form.push((name.to_owned(), value.to_owned()));
                        }
                        _ => {}
                    }
                }
                read
            }

            pub fn header(&self, name: &str) -> Option<&str> {
                self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
            }
        }

        fn follows(words: &[String], option: &str, value: &str) -> bool {
            words.windows(2).any(|w| w[0] == option && w[1] == value)
        }

        /// Text with everything a shell treats specially, and non-ASCII.
        const AWKWARD: &str =
            "[a-zA-Z0-9 '\"$`\\\\!&;|*?(){}\\[\\]<>~#%=,.:/@+\u{e9}\u{1F600}\n\t-]";

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn bash_reads_the_command_back_as_the_request_that_is_sent(
                method in prop::sample::select(&["GET", "POST", "PUT", "PATCH", "DELETE"][..]),
                path in "[a-zA-Z0-9 '\"$`!&;*(){}\\[\\]<>~%=,.:@+\u{e9}-]{0,24}",
                headers in prop::collection::vec(
                    ("X-[A-Z][a-z0-9]{0,6}", "[!-~]([ -~]{0,28}[!-~])?"),
                    0..4,
                ),
                body in proptest::string::string_regex(&format!("{AWKWARD}{{1,60}}")).unwrap(),
                token in "[!-~]{1,30}",
            ) {
                prop_assume!(!body.trim().is_empty());
                let url = format!("https://oic.example.com/ic/api/{path}");
                let request: ApiRequest = serde_json::from_value(serde_json::json!({
                    "method": method,
                    "url": url,
                    "headers": headers
                        .iter()
                        .map(|(name, value)| serde_json::json!({"name": name, "value": value}))
                        .collect::<Vec<_>>(),
                    "body": {"kind": "text", "text": body},
                }))
                .unwrap();
                let authorization = Secret::new(format!("Bearer {token}"));
                let command = for_api_request(
                    &request,
                    Some(&authorization),
                    &HttpSettings::default(),
                    None,
                    true,
                )
                .unwrap();
                let words = bash_words(&command);

                let parsed = url::Url::parse(&url).unwrap();
                prop_assert_eq!(
                    words.last().map(String::as_str),
                    Some(parsed.as_str()),
                    "the URL is the last word"
                );
                let sent = format!("Authorization: Bearer {token}");
                prop_assert!(follows(&words, "-H", &sent));
                for (name, value) in &headers {
                    let line = format!("{name}: {value}");
                    prop_assert!(follows(&words, "-H", &line), "{line} in {words:?}");
                }
                prop_assert!(follows(&words, "--data-raw", &body), "{words:?}");
                if !matches!(method, "GET" | "POST") {
                    prop_assert!(follows(&words, "-X", method), "{words:?}");
                }
            }

            #[test]
            fn bash_reads_the_refresh_and_code_commands_back_as_the_requests_built_for_sending(
                client_id in "[!-~\u{e9}]{1,16}",
                secret in "[!-~ \u{e9}\u{1F600}]{0,20}",
                refresh in "[!-~\u{e9}\u{1F600}]([!-~ \u{e9}]{0,28}[!-~])?",
                scope in "[a-z:/.]{1,12}( [a-z_]{1,12}){0,2}",
                auth in prop::sample::select(&[ClientAuth::BasicHeader, ClientAuth::RequestBody, ClientAuth::ClientAssertion][..]),
                method in prop::sample::select(&[CodeChallengeMethod::S256, CodeChallengeMethod::Plain, CodeChallengeMethod::Off][..]),
            ) {
                let client = Client {
                    token_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token".into(),
                    client_id,
                    client_secret: Secret::new(secret.clone()),
                    client_auth: auth,
                    client_assertion: None,
                    mutual_tls: false,
                    extra_roots: Vec::new(),
                };
                let refresh_grant = RefreshToken { client: client.clone(), refresh_token: Secret::new(refresh.clone()), scope };
                let code_grant = AuthorizationCode { client, code_challenge_method: method, ..code_grant(auth, method) };
                let built = [
                    (refresh_token::unsent(&refresh_grant).unwrap(), for_refresh_token(&refresh_grant, &HttpSettings::default(), true).unwrap()),
                    (
                        authorization_code::unsent_exchange(ExchangeOf::Fields(&code_grant)).unwrap(),
                        for_authorization_code(&code_grant, None, &HttpSettings::default(), true).unwrap(),
                    ),
                ];
                for (request, command) in &built {
                    let read = Read::back(command);
                    let sent: Vec<(String, String)> = url::form_urlencoded::parse(request.body()).into_owned().collect();
                    prop_assert_eq!(&read.form, &sent);
                    let headers: Vec<(String, String)> = request
                        .headers()
                        .iter()
                        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
                        .collect();
                    prop_assert_eq!(&read.headers, &headers);
                    prop_assert_eq!(read.url, request.uri().to_string());
                }

                // Without secrets, every secret the request carries is a placeholder.
                let masked = Read::back(&for_refresh_token(&refresh_grant, &HttpSettings::default(), false).unwrap());
                for (name, value) in &masked.form {
                    match name.as_str() {
                        "refresh_token" => prop_assert_eq!(value, "<refresh token>"),
                        "client_secret" => prop_assert_eq!(value, "<client secret>"),
                        "client_assertion" => prop_assert_eq!(value, "<signed client assertion JWT>"),
                        "grant_type" | "client_id" | "client_assertion_type" | "scope" => {}
                        other => prop_assert!(false, "unexpected field {other}"),
                    }
                }
                if let Some(authorization) = masked.header("authorization") {
                    prop_assert_eq!(authorization, "Basic <base64 of client_id:client_secret>");
                }
                prop_assert_eq!(masked.headers.len(), built[0].0.headers().len());
            }
        }
    }
}
