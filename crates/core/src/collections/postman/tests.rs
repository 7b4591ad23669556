use super::*;
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/postman")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `Folder/Sub/Name` of each request, as the tree shows it.
fn path_of(import: &Import, saved: &SavedRequest) -> String {
    let mut parts = vec![saved.name.clone()];
    let mut folder = saved.folder.clone();
    while let Some(id) = folder {
        let f = import
            .folders
            .iter()
            .find(|f| f.id == id)
            .expect("the request's folder is imported");
        parts.push(f.name.clone());
        folder = f.parent.clone();
    }
    parts.reverse();
    parts.join("/")
}

fn find<'a>(import: &'a Import, path: &str) -> &'a SavedRequest {
    import
        .requests
        .iter()
        .find(|r| path_of(import, r) == path)
        .unwrap_or_else(|| {
            panic!(
                "{path} among {:?}",
                import
                    .requests
                    .iter()
                    .map(|r| path_of(import, r))
                    .collect::<Vec<_>>()
            )
        })
}

#[test]
fn a_v2_1_collection_keeps_its_folders_three_deep_and_every_request() {
    let import = import(&fixture("v2.1.json")).unwrap();
    assert_eq!(import.report.format, "Postman collection v2.1");
    assert_eq!(import.report.name, "OIC fixture v2.1");
    assert_eq!(import.report.requests, 11);
    assert_eq!(
        import.report.folders, 5,
        "the collection's own folder, Integrations, Archives, Deep, Identity"
    );
    let deep = find(
        &import,
        "OIC fixture v2.1/Integrations/Archives/Deep/Import archive",
    );
    let mut file = FormPart::file("file", "/tmp/HELLO_WORLD_01.00.0000.iar");
    file.content_type = Some("application/octet-stream".into());
    let mut off = FormPart::text("note", "off");
    off.enabled = false;
    assert_eq!(deep.request.method, "POST");
    assert_eq!(
        deep.request.url, "{{baseUrl}}/ic/api/integration/v1/integrations/archive",
        "variables stay as written"
    );
    assert_eq!(
        deep.request.body,
        RequestBody::Multipart {
            parts: vec![
                FormPart::text("type", "application/octet-stream"),
                file,
                off
            ]
        }
    );
    assert!(
        deep.request.headers.is_empty(),
        "multipart's Content-Type is set with its boundary at Send"
    );
    assert!(
        deep.uses_profile_token,
        "the collection's bearer {{access_token}} is inherited"
    );

    let upload = find(
        &import,
        "OIC fixture v2.1/Integrations/Archives/Upload lookup",
    );
    assert_eq!(
        upload.request.body,
        RequestBody::File {
            path: "/tmp/lookup.csv".into(),
            content_type: "application/octet-stream".into()
        }
    );

    let list = find(&import, "OIC fixture v2.1/Integrations/List integrations");
    assert_eq!(
        list.request.url,
        "{{baseUrl}}/ic/api/integration/v1/integrations?limit=10&offset=0"
    );
    assert_eq!(list.description, "Lists the integrations.");
    let mut trace = NameValue::new("X-Trace", "1");
    trace.enabled = false;
    assert_eq!(
        list.request.headers,
        [NameValue::new("Accept", "application/json"), trace]
    );

    let activate = find(
        &import,
        "OIC fixture v2.1/Integrations/Activate integration",
    );
    assert_eq!(
        activate.request.url,
        "{{baseUrl}}/ic/api/integration/v1/integrations/HELLO_WORLD%7C01.00.0000",
        "path variable filled"
    );
    assert_eq!(
        activate.request.body,
        RequestBody::Json {
            text: "{\"status\": \"ACTIVATED\"}".into()
        }
    );
    assert!(
        activate.uses_profile_token,
        "inherit takes the collection's bearer"
    );

    assert_eq!(
        import.report.with_scripts, 11,
        "the collection's pre-request script applies to every request"
    );
}

