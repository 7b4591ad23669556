use super::*;
use proptest::prelude::*;

fn request(command: &str) -> ApiRequest {
    parse(command).unwrap().request
}

fn header(name: &str, value: &str) -> NameValue {
    NameValue::new(name, value)
}

#[test]
fn oracles_client_credentials_command_reads_as_a_form_post_with_basic_authentication() {
    let parsed = parse("curl -i -H 'Authorization: Basic dGVzdC1pZDp0ZXN0LXNlY3JldC1ub3QtcmVhbA==' -H 'Content-Type: application/x-www-form-urlencoded;charset=UTF-8' --request POST https://idcs-x.identity.oraclecloud.com/oauth2/v1/token -d 'grant_type=client_credentials&scope=https://aud.example urn:opc:resource:consumer::all'").unwrap();
    assert_eq!(parsed.request.method, "POST");
    assert_eq!(
        parsed.request.url,
        "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token"
    );
    assert_eq!(
        parsed.request.headers,
        [header(
            "Authorization",
            "Basic dGVzdC1pZDp0ZXN0LXNlY3JldC1ub3QtcmVhbA=="
        )]
    );
    assert_eq!(
        parsed.request.body,
        RequestBody::Form {
            fields: vec![
                NameValue::new("grant_type", "client_credentials"),
                NameValue::new(
                    "scope",
                    "https://aud.example urn:opc:resource:consumer::all"
                ),
            ]
        }
    );
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
}

#[test]
fn line_continuations_quotes_and_escapes_are_read_as_a_shell_reads_them() {
    let r = request("curl --location \\\n  --request PUT \"https://h.example/a b\" \\\r\n  -H \"X-Q: say \\\"hi\\\" \\$HOME\" \\\n  --data-raw $'line1\\nline2' -H X-Plain:\\ ok");
    assert_eq!(r.method, "PUT");
    assert_eq!(r.url, "https://h.example/a b");
    assert_eq!(
        r.headers,
        [header("X-Q", "say \"hi\" $HOME"), header("X-Plain", "ok")]
    );
    assert_eq!(
        r.body,
        RequestBody::Text {
            text: "line1\nline2".into()
        }
    );
}

#[test]
fn a_windows_cmd_command_with_carets_is_read() {
    let r = request("curl ^\"https://h.example/x?a=1^&b=2^\" ^\n  -X POST ^\n  -H ^\"Content-Type: application/json^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":1^}^\"");
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "https://h.example/x?a=1&b=2");
    assert!(
        r.headers.is_empty(),
        "the JSON body implies the Content-Type: {:?}",
        r.headers
    );
    assert_eq!(
        r.body,
        RequestBody::Json {
            text: "{\"a\":1}".into()
        }
    );
}

#[test]
fn data_options_make_a_post_and_urlencode_encodes() {
    let r = request(
        "curl https://h.example/t --data-urlencode 'scope=a b&c' --data-urlencode =x/y -d n=1",
    );
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.body,
        RequestBody::Form {
            fields: vec![
                NameValue::new("scope", "a b&c"),
                NameValue::new("x/y", ""),
                NameValue::new("n", "1")
            ]
        }
    );
}

#[test]
fn get_moves_the_data_into_the_query() {
    let r = request("curl -G https://h.example/s -d q=1 --data-urlencode 'name=a b'");
    assert_eq!(r.method, "GET");
    assert_eq!(r.url, "https://h.example/s?q=1&name=a+b");
    assert_eq!(r.body, RequestBody::None);
}

#[test]
fn form_options_make_a_multipart_body_with_text_and_file_parts() {
    let r = request("curl -X POST https://oic.example/ic/api/integration/v1/integrations/archive -F 'type=application/octet-stream' -F 'file=@/tmp/HELLO.iar;type=application/octet-stream' --form-string 'note=@not-a-file' -H 'Content-Type: multipart/form-data'");
    let mut file = FormPart::file("file", "/tmp/HELLO.iar");
    file.content_type = Some("application/octet-stream".into());
    assert_eq!(
        r.body,
        RequestBody::Multipart {
            parts: vec![
                FormPart::text("type", "application/octet-stream"),
                file,
                FormPart::text("note", "@not-a-file")
            ]
        }
    );
    assert!(
        r.headers.is_empty(),
        "the sender sets multipart's Content-Type with its boundary"
    );
}

