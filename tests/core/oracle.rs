//! The Oracle Integration profile against the sandbox identity domain and
//! OIC instance: a profile derived from the three values a learner copies
//! (identity URL, runtime URL, audience) gets a token and its quick requests
//! answer through the runtime host's redirect to the design-time host.
//!
//! The requests go through the app's own sender (`send::send`), so these
//! tests also prove that a derived profile's trusted hosts carry the token
//! across the runtime host's redirect, and that without them it is dropped.

use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::oracle::{
    self, ApiRefusal, Derived, OracleInputs, RedirectChoice, ScopeKind,
};
use oauth_console_core::send::{send, ApiRequest, ApiResponse, FollowAuthorization, Forwarding, RequestBody};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::{request_token, ClientAuth, Error, IpcError, Secret, Token, TokenRequest};
use oauth_console_sandbox::Sandbox;
use serde_json::Value;
use std::time::SystemTime;
use url::Url;

fn inputs(sandbox: &Sandbox, scope_kind: ScopeKind) -> OracleInputs {
    OracleInputs {
        identity_domain_url: sandbox.identity_url(),
        oic_url: sandbox.runtime_url(),
        instance_name: "sandbox".into(),
        audience: sandbox.credentials().audience.clone(),
        scope_kind,
        redirect: RedirectChoice::Loopback,
        ..OracleInputs::default()
    }
}

async fn client_credentials_token(
    sandbox: &Sandbox,
    profile: &Derived,
) -> oauth_console_core::Result<Token> {
    let credentials = sandbox.credentials();
    let request = TokenRequest::ClientCredentials(ClientCredentials {
        client: Client {
            token_url: profile.token_url.clone(),
            client_id: credentials.client_id.clone(),
            client_secret: Secret::new(credentials.client_secret.clone()),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        scope: profile.scope.clone(),
    });
    let http = HttpClient::new(HttpSettings::default()).expect("the HTTP client builds");
    request_token(&http, &request, SystemTime::now()).await
}

/// GETs `url` with `Authorization: Bearer <token>` through the app's own
/// sender, which follows the runtime host's redirect and decides per hop
/// whether Authorization goes along: with `follow`, to the profile's trusted
/// hosts plus the sandbox's design-time host (which the app's Sandbox profile
/// trusts too, since its `host:port` cannot be derived from the three values).
async fn send_quick(
    sandbox: &Sandbox,
    profile: &Derived,
    url: &str,
    token: &Token,
    follow: FollowAuthorization,
) -> ApiResponse {
    let design = Url::parse(&sandbox.design_url()).unwrap();
    let mut trusted_hosts = profile.trusted_hosts.clone();
    trusted_hosts.push(format!("{}:{}", design.host_str().unwrap(), design.port().unwrap()));
    let request = ApiRequest {
        method: "GET".into(),
        url: url.to_owned(),
        headers: Vec::new(),
        body: RequestBody::None,
        follow_authorization: follow,
        trusted_hosts,
    };
    let http = HttpClient::new(HttpSettings::default()).expect("the HTTP client builds");
    let bearer = Secret::new(format!("Bearer {}", token.access_token.expose()));
    send(&http, &request, Some(&bearer)).await.expect("the sandbox answers")
}

fn json(response: &ApiResponse) -> Value {
    let text = response.body.text().expect("the sandbox answers text");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("the sandbox answers JSON ({e}): {text}"))
}

fn quick<'a>(requests: &'a [oracle::QuickRequest], id: &str) -> &'a oracle::QuickRequest {
    requests
        .iter()
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("no quick request {id}"))
}