#[test]
fn v2_1_auth_blocks_become_the_apps_token_handling() {
    let import = import(&fixture("v2.1.json")).unwrap();
    let token = find(
        &import,
        "OIC fixture v2.1/Identity/Token (client credentials)",
    );
    assert!(!token.uses_profile_token, "the Identity folder is noauth");
    assert!(
        token.request.headers.is_empty(),
        "basic at a token endpoint is not a header"
    );
    assert_eq!(
        token.request.body,
        RequestBody::Form {
            fields: vec![
                NameValue::new("grant_type", "client_credentials"),
                NameValue::new("scope", "{{scope}}")
            ]
        }
    );
    // The first oauth2 block, or basic at a token endpoint, fills the grant.
    let grant = import.grant.as_ref().expect("grant fields");
    assert_eq!(grant.fields.client_id, "test-client-id");
    assert_eq!(grant.fields.client_auth, Some(ClientAuth::BasicHeader));
    assert_eq!(
        grant.client_secret.as_ref().unwrap().expose(),
        "test-secret-not-real"
    );

    let me = find(&import, "OIC fixture v2.1/Identity/Me");
    assert!(
        me.uses_profile_token,
        "an oauth2 block means the profile's token"
    );
    let key = find(&import, "OIC fixture v2.1/Identity/Users with a key");
    assert_eq!(
        key.request.headers,
        [NameValue::new("X-API-Key", "test-key-not-real")]
    );
    let basic = find(&import, "OIC fixture v2.1/Identity/Basic elsewhere");
    assert_eq!(
        basic.request.headers,
        [NameValue::new(
            "Authorization",
            "Basic YWRhOnRlc3QtcGFzc3dvcmQtbm90LXJlYWw="
        )]
    );
    let digest = find(&import, "OIC fixture v2.1/Identity/Digest");
    assert!(digest.request.headers.is_empty());
    assert!(
        import
            .report
            .skipped
            .iter()
            .any(|s| s.contains("Digest") && s.contains("digest authentication")),
        "{:?}",
        import.report.skipped
    );
    let graphql = find(&import, "OIC fixture v2.1/Identity/GraphQL");
    let RequestBody::Json { text } = &graphql.request.body else {
        panic!("GraphQL is JSON")
    };
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap(),
        json!({"query": "{ me { id } }", "variables": {"a": 1}})
    );
    let plain = find(&import, "OIC fixture v2.1/Identity/Plain text");
    assert!(
        plain.uses_profile_token,
        "Authorization: Bearer {{token}} means the profile's token"
    );
    assert!(
        plain.request.headers.is_empty(),
        "and the header is not stored"
    );
    assert_eq!(
        plain.request.body,
        RequestBody::Text {
            text: "hello".into()
        }
    );

    let changed = import.report.changed.join("\n");
    assert!(
        changed.contains("X-API-Key goes to the keychain"),
        "{changed}"
    );
    assert!(
        changed.contains("Variable clientSecret"),
        "a collection variable named like a secret: {changed}"
    );
    assert_eq!(
        import
            .variables
            .iter()
            .map(|v| (v.name.as_str(), v.secret))
            .collect::<Vec<_>>(),
        [("baseUrl", false), ("clientSecret", true)]
    );
}

#[test]
fn a_v2_0_collection_reads_object_auth_url_objects_and_descriptions() {
    let import = import(&fixture("v2.0.json")).unwrap();
    assert_eq!(import.report.format, "Postman collection v2.0");
    let instances = find(&import, "OIC fixture v2.0/Monitoring/Instances");
    assert!(
        instances.uses_profile_token,
        "the folder's bearer {{token}} object"
    );
    assert_eq!(
        instances.request.url,
        "{{baseUrl}}/ic/api/integration/v1/monitoring/instances?q={status:'FAILED'}"
    );
    let written = find(&import, "OIC fixture v2.0/Monitoring/Token as written");
    assert!(written.uses_profile_token);
    assert!(import
        .report
        .changed
        .iter()
        .any(|c| c.contains("Token as written") && c.contains("left out")));
    let update = find(&import, "OIC fixture v2.0/Connection update");
    assert_eq!(
        update.request.url, "https://oic.example/ic/api/integration/v1/connections/REST?a=1",
        "built from its parts, the disabled query left out"
    );
    assert_eq!(update.description, "Updates a connection.");
    assert_eq!(
        update.request.body,
        RequestBody::Json {
            text: "{\"securityProperties\": []}".into()
        },
        "JSON by its Content-Type"
    );
    let grant = import.grant.as_ref().unwrap();
    assert_eq!(grant.fields.grant_type, Some(GrantType::AuthorizationCode));
    assert_eq!(
        grant.fields.auth_url,
        "https://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize"
    );
    assert_eq!(grant.fields.callback_url, "http://127.0.0.1:8765/callback");
    assert_eq!(grant.fields.client_auth, Some(ClientAuth::RequestBody));
    assert!(grant.client_secret.is_none());
}