#[test]
fn data_binary_from_a_file_is_a_file_body() {
    let r = request("curl -X PUT https://h.example/up -H 'Content-Type: application/zip' --data-binary @/tmp/a.zip");
    assert_eq!(
        r.body,
        RequestBody::File {
            path: "/tmp/a.zip".into(),
            content_type: "application/zip".into()
        }
    );
    assert!(r.headers.is_empty());
}

#[test]
fn user_becomes_basic_authorization_and_short_flags_cluster() {
    let r = request("curl -sSLu alice:test-secret-not-real -XDELETE https://h.example/x");
    assert_eq!(r.method, "DELETE");
    assert_eq!(
        r.headers,
        [header(
            "Authorization",
            "Basic YWxpY2U6dGVzdC1zZWNyZXQtbm90LXJlYWw="
        )]
    );
}

#[test]
fn insecure_and_output_are_ignored_with_a_note_and_head_is_head() {
    let parsed = parse("curl -k -I -o out.json --url https://h.example/x --compressed").unwrap();
    assert_eq!(parsed.request.method, "HEAD");
    assert_eq!(parsed.request.url, "https://h.example/x");
    assert_eq!(parsed.notes.len(), 2, "{:?}", parsed.notes);
    assert!(parsed.notes[0].contains("TLS"));
    assert!(parsed.notes[1].contains("out.json"));
}

#[test]
fn text_that_is_not_curl_is_refused_with_what_to_do() {
    let error = parse("wget https://h.example").unwrap_err();
    assert_eq!(error.code(), "import");
    assert!(error.hint().unwrap().contains("curl"));
    assert!(parse("curl -H").is_err(), "an option without its value");
}

#[test]
fn a_token_request_fills_the_grant_fields_and_keeps_the_secrets_apart() {
    let r = request("curl -u test-client:test-secret-not-real https://idcs-x.identity.oraclecloud.com/oauth2/v1/token -d grant_type=password -d username=ada -d password=test-password-not-real -d 'scope=urn:x offline_access'");
    let import = token_fields(&r, "").unwrap();
    assert_eq!(
        import.fields,
        TokenFields {
            token_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token".into(),
            grant_type: Some(GrantType::Password),
            client_id: "test-client".into(),
            client_auth: Some(ClientAuth::BasicHeader),
            scope: "urn:x offline_access".into(),
            username: "ada".into(),
            callback_url: String::new(),
            auth_url: String::new(),
            has_client_secret: true,
            has_password: true,
        }
    );
    assert_eq!(
        import.client_secret.unwrap().expose(),
        "test-secret-not-real"
    );
    assert_eq!(import.password.unwrap().expose(), "test-password-not-real");
    let shown = serde_json::to_string(&import.fields).unwrap();
    assert!(
        !shown.contains("not-real"),
        "no secret in what the window gets: {shown}"
    );
}

#[test]
fn the_profiles_own_token_url_counts_as_a_token_endpoint() {
    let r = request("curl http://127.0.0.1:9/token -d grant_type=client_credentials -d client_id=c -d client_secret=test-secret-not-real");
    assert!(token_fields(&r, "").is_none());
    let import = token_fields(&r, "http://127.0.0.1:9/token").unwrap();
    assert_eq!(import.fields.grant_type, Some(GrantType::ClientCredentials));
    assert_eq!(import.fields.client_auth, Some(ClientAuth::RequestBody));
    assert_eq!(import.fields.client_id, "c");
}

