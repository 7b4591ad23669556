//! "Copy as cURL": the token request and the API request as commands that
//! work when pasted into a POSIX shell, built from the same checked request
//! the app sends ([`super::prepare`]) and the same network settings (CA
//! bundle, proxy, timeout).
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
use super::{is_secret_field, prepare, sent_fields, ApiRequest, RequestBody};
use crate::error::{Error, Result};
use crate::grants::client_credentials::ClientCredentials;
use crate::grants::device_code::DeviceCode;
use crate::grants::exchange::{requested_scopes, Client};
use crate::grants::jwt_assertion::{self, JwtAssertion};
use crate::http::{endpoint_url, proxy_display, HttpSettings, LOOPBACK_NO_PROXY};
use crate::secret::Secret;
use crate::grants::exchange::scopes;
use crate::token::ClientAuth;
use base64::Engine;
use http::Method;

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

    for (name, value) in &prepared.headers {
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
    let scope: Vec<String> = scopes(&grant.scope).map(|s| s.to_string()).collect();
    token_command(&grant.client, vec![("grant_type", "client_credentials".to_owned())], &scope, settings, include_secrets)
}

/// A token endpoint request as the grants send it: `params`, the client's
/// authentication, then `scope`.
fn token_command(
    client: &Client,
    params: Vec<(&'static str, String)>,
    scope: &[String],
    settings: &HttpSettings,
    include_secrets: bool,
) -> Result<String> {
    form_command(
        FormCommand {
            client,
            field: "Access Token URL",
            url: &client.token_url,
            content_type: "application/x-www-form-urlencoded;charset=UTF-8",
            before: params,
            after: (!scope.is_empty()).then(|| ("scope", scope.join(" "))).into_iter().collect(),
            client_id_in_body: false,
        },
        settings,
        include_secrets,
    )
}

/// The scopes a grant asks for, `offline_access` added when asked.
fn asked_scopes(scope: &str, offline_access: bool) -> Vec<String> {
    requested_scopes(scope, offline_access).iter().map(|s| s.to_string()).collect()
}

/// The command for a password token request (resource owner password
/// credentials), as Oracle's "Call the Developer APIs with a password
/// grant" shows it; the password is a placeholder unless asked.
pub fn for_password(
    grant: &crate::grants::password::PasswordCredentials,
    settings: &HttpSettings,
    include_secrets: bool,
) -> Result<String> {
    if grant.username.trim().is_empty() {
        return Err(Error::MissingField { field: "Username" });
    }
    let password = if include_secrets {
        grant.password.expose().to_owned()
    } else {
        "<password>".to_owned()
    };
    let params = vec![
        ("grant_type", "password".to_owned()),
        ("username", grant.username.trim().to_owned()),
        ("password", password),
    ];
    let scope = asked_scopes(&grant.scope, grant.request_refresh_token);
    token_command(&grant.client, params, &scope, settings, include_secrets)
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
    let assertion = if include_secrets {
        grant.signing.user_assertion(&grant.client.client_id, &grant.username, now)?.jwt.expose().to_owned()
    } else {
        jwt_assertion::preview(grant, now)?;
        "<signed user assertion JWT>".to_owned()
    };
    let params = vec![("grant_type", jwt_assertion::GRANT_TYPE.to_owned()), ("assertion", assertion)];
    let scope = asked_scopes(&grant.scope, grant.request_refresh_token);
    token_command(&grant.client, params, &scope, settings, include_secrets)
}

/// The command for the device code's first step, the device authorization
/// request (RFC 8628 §3.1), as [`crate::grants::device_code::start`] sends
/// it: `client_id` always in the body, the media type without a charset.
pub fn for_device_authorization(
    grant: &DeviceCode,
    settings: &HttpSettings,
    include_secrets: bool,
) -> Result<String> {
    let client = crate::grants::device_code::public_client_in_body(&grant.client);
    let scope = crate::grants::device_code::scope_of(grant);
    form_command(
        FormCommand {
            client: &client,
            field: "Device Authorization URL",
            url: &grant.device_url,
            content_type: "application/x-www-form-urlencoded",
            before: vec![("response_type", "device_code".to_owned())],
            after: (!scope.is_empty()).then(|| ("scope", scope)).into_iter().collect(),
            client_id_in_body: true,
        },
        settings,
        include_secrets,
    )
}

/// A form POST authenticated as `client` is at the token endpoint.
struct FormCommand<'a> {
    client: &'a Client,
    field: &'static str,
    url: &'a str,
    content_type: &'static str,
    /// Form fields before the client's own, and after them.
    before: Vec<(&'static str, String)>,
    after: Vec<(&'static str, String)>,
    /// `client_id` in the form also when a Basic header names the client.
    client_id_in_body: bool,
}

fn form_command(command: FormCommand<'_>, settings: &HttpSettings, include_secrets: bool) -> Result<String> {
    let client = command.client;
    let url = endpoint_url(command.field, command.url)?;
    let client_id = client.client_id.trim();
    if client_id.is_empty() {
        return Err(Error::MissingField { field: "Client ID" });
    }
    let by_assertion = client.client_auth == ClientAuth::ClientAssertion;
    // A client assertion or certificate replaces the secret, as in the request itself.
    let has_secret = !client.client_secret.is_empty() && client.client_auth.uses_secret();
    let secret = if include_secrets {
        client.client_secret.expose().to_owned()
    } else {
        "<client secret>".to_owned()
    };
    let field = |name: &str, value: &str| format!("--data-urlencode {}", quote(&format!("{name}={value}")));
    let mut lines = vec!["curl -i -X POST".to_owned()];
    let basic = client.client_auth == ClientAuth::BasicHeader && has_secret;
    if basic {
        let credentials = if include_secrets {
            // RFC 6749 §2.3.1, as `oauth2` sends it: each part form-encoded.
            let encode =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                encode(client_id),
                encode(&secret)
            ))
        } else {
            "<base64 of client_id:client_secret>".to_owned()
        };
        lines.push(format!(
            "-H {}",
            quote(&format!("Authorization: Basic {credentials}"))
        ));
    }
    lines.push(format!("-H {}", quote(&format!("Content-Type: {}", command.content_type))));
    lines.push(format!("-H {}", quote("Accept: application/json")));
    for (name, value) in &command.before {
        lines.push(field(name, value));
    }
    if !basic || command.client_id_in_body {
        lines.push(field("client_id", client_id));
    }
    if !basic {
        if has_secret {
            lines.push(field("client_secret", &secret));
        }
        if by_assertion {
            // Signed afresh for every request (it expires in minutes), so
            // the command shows where it goes rather than a stale one.
            lines.push(field("client_assertion_type", crate::grants::exchange::CLIENT_ASSERTION_TYPE));
            lines.push(field("client_assertion", "<signed client assertion JWT>"));
        }
    }
    for (name, value) in &command.after {
        lines.push(field(name, value));
    }
    if client.presents_certificate() {
        // The key lives in the keychain only: curl reads both from files
        // the user saves (Save certificate…, and their own copy of the key).
        lines.push(format!("--cert {}", quote("<client certificate file (PEM)>")));
        lines.push(format!("--key {}", quote("<private key file (PEM)>")));
    }
    lines.extend(connection_options(settings, include_secrets)?);
    lines.push(quote(url.as_str()));
    Ok(lines.join(" \\\n  "))
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
    use crate::send::redirect::Forwarding;
    use crate::grants::exchange::Client;
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
        }
    }
}