#[test]
fn a_v1_collection_keeps_its_folder_order_bodies_and_helper_basic_auth() {
    let import = import(&fixture("v1.json")).unwrap();
    assert_eq!(import.report.format, "Postman collection v1");
    let paths: Vec<String> = import
        .requests
        .iter()
        .map(|r| path_of(&import, r))
        .collect();
    assert_eq!(
        paths,
        [
            "IDCS fixture v1/Users/Groups/Search groups",
            "IDCS fixture v1/Users/Groups/Bulk upload",
            "IDCS fixture v1/Users/Groups/Token",
            "IDCS fixture v1/Users/List users",
            "IDCS fixture v1/Users/Create user",
            "IDCS fixture v1/Discovery",
            "IDCS fixture v1/Binary",
        ]
    );
    let list = find(&import, "IDCS fixture v1/Users/List users");
    assert!(list.uses_profile_token);
    let mut off = NameValue::new("X-Off", "1");
    off.enabled = false;
    assert_eq!(
        list.request.headers,
        [NameValue::new("Accept", "application/scim+json"), off]
    );
    assert_eq!(list.request.body, RequestBody::None);
    let create = find(&import, "IDCS fixture v1/Users/Create user");
    assert_eq!(
        create.request.body,
        RequestBody::Json {
            text: "{\"userName\": \"ada\"}".into()
        }
    );
    let groups = find(&import, "IDCS fixture v1/Users/Groups/Search groups");
    let mut count = NameValue::new("count", "5");
    count.enabled = false;
    assert_eq!(
        groups.request.body,
        RequestBody::Form {
            fields: vec![NameValue::new("filter", "displayName sw \"A\""), count]
        }
    );
    assert!(
        groups
            .request
            .headers
            .iter()
            .any(|h| h.name == "Authorization" && h.value.starts_with("Basic ")),
        "helperAttributes basic, not at a token endpoint"
    );
    let upload = find(&import, "IDCS fixture v1/Users/Groups/Bulk upload");
    assert_eq!(
        upload.request.body,
        RequestBody::Multipart {
            parts: vec![
                FormPart::file("file", "/tmp/users.csv"),
                FormPart::text("mode", "create")
            ]
        }
    );
    let token = find(&import, "IDCS fixture v1/Users/Groups/Token");
    assert!(!token
        .request
        .headers
        .iter()
        .any(|h| h.name == "Authorization"));
    let grant = import.grant.as_ref().unwrap();
    assert_eq!(
        grant.fields.client_id, "test-client-id",
        "helperAttributes basic at a token endpoint is the client"
    );
    let binary = find(&import, "IDCS fixture v1/Binary");
    assert_eq!(
        binary.request.body,
        RequestBody::File {
            path: "/tmp/a.zip".into(),
            content_type: "application/zip".into()
        }
    );
    assert_eq!(
        import.report.with_scripts, 2,
        "tests and a pre-request script"
    );
    assert_eq!(
        find(&import, "IDCS fixture v1/Discovery").description,
        "The discovery document."
    );
}

#[test]
fn an_environment_becomes_variables_with_credentials_marked_secret() {
    let import = import(&fixture("environment.json")).unwrap();
    assert_eq!(import.report.format, "Postman environment");
    assert_eq!(import.report.name, "OIC dev");
    let rows: Vec<(&str, &str, bool, bool)> = import
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str(), v.enabled, v.secret))
        .collect();
    assert_eq!(
        rows,
        [
            ("baseUrl", "https://oic.example", true, false),
            (
                "HOST",
                "https://idcs-x.identity.oraclecloud.com",
                true,
                false
            ),
            ("client_secret", "test-secret-not-real", true, true),
            ("pwd", "test-password-not-real", true, true),
            ("apiKey", "test-key-not-real", true, true),
            ("unused", "x", false, false),
        ]
    );
    assert_eq!(
        import.report.changed.len(),
        3,
        "{:?}",
        import.report.changed
    );
    assert_eq!(import.report.skipped.len(), 1, "the nameless variable");
    assert!(import.requests.is_empty());
}

