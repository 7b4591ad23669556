use super::*;
use proptest::prelude::*;

fn target() -> Target {
    Target {
        base_url: "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/".into(),
        instance: "oic-prod".into(),
        follow_authorization: FollowAuthorization::Trusted,
        trusted_hosts: vec!["oraclecloud.com".into()],
    }
}

const BASE: &str =
    "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1";

fn header<'a>(request: &'a ApiRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

#[test]
fn activate_posts_the_status_with_the_patch_override_to_code_and_version_joined_by_7c() {
    let request = request(
        &target(),
        &AdminAction::Activate {
            id: "HELLO_WORLD|01.02.0000".into(),
        },
    );
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        format!("{BASE}/integrations/HELLO_WORLD%7C01.02.0000?integrationInstance=oic-prod")
    );
    assert_eq!(header(&request, "X-HTTP-Method-Override"), Some("PATCH"));
    assert_eq!(header(&request, "Content-Type"), Some("application/json"));
    assert_eq!(
        request.body,
        RequestBody::Json {
            text: r#"{"status":"ACTIVATED"}"#.into()
        }
    );
    assert_eq!(
        request.trusted_hosts,
        ["oraclecloud.com"],
        "the request panel's redirect settings apply"
    );
    let off = super::request(
        &target(),
        &AdminAction::Deactivate {
            id: "HELLO_WORLD|01.02.0000".into(),
        },
    );
    assert_eq!(
        off.body,
        RequestBody::Json {
            text: r#"{"status":"CONFIGURED"}"#.into()
        }
    );
}

#[test]
fn lists_page_with_limit_offset_and_the_search_as_q() {
    let request = request(
        &target(),
        &AdminAction::ListIntegrations {
            offset: 200,
            limit: 100,
            q: "order sync".into(),
        },
    );
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.url,
        format!("{BASE}/integrations?limit=100&offset=200&q=%7Bname%3A%2Forder+sync%2F%7D&integrationInstance=oic-prod")
    );
    let connections = super::request(
        &target(),
        &AdminAction::ListConnections {
            offset: 0,
            limit: 50,
            q: String::new(),
        },
    );
    assert_eq!(
        connections.url,
        format!("{BASE}/connections?limit=50&offset=0&integrationInstance=oic-prod")
    );
    let errors = super::request(
        &target(),
        &AdminAction::ListErrors {
            offset: 0,
            limit: 50,
        },
    );
    assert_eq!(
        errors.url,
        format!("{BASE}/monitoring/errors?limit=50&offset=0&integrationInstance=oic-prod")
    );
}

#[test]
fn the_other_actions_use_oracles_methods_and_paths() {
    let cases = [
        (
            AdminAction::Export {
                id: "A|01.00.0000".into(),
            },
            "GET",
            "/integrations/A%7C01.00.0000/archive",
        ),
        (
            AdminAction::Import {
                path: "/tmp/a.iar".into(),
                replace: false,
            },
            "POST",
            "/integrations/archive",
        ),
        (
            AdminAction::Import {
                path: "/tmp/a.iar".into(),
                replace: true,
            },
            "PUT",
            "/integrations/archive",
        ),
        (
            AdminAction::TestConnection {
                id: "REST_ONE".into(),
            },
            "POST",
            "/connections/REST_ONE/test",
        ),
        (
            AdminAction::Resubmit { id: "19".into() },
            "POST",
            "/monitoring/errors/19/resubmit",
        ),
        (
            AdminAction::ResubmitMany {
                ids: vec!["19".into(), "20".into()],
            },
            "POST",
            "/monitoring/errors/resubmit",
        ),
        (
            AdminAction::Abort { id: "19".into() },
            "POST",
            "/monitoring/errors/19/discard",
        ),
    ];
    for (action, method, path) in cases {
        let request = request(&target(), &action);
        assert_eq!(request.method, method, "{action:?}");
        assert_eq!(
            request.url,
            format!("{BASE}{path}?integrationInstance=oic-prod"),
            "{action:?}"
        );
    }
}

#[test]
fn import_sends_the_archive_as_the_file_part_and_bulk_resubmit_sends_ids() {
    let import = request(
        &target(),
        &AdminAction::Import {
            path: " /tmp/a.iar ".into(),
            replace: true,
        },
    );
    let RequestBody::Multipart { parts } = &import.body else {
        panic!("multipart: {:?}", import.body)
    };
    assert_eq!(parts[0], FormPart::file("file", "/tmp/a.iar"));
    assert_eq!(parts[1], FormPart::text("type", "application/octet-stream"));
    let bulk = request(
        &target(),
        &AdminAction::ResubmitMany {
            ids: vec!["a".into(), "b".into()],
        },
    );
    assert_eq!(
        bulk.body,
        RequestBody::Json {
            text: r#"{"ids":["a","b"]}"#.into()
        }
    );
}