#[tokio::test]
async fn a_profile_derived_from_the_sandbox_lists_connections_through_the_runtime_host() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let profile = oracle::derive(&inputs(&sandbox, ScopeKind::All))
        .expect("the sandbox values derive a profile");
    assert_eq!(profile.token_url, sandbox.token_url());
    assert_eq!(profile.auth_url, sandbox.authorize_url());
    assert_eq!(profile.scope, sandbox.credentials().scope_all);
    assert_eq!(profile.api_base_url, sandbox.runtime_url());
    assert_eq!(profile.callback_url, "http://127.0.0.1:53682/callback");
    assert!(
        sandbox
            .credentials()
            .redirect_uris
            .contains(&profile.callback_url),
        "the loopback preset is registered in the sandbox"
    );
    let runtime_host = Url::parse(&sandbox.runtime_url()).unwrap();
    assert_eq!(
        profile.trusted_hosts[0],
        format!("127.0.0.1:{}", runtime_host.port().unwrap()),
        "the runtime host is trusted on its exact port"
    );

    let token = client_credentials_token(&sandbox, &profile)
        .await
        .expect("the derived token URL and scope get a token");
    assert_eq!(token.token_type, "Bearer");

    let requests = oracle::quick_requests(&profile);
    let list = quick(&requests, "list_connections");
    assert_eq!(list.method, "GET");
    assert!(list.url.starts_with(&sandbox.runtime_url()), "{}", list.url);
    assert!(
        list.url.ends_with("?integrationInstance=sandbox"),
        "{}",
        list.url
    );
    let answer = send_quick(&sandbox, &profile, &list.url, &token, FollowAuthorization::Trusted).await;
    let body = json(&answer);
    assert_eq!(answer.status, 200, "{:?} {body}", answer.hops);
    assert_eq!(
        answer.hops.len(),
        2,
        "one redirect, runtime to design-time: {:?}",
        answer.hops
    );
    assert_eq!(answer.hops[0].status, 302);
    assert!(
        answer.hops[1].url.starts_with(&sandbox.design_url()),
        "{:?}",
        answer.hops
    );
    assert!(
        answer.hops[1].url.contains("integrationInstance=sandbox"),
        "the redirect keeps the query: {:?}",
        answer.hops
    );
    assert_eq!(
        answer.hops[1].authorization,
        Forwarding::TrustedHost,
        "the token follows the redirect to the trusted design-time host"
    );
    let items = body["items"].as_array().expect("a list has items");
    assert!(!items.is_empty(), "the sandbox has seeded connections");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn every_quick_request_answers_from_the_sandbox() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let profile = oracle::derive(&inputs(&sandbox, ScopeKind::All)).unwrap();
    let token = client_credentials_token(&sandbox, &profile).await.unwrap();
    let requests = oracle::quick_requests(&profile);
    assert_eq!(requests.len(), 4);

    let get = |url: String| {
        let (sandbox, profile, token) = (&sandbox, &profile, &token);
        async move {
            let answer = send_quick(sandbox, profile, &url, token, FollowAuthorization::Trusted).await;
            (answer.status, json(&answer))
        }
    };
    let (_, connections) = get(quick(&requests, "list_connections").url.clone()).await;
    let first_id = connections["items"][0]["id"]
        .as_str()
        .expect("a connection has an id")
        .to_owned();

    let (status, integrations) = get(quick(&requests, "list_integrations").url.clone()).await;
    assert_eq!(status, 200, "{integrations}");
    assert_eq!(
        integrations["limit"], 10,
        "the limit of the quick request is honoured"
    );
    assert_eq!(integrations["offset"], 0);
    assert!(integrations["items"]
        .as_array()
        .is_some_and(|i| !i.is_empty() && i.len() <= 10));

    let one = quick(&requests, "get_connection")
        .url
        .replace("{id}", &first_id);
    let (status, connection) = get(one).await;
    assert_eq!(status, 200, "{connection}");
    assert_eq!(connection["id"], first_id.as_str());

    let (status, instances) = get(quick(&requests, "list_monitoring_instances").url.clone()).await;
    assert_eq!(status, 200, "{instances}");
    assert!(instances["items"].is_array(), "{instances}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_developer_apis_only_scope_also_lists_connections() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let profile = oracle::derive(&inputs(&sandbox, ScopeKind::Api)).unwrap();
    assert_eq!(profile.scope, sandbox.credentials().scope_api);
    let token = client_credentials_token(&sandbox, &profile)
        .await
        .expect("the /ic/api/ scope is granted");
    let url = oracle::quick_requests(&profile)[0].url.clone();
    let answer = send_quick(&sandbox, &profile, &url, &token, FollowAuthorization::Trusted).await;
    let body = json(&answer);
    assert_eq!(answer.status, 200, "{body}");
    assert!(body["items"].is_array());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_dropped_authorization_on_the_runtime_redirect_gets_401_and_a_hint_about_trusted_hosts() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let profile = oracle::derive(&inputs(&sandbox, ScopeKind::All)).unwrap();
    let token = client_credentials_token(&sandbox, &profile).await.unwrap();
    let url = oracle::quick_requests(&profile)[0].url.clone();
    // "Follow Authorization header: off": the sender keeps the token to the
    // runtime host's own origin, so the design-time host never sees it.
    let answer = send_quick(&sandbox, &profile, &url, &token, FollowAuthorization::Off).await;
    assert_eq!(
        answer.status, 401,
        "the design-time host wants the bearer token: {}",
        json(&answer)
    );
    assert_eq!(answer.hops[1].authorization, Forwarding::Off, "{:?}", answer.hops);
    let www_authenticate = answer
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("www-authenticate"))
        .map(|h| h.value.clone());

    let hint = oracle::api_refusal_hint(
        &ApiRefusal {
            status: answer.status,
            url,
            sent_authorization: true,
            authorization_dropped_on_redirect: answer.hops.iter().any(|hop| !hop.authorization_forwarded),
            token_scope: token.scope.clone(),
            www_authenticate,
        },
        Some(&profile),
    )
    .expect("a 401 has a hint");
    assert!(hint.contains("Trusted hosts"), "{hint}");
    assert!(hint.contains("--location-trusted"), "{hint}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_audience_that_is_not_the_instances_gets_invalid_scope_with_the_primary_audience_hint() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let profile = oracle::derive(&OracleInputs {
        audience: "https://other.integration.local:443".into(),
        ..inputs(&sandbox, ScopeKind::All)
    })
    .unwrap();
    let error = client_credentials_token(&sandbox, &profile)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::OAuth { error, .. } if error == "invalid_scope"),
        "{error:?}"
    );
    let ipc = IpcError::from(error);
    let hint = ipc.hint.expect("invalid_scope has a hint");
    assert!(hint.contains("primary audience"), "{hint}");
    assert!(
        !ipc.message.contains(&sandbox.credentials().client_secret),
        "no secret in the message"
    );
    sandbox.shutdown().await;
}