#[test]
fn globals_in_both_formats_become_variables() {
    let new = import(&fixture("globals.json")).unwrap();
    assert_eq!(new.report.format, "Postman globals");
    assert_eq!(new.variables.len(), 2);
    assert!(new.variables[1].secret);
    let old = import(&fixture("globals-old.json")).unwrap();
    assert_eq!(old.report.format, "Postman globals");
    assert_eq!(old.variables[1].name, "refresh_token");
    assert!(old.variables[1].secret, "named like a token");
}

#[test]
fn what_is_not_postman_is_refused_with_what_to_do() {
    for text in ["", "{", "42", "{\"a\": 1}"] {
        let error = import(text).unwrap_err();
        assert_eq!(error.code(), "import", "{text}");
        assert!(error.hint().unwrap().contains("Postman"));
    }
}

#[test]
fn export_writes_no_secret_value() {
    let mut secret = NameValue::new("password", "test-password-not-real");
    secret.secret = true;
    let env = export_environment(
        "dev",
        &[NameValue::new("baseUrl", "https://oic.example"), secret],
    );
    let text = env.to_string();
    assert!(!text.contains("test-password-not-real"));
    assert_eq!(env["values"][1]["type"], "secret");
    let saved = SavedRequest {
        id: "a".into(),
        name: "x".into(),
        request: ApiRequest {
            headers: vec![NameValue::new("X-API-Key", "test-key-not-real")],
            body: RequestBody::Form {
                fields: vec![NameValue::new("client_secret", "test-secret-not-real")],
            },
            ..ApiRequest::default()
        },
        ..SavedRequest::default()
    };
    let collection = export_collection("c", &[], &[saved]).to_string();
    assert!(!collection.contains("not-real"), "{collection}");
}

/// A request as export → import sees it: its place in the tree and content.
fn shape(
    import_folders: &[SavedFolder],
    requests: &[SavedRequest],
    skip_top: bool,
) -> Vec<(String, String, String, bool, ApiRequest)> {
    requests
        .iter()
        .map(|r| {
            let mut names = Vec::new();
            let mut folder = r.folder.clone();
            while let Some(id) = folder {
                let f = import_folders.iter().find(|f| f.id == id).unwrap();
                names.push(f.name.clone());
                folder = f.parent.clone();
            }
            if skip_top {
                names.pop();
            }
            names.reverse();
            (
                names.join("/"),
                r.name.clone(),
                r.description.clone(),
                r.uses_profile_token,
                r.request.clone(),
            )
        })
        .collect()
}

fn row() -> impl Strategy<Value = NameValue> {
    (
        "(Accept|X-Trace|X-Request|If-Match|scope|grant_type)",
        "[ -~]{0,12}",
        any::<bool>(),
    )
        .prop_map(|(name, value, enabled)| {
            let mut row = NameValue::new(name, value);
            row.enabled = enabled;
            row
        })
}

fn body() -> impl Strategy<Value = RequestBody> {
    prop_oneof![
        Just(RequestBody::None),
        "[ -~]{1,20}".prop_map(|text| RequestBody::Json { text }),
        "[ -~]{1,20}".prop_map(|text| RequestBody::Text { text }),
        proptest::collection::vec(row(), 0..3).prop_map(|fields| RequestBody::Form { fields }),
        proptest::collection::vec(
            (
                "[a-z]{1,6}",
                "[ -~]{0,8}",
                proptest::option::of("/tmp/[a-z]{1,6}"),
                proptest::option::of("(text/plain|application/zip)"),
                any::<bool>()
            ),
            0..3
        )
        .prop_map(|parts| RequestBody::Multipart {
            parts: parts
                .into_iter()
                .map(|(name, value, file, content_type, enabled)| {
                    let mut part = match file {
                        Some(path) => FormPart::file(name, path),
                        None => FormPart::text(name, value),
                    };
                    part.content_type = content_type;
                    part.enabled = enabled;
                    part
                })
                .collect()
        }),
        ("/tmp/[a-z]{1,8}", "(|application/zip|text/csv)")
            .prop_map(|(path, content_type)| RequestBody::File { path, content_type }),
    ]
}

