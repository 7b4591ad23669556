//! Oracle Integration administration against the sandbox OIC instance:
//! every request the Integrations, Connections and Errors panels send, built
//! by `oracle::admin` and sent through the app's own sender via the runtime
//! host's redirect, with what the sandbox's design-time host received
//! compared to the request the panel shows as "Request sent".

use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::oracle::admin::{self, AdminAction, Target};
use oauth_console_core::send::{self, ApiRequest, ApiResponse, FollowAuthorization, RequestBody};
use oauth_console_core::{request_token, ClientAuth, Secret, TokenRequest};
use oauth_console_sandbox::Sandbox;
use serde_json::Value;
use std::time::SystemTime;
use url::Url;

/// The sandbox with a bearer value for `client` ("full": ServiceAdministrator;
/// "viewer": the client-credentials-only app with ServiceViewer and
/// ServiceMonitor only).
struct Oic {
    sandbox: Sandbox,
    bearer: Secret,
    http: HttpClient,
    /// Learned from the first list, as the panels learn it.
    design_base: String,
}

async fn oic(viewer: bool) -> Oic {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let credentials = sandbox.credentials();
    let (id, secret) = if viewer {
        (
            credentials.cc_only_client_id.clone(),
            credentials.cc_only_client_secret.clone(),
        )
    } else {
        (
            credentials.client_id.clone(),
            credentials.client_secret.clone(),
        )
    };
    let request = TokenRequest::ClientCredentials(ClientCredentials {
        client: Client {
            token_url: sandbox.token_url(),
            client_id: id,
            client_secret: Secret::new(secret),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        scope: credentials.scope_all.clone(),
    });
    let http = HttpClient::new(HttpSettings::default()).expect("the HTTP client builds");
    let token = request_token(&http, &request, SystemTime::now())
        .await
        .expect("a token");
    let bearer = Secret::new(format!("Bearer {}", token.access_token.expose()));
    let mut oic = Oic {
        sandbox,
        bearer,
        http,
        design_base: String::new(),
    };
    // The first list goes through the runtime URL, whose 302 names the
    // design-time URL every later call goes to.
    let (sent, first) = oic
        .send(&AdminAction::ListIntegrations {
            offset: 0,
            limit: 1,
            q: String::new(),
        })
        .await;
    assert_eq!(first.status, 200, "{}", body(&first));
    oic.design_base =
        admin::design_base(&oic.sandbox.runtime_url(), &first.url).unwrap_or_else(|| {
            panic!(
                "{} was redirected to the design-time host: {}",
                sent.url, first.url
            )
        });
    assert_eq!(oic.design_base, oic.sandbox.design_url());
    oic
}

impl Oic {
    /// Through the runtime host, trusting the design-time host as the
    /// request panel's Trusted hosts would.
    fn target(&self) -> Target {
        let design = Url::parse(&self.sandbox.design_url()).unwrap();
        Target {
            base_url: if self.design_base.is_empty() {
                self.sandbox.runtime_url()
            } else {
                self.design_base.clone()
            },
            instance: "sandbox-instance".into(),
            follow_authorization: FollowAuthorization::Trusted,
            trusted_hosts: vec![format!("127.0.0.1:{}", design.port().unwrap())],
        }
    }

    fn request(&self, action: &AdminAction) -> ApiRequest {
        admin::request(&self.target(), action)
    }

    async fn send(&self, action: &AdminAction) -> (ApiRequest, ApiResponse) {
        let request = self.request(action);
        let response = send::send(&self.http, &request, Some(&self.bearer))
            .await
            .unwrap_or_else(|e| panic!("{action:?} is answered: {e}"));
        (request, response)
    }

    /// What the design-time host received last.
    async fn received_last(&self) -> Value {
        let url = format!("{}/sandbox/v1/received", self.sandbox.design_url());
        let all: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        all["items"]
            .as_array()
            .and_then(|items| items.last())
            .cloned()
            .expect("a request was received")
    }
}

fn body(response: &ApiResponse) -> &str {
    response.body.text().unwrap_or_default()
}

/// The received request matches the one shown as "Request sent": method,
/// path and query, the override and content type, and the body.
fn assert_received_is_sent(received: &Value, sent: &ApiRequest) {
    let url = Url::parse(&sent.url).unwrap();
    assert_eq!(received["method"], sent.method.as_str(), "{received}");
    assert_eq!(received["path"], url.path(), "{received}");
    assert_eq!(received["query"].as_str(), url.query(), "{received}");
    assert_eq!(received["authorization"], "Bearer", "the token went along");
    for header in &sent.headers {
        assert_eq!(
            received["headers"][header.name.to_ascii_lowercase()].as_str(),
            Some(header.value.as_str()),
            "{} as shown: {received}",
            header.name
        );
    }
    match &sent.body {
        RequestBody::Json { text } => assert_eq!(received["body"]["text"], text.as_str()),
        RequestBody::Multipart { parts } => {
            let names: Vec<_> = received["body"]["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].clone())
                .collect();
            let sent_names: Vec<_> = parts.iter().map(|p| Value::from(p.name.clone())).collect();
            assert_eq!(names, sent_names, "{received}");
        }
        RequestBody::None => assert!(received["body"].is_null(), "{received}"),
        other => panic!("no admin request sends {other:?}"),
    }
}

#[tokio::test]
async fn integrations_load_page_by_page_with_the_search_as_q() {
    let oic = oic(false).await;
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let (sent, response) = oic
            .send(&AdminAction::ListIntegrations {
                offset,
                limit: 100,
                q: String::new(),
            })
            .await;
        assert_eq!(response.status, 200, "{}", body(&response));
        assert_received_is_sent(&oic.received_last().await, &sent);
        let page = admin::parse_integrations(body(&response)).unwrap();
        assert_eq!(page.total, Some(300), "a catalogue of a few hundred");
        seen.extend(page.items.into_iter().map(|row| row.id));
        if !page.has_more {
            break;
        }
        offset += 100;
    }
    assert_eq!(seen.len(), 300);
    let (_, found) = oic
        .send(&AdminAction::ListIntegrations {
            offset: 0,
            limit: 100,
            q: "hello".into(),
        })
        .await;
    let page = admin::parse_integrations(body(&found)).unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["Hello World"]
    );
    assert_eq!(page.items[0].pattern, "App Driven Orchestration");
}

