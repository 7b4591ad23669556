//! The Oracle Integration profile against the sandbox identity domain and
//! OIC instance: a profile derived from the three values a learner copies
//! (identity URL, runtime URL, audience) gets a token and its quick requests
//! answer through the runtime host's redirect to the design-time host.
//!
//! The redirects are followed here by hand, keeping Authorization, with a
//! plain reqwest client: the profile is under test, not the request sender.

use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::oracle::{
    self, ApiRefusal, Derived, OracleInputs, RedirectChoice, ScopeKind,
};
use oauth_console_core::token::Client;
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
        },
        scope: profile.scope.clone(),
    });
    let http = HttpClient::new(HttpSettings::default()).expect("the HTTP client builds");
    request_token(&http, &request, SystemTime::now()).await
}

/// One answer of a GET followed through redirects by hand.
struct Followed {
    /// Status and URL of every answer, the last one included.
    hops: Vec<(u16, String)>,
    status: u16,
    www_authenticate: Option<String>,
    body: Value,
}

/// GETs `url` with `Authorization: Bearer <token>` and follows up to ten
/// redirects, sending Authorization on each hop only if `keep_authorization`.
async fn get_following(url: &str, token: &Token, keep_authorization: bool) -> Followed {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the test client builds");
    let bearer = format!("Bearer {}", token.access_token.expose());
    let mut current = Url::parse(url).expect("a quick request URL is absolute");
    let mut hops = Vec::new();
    for hop in 0..=10 {
        let mut request = client.get(current.clone());
        if hop == 0 || keep_authorization {
            request = request.header(reqwest::header::AUTHORIZATION, &bearer);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status().as_u16();
        hops.push((status, current.to_string()));
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .expect("a redirect has a Location");
            current = current.join(location).expect("the Location is a URL");
            continue;
        }
        let www_authenticate = response
            .headers()
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.json().await.expect("the sandbox answers JSON");
        return Followed {
            hops,
            status,
            www_authenticate,
            body,
        };
    }
    panic!("more than ten redirects: {hops:?}");
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
    let answer = get_following(&list.url, &token, true).await;
    assert_eq!(answer.status, 200, "{:?} {}", answer.hops, answer.body);
    assert_eq!(
        answer.hops.len(),
        2,
        "one redirect, runtime to design-time: {:?}",
        answer.hops
    );
    assert_eq!(answer.hops[0].0, 302);
    assert!(
        answer.hops[1].1.starts_with(&sandbox.design_url()),
        "{:?}",
        answer.hops
    );
    assert!(
        answer.hops[1].1.contains("integrationInstance=sandbox"),
        "the redirect keeps the query: {:?}",
        answer.hops
    );
    let items = answer.body["items"].as_array().expect("a list has items");
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

    let connections = get_following(&quick(&requests, "list_connections").url, &token, true).await;
    let first_id = connections.body["items"][0]["id"]
        .as_str()
        .expect("a connection has an id")
        .to_owned();

    let integrations =
        get_following(&quick(&requests, "list_integrations").url, &token, true).await;
    assert_eq!(integrations.status, 200, "{}", integrations.body);
    assert_eq!(
        integrations.body["limit"], 10,
        "the limit of the quick request is honoured"
    );
    assert_eq!(integrations.body["offset"], 0);
    assert!(integrations.body["items"]
        .as_array()
        .is_some_and(|i| !i.is_empty() && i.len() <= 10));

    let one = quick(&requests, "get_connection")
        .url
        .replace("{id}", &first_id);
    let connection = get_following(&one, &token, true).await;
    assert_eq!(connection.status, 200, "{}", connection.body);
    assert_eq!(connection.body["id"], first_id.as_str());

    let instances = get_following(
        &quick(&requests, "list_monitoring_instances").url,
        &token,
        true,
    )
    .await;
    assert_eq!(instances.status, 200, "{}", instances.body);
    assert!(instances.body["items"].is_array(), "{}", instances.body);
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
    let answer = get_following(&oracle::quick_requests(&profile)[0].url, &token, true).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body["items"].is_array());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_dropped_authorization_on_the_runtime_redirect_gets_401_and_a_hint_about_trusted_hosts() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let profile = oracle::derive(&inputs(&sandbox, ScopeKind::All)).unwrap();
    let token = client_credentials_token(&sandbox, &profile).await.unwrap();
    let url = oracle::quick_requests(&profile)[0].url.clone();
    let answer = get_following(&url, &token, false).await;
    assert_eq!(
        answer.status, 401,
        "the design-time host wants the bearer token: {}",
        answer.body
    );

    let hint = oracle::api_refusal_hint(
        &ApiRefusal {
            status: answer.status,
            url,
            sent_authorization: true,
            authorization_dropped_on_redirect: answer.hops.len() > 1,
            token_scope: token.scope.clone(),
            www_authenticate: answer.www_authenticate,
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