fn saved_requests() -> impl Strategy<Value = (Vec<SavedFolder>, Vec<SavedRequest>)> {
    let folders = proptest::collection::vec(
        (
            "[A-Za-z][A-Za-z0-9 ]{0,8}[A-Za-z0-9]",
            any::<prop::sample::Index>(),
        ),
        0..5,
    );
    let requests = proptest::collection::vec(
        (
            "[A-Za-z][A-Za-z0-9 ]{0,10}[A-Za-z0-9]",
            "[ -~]{0,20}",
            any::<bool>(),
            "(GET|POST|PUT|PATCH|DELETE)",
            "(https://oic\\.example|\\{\\{baseUrl\\}\\})/[a-z/]{0,12}",
            proptest::collection::vec(row(), 0..3),
            body(),
            any::<prop::sample::Index>(),
        ),
        0..8,
    );
    (folders, requests).prop_map(|(folders, requests)| {
        let mut out_folders: Vec<SavedFolder> = Vec::new();
        for (i, (name, parent)) in folders.into_iter().enumerate() {
            // A parent among the folders made before it, or the top.
            let parent = if i == 0 {
                None
            } else {
                Some(parent.index(i + 1))
                    .filter(|p| *p < i)
                    .map(|p| format!("f{p}"))
            };
            out_folders.push(SavedFolder {
                id: format!("f{i}"),
                name,
                parent,
            });
        }
        let count = out_folders.len();
        let out_requests = requests
            .into_iter()
            .enumerate()
            .map(
                |(
                    i,
                    (name, description, uses_profile_token, method, url, headers, body, folder),
                )| SavedRequest {
                    id: format!("r{i}"),
                    name,
                    folder: Some(folder.index(count + 1))
                        .filter(|f| *f < count)
                        .map(|f| format!("f{f}")),
                    description: description.trim().to_owned(),
                    uses_profile_token,
                    request: ApiRequest {
                        method,
                        url,
                        headers,
                        body,
                        ..ApiRequest::default()
                    },
                },
            )
            .collect();
        (out_folders, out_requests)
    })
}

proptest! {
    #[test]
    fn export_then_import_gives_back_the_same_requests_in_the_same_folders((folders, requests) in saved_requests()) {
        let exported = export_collection("Round trip", &folders, &requests);
        let back = import(&exported.to_string()).unwrap();
        let mut want = shape(&folders, &requests, false);
        let mut got = shape(&back.folders, &back.requests, true);
        want.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        got.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        prop_assert_eq!(got, want);
        prop_assert_eq!(back.folders.len(), folders.len() + 1, "every folder, under one named after the collection");
    }

    #[test]
    fn exported_variables_come_back_as_they_were_without_secret_values(
        rows in proptest::collection::vec(("[a-z]{1,8}", "[ -~]{0,10}", any::<bool>(), any::<bool>()), 0..6)
    ) {
        let rows: Vec<NameValue> = rows.into_iter().map(|(name, value, enabled, secret)| {
            let mut row = NameValue::new(name, value);
            row.enabled = enabled;
            row.secret = secret;
            row
        }).collect();
        let back = import(&export_environment("env", &rows).to_string()).unwrap();
        prop_assert_eq!(back.variables.len(), rows.len());
        for (got, want) in back.variables.iter().zip(&rows) {
            prop_assert_eq!(&got.name, &want.name);
            prop_assert_eq!(got.enabled, want.enabled);
            prop_assert!(got.secret || !want.secret, "a secret stays secret");
            prop_assert_eq!(&got.value, if want.secret { "" } else { want.value.as_str() });
        }
    }

    #[test]
    fn any_json_is_read_or_refused_without_panicking(text in any::<String>()) {
        let _ = import(&text);
    }

    #[test]
    fn any_nesting_of_items_reads_without_panicking(depth in 0usize..40, names in proptest::collection::vec("[ -~]{0,6}", 1..4)) {
        let mut item = json!({"name": "leaf", "request": {"method": "GET", "url": "https://x.example"}});
        for d in 0..depth {
            item = json!({"name": names[d % names.len()], "item": [item]});
        }
        let text = json!({"info": {"name": "n", "schema": "v2.1.0"}, "item": [item]}).to_string();
        let back = import(&text).unwrap();
        prop_assert_eq!(back.requests.len(), 1);
        prop_assert_eq!(back.folders.len(), depth + 1);
    }
}