#[tokio::test]
async fn deactivate_then_activate_persists_and_each_request_arrives_as_shown() {
    let oic = oic(false).await;
    let id = "HELLO_WORLD|01.00.0000".to_owned();
    let (sent, off) = oic.send(&AdminAction::Deactivate { id: id.clone() }).await;
    assert_eq!(off.status, 200, "{}", body(&off));
    assert_received_is_sent(&oic.received_last().await, &sent);
    assert!(
        sent.url.contains(
            "/integrations/HELLO_WORLD%7C01.00.0000?integrationInstance=sandbox-instance"
        ),
        "{}",
        sent.url
    );
    let outcome = admin::outcome(
        &AdminAction::Deactivate { id: id.clone() },
        off.status,
        body(&off),
        None,
    );
    assert_eq!(
        outcome.message,
        "Deactivated HELLO_WORLD|01.00.0000: its status is CONFIGURED."
    );

    let (_, listed) = oic
        .send(&AdminAction::ListIntegrations {
            offset: 0,
            limit: 10,
            q: "{name:'Hello World'}".into(),
        })
        .await;
    assert_eq!(
        admin::parse_integrations(body(&listed)).unwrap().items[0].status,
        "CONFIGURED",
        "it lasts"
    );

    let (_, again) = oic.send(&AdminAction::Deactivate { id: id.clone() }).await;
    assert_eq!(
        again.status, 412,
        "not activated, so it cannot be deactivated"
    );
    let (sent, on) = oic.send(&AdminAction::Activate { id: id.clone() }).await;
    assert_eq!(on.status, 200, "{}", body(&on));
    assert_received_is_sent(&oic.received_last().await, &sent);
    assert!(body(&on).contains("\"ACTIVATED\""));
}

