//! The sender's redirect rules against local servers: where Authorization
//! (and Cookie, Proxy-Authorization) goes along, what the method and body
//! become, and how loops end. Each chain is checked from the servers' side
//! (what they received), and the generated cURL command gets the same status.

use crate::send::servers::{reply, run_curl, Reply, Seen, Server, TestCa};
use crate::send::{bearer, get, http, TOKEN};
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::send::{
    self, curl, ApiRequest, FollowAuthorization, Forwarding, StopReason,
};
use oauth_console_core::{Error, IpcError};

/// A design-time host: 200 with the test token, 401 without it.
fn checks_the_token(seen: &Seen) -> Reply {
    if seen.header("authorization") == Some(format!("Bearer {TOKEN}")) {
        reply(200)
            .header("Content-Type", "application/json")
            .body(r#"{"items":[]}"#)
    } else {
        reply(401)
            .header("WWW-Authenticate", "Bearer")
            .body(r#"{"title":"Unauthorized"}"#)
    }
}

/// A runtime host: every request goes to `target` with the same path.
fn redirects_to(target: String, status: u16) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    move |seen| Reply::redirect(status, &format!("{target}{}", seen.uri))
}

fn trusted(entries: &[String]) -> Vec<String> {
    let mut list = vec!["oraclecloud.com".to_owned()];
    list.extend(entries.iter().cloned());
    list
}

async fn curl_status(
    request: &ApiRequest,
    settings: &HttpSettings,
    hops: &[send::Hop],
) -> Option<u16> {
    let command =
        curl::for_api_request(request, Some(&bearer()), settings, Some(hops), true).unwrap();
    let run = run_curl(&command).await;
    assert_eq!(run.exit, 0, "{command}\n{run:?}");
    run.status
}

const PATH: &str = "/ic/api/integration/v1/connections";

#[tokio::test]
async fn a_runtime_redirect_to_a_trusted_host_port_keeps_authorization() {
    let design = Server::http(checks_the_token).await;
    let runtime = Server::http(redirects_to(design.base.clone(), 302)).await;
    let request = get(
        &runtime.url(PATH),
        FollowAuthorization::Trusted,
        &trusted(&[format!("127.0.0.1:{}", design.port)]),
    );
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();

    assert_eq!(response.status, 200);
    let notes: Vec<_> = response
        .hops
        .iter()
        .map(|h| (h.status, h.authorization_note))
        .collect();
    assert_eq!(notes, [(302, "sent"), (200, "forwarded (trusted host)")]);
    assert_eq!(response.hops[1].url, design.url(PATH));
    assert_eq!(
        design.seen()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(
        curl_status(&request, &HttpSettings::default(), &response.hops).await,
        Some(200)
    );
}

#[tokio::test]
async fn a_redirect_to_another_port_of_the_same_host_that_is_not_trusted_drops_authorization() {
    let design = Server::http(checks_the_token).await;
    let runtime = Server::http(redirects_to(design.base.clone(), 302)).await;
    let neighbour = if design.port == u16::MAX {
        design.port - 1
    } else {
        design.port + 1
    };
    let request = get(
        &runtime.url(PATH),
        FollowAuthorization::Trusted,
        &trusted(&[format!("127.0.0.1:{neighbour}")]),
    );
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();

    assert_eq!(
        response.status, 401,
        "trusting port {neighbour} does not trust port {}",
        design.port
    );
    assert_eq!(response.hops[1].authorization, Forwarding::Untrusted);
    assert_eq!(
        response.hops[1].authorization_note,
        "not forwarded (untrusted host)"
    );
    assert_eq!(
        design.seen()[0].header("authorization"),
        None,
        "the other port never saw the token"
    );
    assert_eq!(
        curl_status(&request, &HttpSettings::default(), &response.hops).await,
        Some(401)
    );
}

#[tokio::test]
async fn a_redirect_to_a_foreign_host_drops_authorization_cookies_and_proxy_credentials() {
    let foreign = Server::http(|_| reply(200).body("thanks")).await;
    // Another host name for this computer: another host to the rules.
    let runtime = Server::http(redirects_to(
        format!("http://localhost:{}", foreign.port),
        302,
    ))
    .await;
    let mut request = get(
        &runtime.url(PATH),
        FollowAuthorization::Trusted,
        &trusted(&[format!("127.0.0.1:{}", foreign.port)]),
    );
    request.headers.push(send::NameValue::new(
        "Cookie",
        "session=test-cookie-not-real",
    ));
    request.headers.push(send::NameValue::new(
        "Proxy-Authorization",
        "Basic dGVzdDpub3QtcmVhbA==",
    ));
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();

    assert_eq!(response.status, 200);
    assert_eq!(
        response.hops[1].authorization_note,
        "not forwarded (untrusted host)"
    );
    let first = &runtime.seen()[0];
    assert!(
        first.header("authorization").is_some() && first.header("cookie").is_some(),
        "the first host got them"
    );
    let received = &foreign.seen()[0];
    assert_eq!(
        received.header("host"),
        Some(format!("localhost:{}", foreign.port))
    );
    assert_eq!(
        received.header("authorization"),
        None,
        "the foreign host got no token"
    );
    assert_eq!(received.header("cookie"), None, "nor the cookie");
    assert_eq!(
        received.header("proxy-authorization"),
        None,
        "nor the proxy credentials"
    );
    assert_eq!(
        received.header("accept").as_deref(),
        Some("application/json"),
        "other headers go along"
    );
    assert_eq!(
        curl_status(&request, &HttpSettings::default(), &response.hops).await,
        Some(200)
    );
}

#[tokio::test]
async fn https_to_http_drops_authorization_even_when_any_host_is_allowed() {
    let ca = TestCa::new();
    let plain = Server::http(checks_the_token).await;
    let secure = Server::https(
        &ca.leaf(&["127.0.0.1"]),
        redirects_to(plain.base.clone(), 302),
    )
    .await;
    let bundle = ca.bundle_file();
    let settings = HttpSettings {
        ca_bundle: Some(bundle.clone()),
        ..HttpSettings::default()
    };
    let request = get(
        &secure.url(PATH),
        FollowAuthorization::Any,
        &trusted(&[format!("127.0.0.1:{}", plain.port)]),
    );
    let response = send::send(
        &HttpClient::new(settings.clone()).unwrap(),
        &request,
        Some(&bearer()),
    )
    .await
    .unwrap();

    assert_eq!(response.status, 401);
    assert_eq!(
        response.hops[1].authorization_note,
        "not forwarded (https→http)"
    );
    assert_eq!(plain.seen()[0].header("authorization"), None);
    // curl is stricter: with --proto-redir =https it does not go to http at all.
    let command = curl::for_api_request(
        &request,
        Some(&bearer()),
        &settings,
        Some(&response.hops),
        true,
    )
    .unwrap();
    let run = run_curl(&command).await;
    assert_ne!(run.exit, 0, "curl refuses the http hop: {run:?}");
    assert_eq!(run.status, Some(302), "{run:?}");
    assert_eq!(
        plain.seen().len(),
        1,
        "only the app's request, none from curl"
    );
    std::fs::remove_file(bundle).unwrap();
}

fn echo(seen: &Seen) -> Reply {
    reply(200)
        .header("Content-Type", "text/plain")
        .body(&format!(
            "{} {} [{}]",
            seen.method,
            seen.body,
            seen.header("content-type").unwrap_or_default()
        ))
}

fn post_json(url: &str) -> ApiRequest {
    serde_json::from_value(serde_json::json!({
        "method": "POST",
        "url": url,
        "body": {"kind": "json", "text": "{\"name\":\"it's a test\"}"},
    }))
    .unwrap()
}

#[tokio::test]
async fn a_307_keeps_the_method_and_the_body() {
    let target = Server::http(echo).await;
    let start = Server::http(redirects_to(target.base.clone(), 307)).await;
    let request = post_json(&start.url("/start"));
    let response = send::send(&http(), &request, None).await.unwrap();

    assert_eq!(
        response.body.text(),
        Some(r#"POST {"name":"it's a test"} [application/json]"#)
    );
    assert_eq!(response.hops[1].method, "POST");
    assert_eq!(response.hops[1].authorization, Forwarding::NotSet);
    let run = run_curl(
        &curl::for_api_request(
            &request,
            None,
            &HttpSettings::default(),
            Some(&response.hops),
            false,
        )
        .unwrap(),
    )
    .await;
    assert_eq!(run.status, Some(200), "{run:?}");
    assert!(
        run.output
            .contains(r#"POST {"name":"it's a test"} [application/json]"#),
        "curl also re-posts the body: {run:?}"
    );
}

#[tokio::test]
async fn a_303_switches_to_get_without_a_body() {
    let target = Server::http(|seen| {
        if seen.method == "GET" && seen.body.is_empty() {
            reply(200).body("a plain GET")
        } else {
            reply(405).body(&format!("unexpected {}", seen.method))
        }
    })
    .await;
    let start = Server::http(redirects_to(target.base.clone(), 303)).await;
    let request = post_json(&start.url("/start"));
    let response = send::send(&http(), &request, None).await.unwrap();

    assert_eq!(response.status, 200, "{:?}", response.body.text());
    assert_eq!(start.seen()[0].method, "POST");
    assert_eq!(
        response
            .hops
            .iter()
            .map(|h| h.method.as_str())
            .collect::<Vec<_>>(),
        ["POST", "GET"]
    );
    assert_eq!(target.seen()[0].method, "GET");
    assert_eq!(
        target.seen()[0].header("content-type"),
        None,
        "the body's Content-Type goes with the body"
    );
    let run = run_curl(
        &curl::for_api_request(
            &request,
            None,
            &HttpSettings::default(),
            Some(&response.hops),
            false,
        )
        .unwrap(),
    )
    .await;
    assert_eq!(run.status, Some(200), "{run:?}");
}

#[tokio::test]
async fn endless_redirects_stop_after_ten_with_a_clear_message() {
    let server = Server::http(|seen| {
        let n: u32 = seen.uri.trim_start_matches("/hop/").parse().unwrap_or(0);
        Reply::redirect(302, &format!("/hop/{}", n + 1))
    })
    .await;
    let request = get(&server.url("/hop/0"), FollowAuthorization::Trusted, &[]);
    let err = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::TooManyRedirects { limit: 10, url } if url.ends_with("/hop/11")),
        "{err:?}"
    );
    assert_eq!(
        server.seen().len(),
        11,
        "the first request and ten redirects"
    );
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "too_many_redirects");
    assert!(
        ipc.message.starts_with("Stopped after 10 redirects"),
        "{}",
        ipc.message
    );
    assert!(ipc.hint.is_some());

    let run = run_curl(
        &curl::for_api_request(&request, None, &HttpSettings::default(), None, false).unwrap(),
    )
    .await;
    assert_eq!(
        run.exit, 47,
        "curl stops at its --max-redirs 10 as well: {run:?}"
    );
}

#[tokio::test]
async fn a_redirect_loop_ends_with_a_clear_message() {
    let server = Server::http(|seen| match seen.uri.as_str() {
        "/a" => Reply::redirect(302, "/b"),
        _ => Reply::redirect(302, "/a"),
    })
    .await;
    let request = get(&server.url("/a"), FollowAuthorization::Trusted, &[]);
    let err = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::RedirectLoop { url } if url == &server.url("/a")),
        "{err:?}"
    );
    assert_eq!(server.seen().len(), 2, "stopped as soon as the loop closed");
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "redirect_loop");
    assert!(ipc.message.contains("already requested"), "{}", ipc.message);
}