/// Every `curl ` command in the seed documents, as `(seed file, command)`:
/// `tests/fixtures/seed-curl.txt` holds them verbatim (the seeds themselves
/// live outside the repository), each after a line `### <seed file>`.
fn seed_commands() -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seed-curl.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the seed commands at {}: {e}", path.display()));
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(file) = line.strip_prefix("### ") {
            out.push((file.to_owned(), String::new()));
        } else if let Some((_, command)) = out.last_mut() {
            if !command.is_empty() {
                command.push('\n');
            }
            command.push_str(line);
        }
    }
    out
}

#[test]
fn every_curl_command_in_the_seed_documents_becomes_the_request_it_describes() {
    let commands = seed_commands();
    assert_eq!(
        commands.len(),
        16,
        "the seed documents hold 16 curl commands: {commands:#?}"
    );
    let form = |pairs: &[(&str, &str)]| RequestBody::Form {
        fields: pairs.iter().map(|(n, v)| NameValue::new(*n, *v)).collect(),
    };
    let bearer = |token: &str| vec![header("Authorization", &format!("Bearer {token}"))];
    let basic = |value: &str| vec![header("Authorization", &format!("Basic {value}"))];
    let token_post = |host: &str, auth: &str, body: RequestBody| ApiRequest {
        method: "POST".into(),
        url: format!("https://{host}/oauth2/v1/token"),
        headers: basic(auth),
        body,
        ..ApiRequest::default()
    };
    let list = ApiRequest {
        url: "https://<OIC_host>/ic/api/integration/v1/connections".into(),
        headers: bearer("eyJ4NXQjG...dfsdfsFgets2ed"),
        ..ApiRequest::default()
    };
    let expected: Vec<ApiRequest> = vec![
        token_post(
            "<identity_domain_host>",
            "OGQyM...ZDA0Mjcz",
            form(&[
                ("grant_type", "client_credentials"),
                (
                    "scope",
                    "https://<Resource APP Audience>urn:opc:resource:consumer::all",
                ),
            ]),
        ),
        token_post(
            "<identity_domain_host>.identity.oraclecloud.com",
            "<base64Encoded clientid:secret>",
            form(&[
                ("grant_type", "client_credentials"),
                ("scope", "<app scope>"),
            ]),
        ),
        list.clone(),
        token_post(
            "<identity_domain_host>",
            "MDMx..NGY1",
            form(&[
                ("grant_type", "authorization_code"),
                ("code", "AQAg...3jKM4Gc="),
                ("redirect_uri", "https://app.getpostman.com/oauth2/callback"),
            ]),
        ),
        token_post(
            "<identity_domain_host>.identity.oraclecloud.com",
            "<base64-clientid-secret>",
            form(&[
                ("grant_type", "authorization_code"),
                ("code", "<authz-code>"),
                ("redirect_uri", "<client-redirect-uri>"),
            ]),
        ),
        list.clone(),
        token_post(
            "<Identity_Domain_Host>.identity.oraclecloud.com",
            "OGQyM...ZDA0Mjcz",
            form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "AQAgY2MzNjVlOTVhOTRh...vM5S0MkrFSpzc="),
            ]),
        ),
        token_post(
            "<Identity_Domain_Host>.identity.oraclecloud.com",
            "<base64-clientid-secret>",
            form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "<refresh_token>"),
            ]),
        ),
        token_post(
            "<identity_domain_host>",
            "OGQyM...ZDA0Mjcz",
            form(&[
                ("grant_type", "password"),
                ("username", "sampleUser"),
                ("password", "SamplePassword"),
                (
                    "scope",
                    "https://<Resource_APP_Audience>urn:opc:resource:consumer::all offline_access",
                ),
            ]),
        ),
        token_post(
            "<Identity_Domain_Service_Instance>.identity.oraclecloud.com",
            "<base64Encoded_clientid:secret>",
            form(&[
                ("grant_type", "password"),
                ("username", "<user-name>"),
                ("password", "<password>"),
                ("scope", "<App_Scope> offline_access"),
            ]),
        ),
        ApiRequest {
            url: "https://OIC host/OIC endpoint".into(),
            ..list.clone()
        },
        token_post(
            "<Identity_Domain_Service_Instance>.identity.oraclecloud.com",
            "OGQyM...ZDA0Mjcz",
            form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "AQAgY2MzNjVlOTVhOTRh...vM5S0MkrFSpzc="),
            ]),
        ),
        token_post(
            "<Identity_Domain_Service_Instance>.identity.oraclecloud.com",
            "<base64-clientid-secret>",
            form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "<refresh_token>"),
            ]),
        ),
        token_post(
            "<idcs_url>",
            "<base64_encoded_client_id:client_secret>",
            form(&[
                ("grant_type", "authorization_code"),
                ("code", "<authorization_code_value>"),
            ]),
        ),
        ApiRequest {
            url: String::new(),
            ..token_post(
                "x",
                "NzGVjMmZkNDYjYyYMS0GEtOlNjkxZWQ0",
                form(&[
                    ("grant_type", "authorization_code"),
                    ("code", "G0bbfB0bA-9Sa2h-DyuKpB7djF9"),
                ]),
            )
        },
        ApiRequest {
            headers: bearer("eyJiO.eyJzdZ.tQ8_-9Jor5"),
            ..ApiRequest::default()
        },
    ];
    for ((file, command), want) in commands.iter().zip(&expected) {
        let parsed = parse(command).unwrap_or_else(|e| panic!("{file}: {command}: {e}"));
        assert_eq!(&parsed.request, want, "{file}: {command}");
        if want.url.ends_with("/oauth2/v1/token") {
            let import = token_fields(&parsed.request, "")
                .unwrap_or_else(|| panic!("{file}: a token request: {command}"));
            let grant = want.body_field("grant_type");
            let expected_grant = match grant.as_str() {
                "client_credentials" => Some(GrantType::ClientCredentials),
                "password" => Some(GrantType::Password),
                "authorization_code" => Some(GrantType::AuthorizationCode),
                _ => None,
            };
            assert_eq!(
                import.fields.grant_type, expected_grant,
                "{file}: {command}"
            );
            assert_eq!(import.fields.client_auth, Some(ClientAuth::BasicHeader));
            assert_eq!(import.fields.scope, want.body_field("scope"));
            assert_eq!(import.fields.username, want.body_field("username"));
            assert_eq!(import.password.is_some(), grant == "password");
        }
    }
}