#[tokio::test]
async fn export_streams_a_zip_and_importing_it_replaces_and_refuses_add() {
    let oic = oic(false).await;
    let id = "SALESFORCE_ACCOUNT_SYNC|01.00.0003";
    let dir = std::env::temp_dir().join(format!("oc-admin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("SALESFORCE_ACCOUNT_SYNC_01.00.0003.iar");
    let export = oic.request(&AdminAction::Export { id: id.into() });
    let mut progress = Vec::new();
    let saved = send::save_body_to_file(
        &oic.http,
        &export,
        Some(&oic.bearer),
        &path,
        |written, total| progress.push((written, total)),
    )
    .await
    .expect("the archive is saved");
    assert_eq!(saved.status, 200);
    assert_received_is_sent(&oic.received_last().await, &export);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04", "a zip file");
    assert_eq!(
        progress.last().map(|p| p.0),
        Some(bytes.len() as u64),
        "progress reaches the end"
    );

    let file = path.display().to_string();
    let (sent, replaced) = oic
        .send(&AdminAction::Import {
            path: file.clone(),
            replace: true,
        })
        .await;
    assert_eq!(replaced.status, 200, "{}", body(&replaced));
    assert_received_is_sent(&oic.received_last().await, &sent);
    let received = oic.received_last().await;
    assert_eq!(
        received["body"]["parts"][0]["fileName"],
        "SALESFORCE_ACCOUNT_SYNC_01.00.0003.iar"
    );
    assert_eq!(received["body"]["parts"][0]["size"], bytes.len());

    let (_, added) = oic
        .send(&AdminAction::Import {
            path: file,
            replace: false,
        })
        .await;
    assert_eq!(added.status, 409, "it exists: Add is refused");
    let outcome = admin::outcome(
        &AdminAction::Import {
            path: String::new(),
            replace: false,
        },
        409,
        body(&added),
        None,
    );
    assert!(outcome.hint.unwrap().contains("Replace"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_failing_connection_test_comes_with_the_adapters_message() {
    let oic = oic(false).await;
    let action = AdminAction::TestConnection {
        id: "SOAP_LEGACY_BILLING".into(),
    };
    let (sent, response) = oic.send(&action).await;
    assert_eq!(response.status, 200, "{}", body(&response));
    assert_received_is_sent(&oic.received_last().await, &sent);
    let outcome = admin::outcome(&action, response.status, body(&response), None);
    assert!(!outcome.ok);
    assert!(
        outcome.message.contains("UnknownHostException"),
        "{}",
        outcome.message
    );
    let good = AdminAction::TestConnection {
        id: "SANDBOX_REST_CONN".into(),
    };
    let (_, response) = oic.send(&good).await;
    assert!(admin::outcome(&good, response.status, body(&response), None).ok);
    let (_, draft) = oic
        .send(&AdminAction::TestConnection {
            id: "SANDBOX_REST_DRAFT".into(),
        })
        .await;
    assert_eq!(draft.status, 409, "not configured");
    let (_, listed) = oic
        .send(&AdminAction::ListConnections {
            offset: 0,
            limit: 100,
            q: String::new(),
        })
        .await;
    let rows = admin::parse_connections(body(&listed)).unwrap();
    assert_eq!(rows.items.len(), 25);
    assert!(rows
        .items
        .iter()
        .any(|r| r.adapter == "Oracle ERP Cloud" && r.usage == Some(4)));
}

#[tokio::test]
async fn errors_resubmit_one_and_many_and_abort_leave_the_list() {
    let oic = oic(false).await;
    let list = AdminAction::ListErrors {
        offset: 0,
        limit: 50,
    };
    let (sent, response) = oic.send(&list).await;
    assert_received_is_sent(&oic.received_last().await, &sent);
    let rows = admin::parse_errors(body(&response)).unwrap().items;
    assert_eq!(rows.len(), 8);
    assert!(
        rows.iter().any(|r| !r.recoverable),
        "one cannot be resubmitted"
    );

    let first = rows[0].id.clone();
    let (sent, resubmitted) = oic.send(&AdminAction::Resubmit { id: first.clone() }).await;
    assert_eq!(resubmitted.status, 202, "{}", body(&resubmitted));
    assert_received_is_sent(&oic.received_last().await, &sent);

    let stuck = rows.iter().find(|r| !r.recoverable).unwrap().id.clone();
    let many = AdminAction::ResubmitMany {
        ids: vec![rows[1].id.clone(), rows[2].id.clone(), stuck.clone()],
    };
    let (sent, bulk) = oic.send(&many).await;
    assert_eq!(bulk.status, 202);
    assert_received_is_sent(&oic.received_last().await, &sent);
    let outcome = admin::outcome(&many, bulk.status, body(&bulk), None);
    assert_eq!(
        outcome.message,
        format!("Resubmit of 3 requested: 2 accepted; not recoverable: {stuck}.")
    );

    let (sent, aborted) = oic.send(&AdminAction::Abort { id: stuck.clone() }).await;
    assert_eq!(aborted.status, 202);
    assert_received_is_sent(&oic.received_last().await, &sent);
    let (_, after) = oic.send(&list).await;
    let left: Vec<_> = admin::parse_errors(body(&after))
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(!left.contains(&first) && !left.contains(&stuck));
}

#[tokio::test]
async fn a_token_without_the_developer_role_can_read_but_activate_is_403_naming_the_role() {
    let oic = oic(true).await;
    let (_, listed) = oic
        .send(&AdminAction::ListIntegrations {
            offset: 0,
            limit: 10,
            q: String::new(),
        })
        .await;
    assert_eq!(listed.status, 200, "ServiceViewer reads");
    let action = AdminAction::Activate {
        id: "SALESFORCE_ACCOUNT_SYNC|01.00.0003".into(),
    };
    let (_, refused) = oic.send(&action).await;
    assert_eq!(refused.status, 403, "{}", body(&refused));
    assert!(
        !refused
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("www-authenticate")),
        "a role, not the token's scope"
    );
    let outcome = admin::outcome(&action, refused.status, body(&refused), None);
    assert!(
        outcome.message.contains("ServiceViewer, ServiceMonitor"),
        "{}",
        outcome.message
    );
    assert!(outcome.hint.unwrap().contains("ServiceDeveloper"));
    let (_, resubmit) = oic
        .send(&AdminAction::Resubmit {
            id: "sandbox-error-0200".into(),
        })
        .await;
    assert_eq!(resubmit.status, 403);
}