#[tokio::test]
async fn forwarding_off_keeps_authorization_on_the_same_origin_only() {
    let design = Server::http(checks_the_token).await;
    let design_base = design.base.clone();
    let runtime = Server::http(move |seen| match seen.uri.as_str() {
        "/old" => Reply::redirect(301, "/new"),
        _ => Reply::redirect(302, &format!("{design_base}{PATH}")),
    })
    .await;
    let request = get(
        &runtime.url("/old"),
        FollowAuthorization::Off,
        &trusted(&[format!("127.0.0.1:{}", design.port)]),
    );
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();

    assert_eq!(response.status, 401);
    let notes: Vec<_> = response.hops.iter().map(|h| h.authorization_note).collect();
    assert_eq!(
        notes,
        [
            "sent",
            "forwarded (same origin)",
            "not forwarded (forwarding is off)"
        ]
    );
    assert!(
        runtime.seen()[1].header("authorization").is_some(),
        "the same origin got it"
    );
    assert_eq!(
        curl_status(&request, &HttpSettings::default(), &response.hops).await,
        Some(401)
    );
}

#[tokio::test]
async fn any_host_forwards_to_a_foreign_host_and_says_it_is_unsafe() {
    let foreign = Server::http(checks_the_token).await;
    let runtime = Server::http(redirects_to(
        format!("http://localhost:{}", foreign.port),
        302,
    ))
    .await;
    let request = get(&runtime.url(PATH), FollowAuthorization::Any, &[]);
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();

    assert_eq!(response.status, 200);
    assert_eq!(
        response.hops[1].authorization_note,
        "forwarded (any host — unsafe)"
    );
    assert_eq!(
        foreign.seen()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(
        curl_status(&request, &HttpSettings::default(), &response.hops).await,
        Some(200)
    );
}

#[tokio::test]
async fn once_dropped_authorization_is_not_added_back_later_in_the_chain() {
    let runtime_base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let back = runtime_base.clone();
    let foreign = Server::http(move |_| {
        Reply::redirect(
            302,
            &format!("{}/back", back.get().map_or("", String::as_str)),
        )
    })
    .await;
    let foreign_url = format!("http://localhost:{}/elsewhere", foreign.port);
    let runtime = Server::http(move |seen| match seen.uri.as_str() {
        "/back" => checks_the_token(seen),
        _ => Reply::redirect(302, &foreign_url),
    })
    .await;
    runtime_base.set(runtime.base.clone()).unwrap();
    let request = get(&runtime.url("/start"), FollowAuthorization::Trusted, &[]);
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();

    assert_eq!(response.status, 401);
    let notes: Vec<_> = response.hops.iter().map(|h| h.authorization_note).collect();
    assert_eq!(
        notes,
        [
            "sent",
            "not forwarded (untrusted host)",
            "not forwarded (dropped at an earlier redirect)"
        ]
    );
}

#[tokio::test]
async fn a_redirect_from_https_to_plain_http_on_another_computer_is_stopped_and_listed() {
    let ca = TestCa::new();
    let secure = Server::https(&ca.leaf(&["127.0.0.1"]), |_| {
        Reply::redirect(302, "http://oic.example.test/ic/api/")
    })
    .await;
    let bundle = ca.bundle_file();
    let client = HttpClient::new(HttpSettings {
        ca_bundle: Some(bundle.clone()),
        ..HttpSettings::default()
    })
    .unwrap();
    let request = get(&secure.url(PATH), FollowAuthorization::Any, &[]);
    let response = send::send(&client, &request, Some(&bearer()))
        .await
        .unwrap();
    std::fs::remove_file(bundle).unwrap();

    assert_eq!(response.status, 302, "the redirect itself is the answer");
    assert_eq!(response.hops.len(), 1, "nothing was sent to the http host");
    let stopped = response
        .stopped
        .clone()
        .expect("the hop is listed as stopped");
    assert_eq!(stopped.reason, StopReason::Downgrade);
    assert_eq!(stopped.url, "http://oic.example.test/ic/api/");
    assert_eq!(stopped.method, "GET");
    assert!(
        stopped.can_follow_once,
        "the UI may offer to follow it once"
    );
    assert!(
        stopped.message.contains("https to plain http"),
        "{stopped:?}"
    );
    assert_eq!(response.note.as_deref(), Some(stopped.message.as_str()));
    let view = serde_json::to_value(&response.stopped).unwrap();
    assert_eq!(view["reason"], "downgrade");
    assert_eq!(view["canFollowOnce"], true);
}

#[tokio::test]
async fn a_307_that_would_resend_the_body_to_a_host_without_the_credentials_is_stopped() {
    let target = Server::http(echo).await;
    let start = Server::http(redirects_to(target.base.clone(), 307)).await;
    let mut request = post_json(&start.url("/start"));
    request.follow_authorization = FollowAuthorization::Trusted;
    request.trusted_hosts = trusted(&[]);
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();

    assert_eq!(response.status, 307);
    assert!(
        target.seen().is_empty(),
        "the body never reached the other host: {:?}",
        target.seen()
    );
    let stopped = response.stopped.expect("the hop is listed as stopped");
    assert_eq!(stopped.reason, StopReason::BodyWithoutCredentials);
    assert_eq!(stopped.method, "POST");
    assert_eq!(stopped.url, target.url("/start"));
    assert!(stopped.message.contains("request body"), "{stopped:?}");

    // The user chose "follow once without credentials".
    let followed = send::follow_once(&http(), &request, &stopped)
        .await
        .unwrap();
    assert_eq!(followed.status, 200);
    let seen = target.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, r#"{"name":"it's a test"}"#);
    assert_eq!(seen[0].header("authorization"), None, "{seen:?}");
    assert_eq!(followed.hops[0].authorization, Forwarding::NotSet);
}

#[tokio::test]
async fn a_307_to_a_trusted_host_that_gets_the_credentials_keeps_the_body() {
    let target = Server::http(echo).await;
    let start = Server::http(redirects_to(target.base.clone(), 307)).await;
    let mut request = post_json(&start.url("/start"));
    request.trusted_hosts = trusted(&[format!("127.0.0.1:{}", target.port)]);
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert!(response.stopped.is_none());
    assert_eq!(response.hops[1].authorization, Forwarding::TrustedHost);
    assert_eq!(target.seen()[0].body, r#"{"name":"it's a test"}"#);
}

#[tokio::test]
async fn a_location_with_javascript_file_or_data_is_refused_with_a_clear_message() {
    for location in [
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ] {
        let server = Server::http(move |_| Reply::redirect(302, location)).await;
        let response = send::send(
            &http(),
            &get(&server.url("/x"), FollowAuthorization::Any, &[]),
            Some(&bearer()),
        )
        .await
        .unwrap();
        let scheme = location.split(':').next().unwrap();
        assert_eq!(response.status, 302, "{location}");
        let stopped = response.stopped.expect("listed as stopped");
        assert_eq!(stopped.reason, StopReason::Scheme);
        assert!(!stopped.can_follow_once, "never offered: {location}");
        assert_eq!(stopped.url, format!("{scheme}:"));
        assert!(
            stopped.message.contains(&format!("{scheme}: address"))
                && stopped.message.contains("never opens"),
            "{stopped:?}"
        );
        assert!(
            !stopped.message.contains("alert") && !stopped.message.contains("passwd"),
            "the address itself is not repeated: {stopped:?}"
        );
        assert_eq!(server.seen().len(), 1, "nothing else was requested");
    }
}