trait BodyField {
    fn body_field(&self, name: &str) -> String;
}

impl BodyField for ApiRequest {
    fn body_field(&self, name: &str) -> String {
        match &self.body {
            RequestBody::Form { fields } => fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.value.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
}

/// A word as a POSIX shell would need it quoted.
fn sh(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

proptest! {
    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in any::<String>()) {
        let _ = parse(&format!("curl {text}"));
        let _ = parse(&text);
    }

    #[test]
    fn words_quoted_for_the_shell_split_back_into_the_same_words(words in proptest::collection::vec(any::<String>(), 1..6)) {
        let line = words.iter().map(|w| sh(w)).collect::<Vec<_>>().join(" ");
        let (split, unterminated) = split_posix(&line);
        prop_assert!(!unterminated);
        prop_assert_eq!(split, words);
    }

    #[test]
    fn a_header_and_data_of_any_printable_text_come_back_as_given(
        name in "[A-Za-z][A-Za-z0-9-]{0,12}",
        value in "[ -~]{1,30}",
        data in "[ -~]{0,40}",
        host in "[a-z]{1,10}",
    ) {
        let value = value.trim().to_owned();
        prop_assume!(!value.is_empty());
        let command = format!("curl -H {} https://{host}.example/p --data-raw {} -H 'Content-Type: text/plain'", sh(&format!("{name}: {value}")), sh(&data));
        let r = parse(&command).unwrap().request;
        prop_assert_eq!(&r.url, &format!("https://{host}.example/p"));
        prop_assert_eq!(&r.headers[0], &NameValue::new(name, value));
        if data.is_empty() {
            prop_assert_eq!(r.body, RequestBody::None);
        } else {
            prop_assert_eq!(r.body, RequestBody::Text { text: data });
        }
    }
}