#[test]
fn actions_read_from_the_windows_json() {
    let action: AdminAction =
        serde_json::from_str(r#"{"action":"listIntegrations","offset":0,"limit":100}"#).unwrap();
    assert_eq!(
        action,
        AdminAction::ListIntegrations {
            offset: 0,
            limit: 100,
            q: String::new()
        }
    );
    let action: AdminAction =
        serde_json::from_str(r#"{"action":"resubmitMany","ids":["x"]}"#).unwrap();
    assert_eq!(
        action,
        AdminAction::ResubmitMany {
            ids: vec!["x".into()]
        }
    );
}

#[test]
fn writes_go_to_the_design_time_origin_the_runtime_url_redirected_to() {
    let runtime = "https://oic-prod-abc.integration.us-phoenix-1.ocp.oraclecloud.com";
    let design = "https://design.integration.us-phoenix-1.ocp.oraclecloud.com";
    assert_eq!(
        design_base(
            runtime,
            &format!("{design}/ic/api/integration/v1/integrations?limit=1")
        ),
        Some(design.to_owned())
    );
    assert_eq!(
        design_base(
            design,
            &format!("{design}/ic/api/integration/v1/integrations")
        ),
        None,
        "no redirect"
    );
    assert_eq!(
        design_base(runtime, "https://login.example.com/signin"),
        None,
        "not the Developer API"
    );
    assert_eq!(design_base("not a url", design), None);
}

#[test]
fn search_text_becomes_name_contains_and_typed_filters_go_as_typed() {
    assert_eq!(search_q("hello"), "{name:/hello/}");
    assert_eq!(search_q(" a/b "), "{name:/ab/}");
    assert_eq!(search_q("{status:'ACTIVATED'}"), "{status:'ACTIVATED'}");
    assert_eq!(search_q("  "), "");
    assert_eq!(search_q("//"), "");
}

#[test]
fn a_page_of_integrations_reads_into_rows() {
    let body = r#"{"items":[{"id":"HELLO_WORLD|01.00.0000","code":"HELLO_WORLD","version":"01.00.0000","name":"Hello World","status":"ACTIVATED","lastUpdated":"2025-05-28T08:00:00.000+0000","pattern":"Orchestration","patternDescription":"App Driven Orchestration"}],"hasMore":true,"totalResults":300,"offset":0,"limit":1}"#;
    let page = parse_integrations(body).unwrap();
    assert_eq!(page.total, Some(300));
    assert!(page.has_more);
    assert_eq!(
        page.items[0],
        IntegrationRow {
            id: "HELLO_WORLD|01.00.0000".into(),
            code: "HELLO_WORLD".into(),
            version: "01.00.0000".into(),
            name: "Hello World".into(),
            status: "ACTIVATED".into(),
            last_updated: "2025-05-28T08:00:00.000+0000".into(),
            pattern: "App Driven Orchestration".into(),
        }
    );
    let no_more =
        parse_integrations(r#"{"items":[{"code":"A","version":"1"}],"totalResults":1}"#).unwrap();
    assert!(!no_more.has_more, "no hasMore: inferred from the total");
    assert_eq!(no_more.items[0].id, "A|1");
}

#[test]
fn activate_answers_with_the_integration_read_into_its_row() {
    let row = parse_integration(
        r#"{"id":"A|1","code":"A","version":"1","name":"Alpha","status":"ACTIVATED"}"#,
    )
    .unwrap();
    assert_eq!((row.id.as_str(), row.status.as_str()), ("A|1", "ACTIVATED"));
    assert!(parse_integration("[]").is_err());
    assert!(parse_integration("").is_err());
}

#[test]
fn connections_and_errors_read_into_rows() {
    let connections = parse_connections(r#"{"items":[{"id":"ERP","name":"ERP Cloud","adapterType":{"name":"erp","displayName":"Oracle ERP Cloud"},"status":"CONFIGURED","usage":4}],"hasMore":false}"#).unwrap();
    assert_eq!(
        connections.items[0],
        ConnectionRow {
            id: "ERP".into(),
            name: "ERP Cloud".into(),
            adapter: "Oracle ERP Cloud".into(),
            status: "CONFIGURED".into(),
            usage: Some(4)
        }
    );
    let errors = parse_errors(r#"{"items":[{"id":"e1","integration":{"code":"A","version":"1","name":"Alpha"},"errorMessage":"boom","lastTrackedTime":"t","recoverable":true}]}"#).unwrap();
    assert_eq!(
        errors.items[0],
        ErrorRow {
            id: "e1".into(),
            integration: "Alpha".into(),
            code: "A".into(),
            version: "1".into(),
            message: "boom".into(),
            time: "t".into(),
            recoverable: true
        }
    );
}

#[test]
fn an_answer_that_is_not_a_page_says_so() {
    assert!(parse_integrations("<html>")
        .unwrap_err()
        .contains("not JSON"));
    assert!(parse_connections("{}").unwrap_err().contains("no items"));
}

#[test]
fn a_403_names_the_role_the_call_needs_after_the_existing_guidance() {
    let outcome = outcome(
        &AdminAction::Activate { id: "A|1".into() },
        403,
        r#"{"title":"Forbidden","detail":"the application 'x' has the application roles ServiceViewer"}"#,
        Some("The user needs an application role.".into()),
    );
    assert!(!outcome.ok);
    assert_eq!(
        outcome.message,
        "Activate failed: HTTP 403: the application 'x' has the application roles ServiceViewer"
    );
    let hint = outcome.hint.unwrap();
    assert!(
        hint.starts_with("The user needs an application role. Activate needs"),
        "{hint}"
    );
    assert!(hint.contains("ServiceDeveloper"), "{hint}");
    let read = super::outcome(
        &AdminAction::ListErrors {
            offset: 0,
            limit: 1,
        },
        403,
        "",
        None,
    );
    assert!(read.hint.unwrap().contains("ServiceMonitor"));
}

#[test]
fn a_connection_test_reports_the_servers_verdict_and_message() {
    let id = || AdminAction::TestConnection { id: "FTP".into() };
    let failed = outcome(
        &id(),
        200,
        r#"{"testStatus":"FAILED","testStatusMessage":"host key mismatch"}"#,
        None,
    );
    assert_eq!(
        (failed.ok, failed.message.as_str()),
        (false, "Test of FTP failed: host key mismatch")
    );
    let passed = outcome(
        &id(),
        200,
        r#"{"testStatus":"SUCCESS","testStatusMessage":"fine"}"#,
        None,
    );
    assert!(passed.ok);
    let refused = outcome(&id(), 409, r#"{"detail":"not configured"}"#, None);
    assert_eq!(refused.message, "Test failed: HTTP 409: not configured");
}

#[test]
fn bulk_resubmit_lists_what_was_not_accepted() {
    let result = outcome(
        &AdminAction::ResubmitMany {
            ids: vec!["a".into(), "b".into(), "c".into()],
        },
        202,
        r#"{"acceptedIds":["a"],"invalidIds":["b"],"nonRecoverableIds":["c"]}"#,
        None,
    );
    assert!(!result.ok);
    assert_eq!(
        result.message,
        "Resubmit of 3 requested: 1 accepted; unknown: b; not recoverable: c."
    );
}

proptest! {
    #[test]
    fn any_id_is_one_path_segment_that_decodes_back(id in "\\PC{0,40}") {
        let segment = path_segment(&id);
        prop_assert!(!segment.contains('/') && !segment.contains('|') && !segment.contains('?'));
        let decoded: String = url::form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
            .next().map(|(_, v)| v.into_owned()).unwrap_or_default();
        prop_assert_eq!(decoded, id.trim());
    }

    #[test]
    fn any_answer_parses_or_says_why_without_panicking(body in "\\PC{0,200}") {
        let _ = parse_integrations(&body);
        let _ = parse_connections(&body);
        let _ = parse_errors(&body);
        let _ = parse_integration(&body);
        let _ = outcome(&AdminAction::Activate { id: "A|1".into() }, 500, &body, None);
    }

    #[test]
    fn any_page_of_items_keeps_every_item(n in 0usize..30, total in 0u64..100) {
        let items: Vec<Value> = (0..n).map(|i| serde_json::json!({"id": format!("C{i}"), "name": i.to_string()})).collect();
        let body = serde_json::json!({"items": items, "totalResults": total}).to_string();
        let page = parse_connections(&body).unwrap();
        prop_assert_eq!(page.items.len(), n);
        prop_assert_eq!(page.has_more, (n as u64) < total);
    }

    #[test]
    fn search_text_never_breaks_out_of_the_name_filter(text in "\\PC{0,40}") {
        let q = search_q(&text);
        let trimmed = text.trim();
        let typed_filter = trimmed.starts_with('{') && trimmed.ends_with('}');
        if !typed_filter && !q.is_empty() {
            let wrapped = q.starts_with("{name:/") && q.ends_with("/}");
            prop_assert!(wrapped, "not a name filter: {}", q);
            prop_assert_eq!(q.matches('/').count(), 2);
        }
    }
}
