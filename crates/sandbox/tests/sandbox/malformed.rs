//! Garbage in, a 4xx out: malformed bodies, headers and queries never make
//! the sandbox panic or drop the connection, and it keeps serving afterwards.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use crate::support::*;

/// A small deterministic generator, so a failure can be replayed.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = (self.next() % max as u64) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// Bytes biased towards the characters that matter to parsers.
    fn form_like(&mut self, max: usize) -> Vec<u8> {
        const ALPHABET: &[u8] = b"=&%+;:,./'\"{}[]\\ azAZ09_-\xff\xc3\x00";
        let len = (self.next() % max as u64) as usize;
        (0..len)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize])
            .collect()
    }
}

fn assert_refused_cleanly(status: StatusCode, what: &str) {
    assert!(
        status.is_client_error() || status == StatusCode::FOUND || status == StatusCode::OK,
        "{what}: got {status}, expected a clean answer"
    );
}

#[tokio::test]
async fn garbage_token_bodies_get_oauth_errors() {
    let sandbox = start().await;
    let mut noise = Noise(0x5eed_1234_abcd_0001);
    let mut bodies: Vec<Vec<u8>> = (0..60).map(|_| noise.bytes(300)).collect();
    bodies.extend((0..60).map(|_| noise.form_like(120)));
    bodies.extend([
        b"grant_type=client_credentials&scope=%".to_vec(),
        b"grant_type=%ZZ&&&===&scope".to_vec(),
        b"grant_type=authorization_code&code=%00%ff&code_verifier=%C3%28".to_vec(),
        b"grant_type=refresh_token&refresh_token=\xff\xfe".to_vec(),
        "grant_type=password&username=é&password=ü"
            .as_bytes()
            .to_vec(),
        vec![b'a'; 100_000],
    ]);
    let credentials = sandbox.credentials();
    for body in bodies {
        let response = http()
            .post(sandbox.token_url())
            .header(CONTENT_TYPE, FORM)
            .header(
                AUTHORIZATION,
                basic(&credentials.client_id, &credentials.client_secret),
            )
            .body(body.clone())
            .send()
            .await
            .unwrap_or_else(|error| panic!("connection dropped for {body:?}: {error}"));
        let status = response.status();
        assert!(status.is_client_error(), "{body:?} got {status}");
        let answer: serde_json::Value = response.json().await.expect("an OAuth error is JSON");
        assert!(answer["error"].is_string(), "{answer}");
    }
    let still = client_credentials(&sandbox, &credentials.scope_all).await;
    assert_eq!(still.status, StatusCode::OK, "the sandbox still serves");
}

#[tokio::test]
async fn garbage_authorization_and_content_type_headers_get_oauth_errors() {
    let sandbox = start().await;
    let scope = &sandbox.credentials().scope_all;
    let body = encode(&[("grant_type", "client_credentials"), ("scope", scope)]);
    let authorizations: Vec<Vec<u8>> = vec![
        b"Basic".to_vec(),
        b"Basic ".to_vec(),
        b"Basic !!!!".to_vec(),
        b"Basic c2FuZGJveC1jbGllbnQ=".to_vec(), // no colon
        b"Basic //79/Q==".to_vec(),             // not UTF-8
        b"Basic Og==".to_vec(),                 // ":"
        b"basic    ".to_vec(),
        b"Bearer abc".to_vec(),
        b"\xff\xfe garbage".to_vec(),
        vec![b'x'; 8000],
    ];
    for authorization in authorizations {
        let response = http()
            .post(sandbox.token_url())
            .header(CONTENT_TYPE, FORM)
            .header(
                AUTHORIZATION,
                reqwest::header::HeaderValue::from_bytes(&authorization).unwrap(),
            )
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{:?}",
            String::from_utf8_lossy(&authorization)
        );
    }
    for content_type in [
        &b"application/x-www-form-urlencoded;charset"[..],
        b";;;;",
        b"\xff",
        b"application/x-www-form-urlencoded; charset=\"",
        b"multipart/form-data; boundary=x",
    ] {
        let response = http()
            .post(sandbox.token_url())
            .header(
                CONTENT_TYPE,
                reqwest::header::HeaderValue::from_bytes(content_type).unwrap(),
            )
            .header(AUTHORIZATION, basic("sandbox-client", "sandbox-secret"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_refused_cleanly(response.status(), &String::from_utf8_lossy(content_type));
    }
}

#[tokio::test]
async fn garbage_authorize_queries_and_forms_get_pages_or_redirects() {
    let sandbox = start().await;
    let mut noise = Noise(0x0bad_cafe_f00d_0002);
    for _ in 0..60 {
        let query = String::from_utf8_lossy(&noise.form_like(120)).replace(['#', ' '], "%20");
        let url = format!("{}?{query}", sandbox.authorize_url());
        let Ok(response) = http().get(&url).send().await else {
            continue; // reqwest refused to build this URL; nothing reached the server
        };
        assert_refused_cleanly(response.status(), &url);
    }
    for _ in 0..60 {
        let response = http()
            .post(sandbox.authorize_url())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(noise.form_like(200))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let (page, html) = sign_in_page(
        &sandbox,
        &[("state", "\"><script>alert(1)</script>"), ("nonce", "%00")],
    )
    .await;
    assert!(!html.contains("<script>"), "values are escaped");
    let response = submit_sign_in(&page, &html, "\u{0}\u{ffff}", "\"'<>", "sign-in").await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "bad credentials re-show the page"
    );
}

#[tokio::test]
async fn garbage_bearer_tokens_and_queries_on_the_oic_origins_get_4xx() {
    let sandbox = start().await;
    let mut noise = Noise(0xfeed_face_0000_0003);
    let url = format!("{}/ic/api/integration/v1/connections", sandbox.design_url());
    for _ in 0..60 {
        let token: String = noise
            .form_like(200)
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
            .collect();
        let response = http()
            .get(&url)
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token}");
    }
    let token = client_credentials(&sandbox, &sandbox.credentials().scope_all).await;
    for _ in 0..40 {
        let query = String::from_utf8_lossy(&noise.form_like(80)).replace(['#', ' '], "%20");
        for origin in [sandbox.design_url(), sandbox.runtime_url()] {
            let url = format!("{origin}/ic/api/integration/v1/connections?{query}");
            let Ok(response) = http()
                .get(&url)
                .bearer_auth(token.access_token())
                .send()
                .await
            else {
                continue; // reqwest refused to build this URL; nothing reached the server
            };
            assert_refused_cleanly(response.status(), &url);
        }
    }
    for path in [
        "/ic/api/integration/v1/connections/%FF%FE",
        "/ic/api/integration/v1/connections/..%2F..",
        "/ic/api/%00",
    ] {
        let response = api_get(
            &format!("{}{path}", sandbox.design_url()),
            Some(token.access_token()),
        )
        .await;
        assert_refused_cleanly(response.status(), path);
    }
    for method in [Method::POST, Method::DELETE, Method::PUT] {
        let response = http()
            .request(method.clone(), &url)
            .bearer_auth(token.access_token())
            .body(noise.bytes(100))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{method}");
    }
    let still = api_get(&url, Some(token.access_token())).await;
    assert_eq!(still.status(), StatusCode::OK, "the sandbox still serves");
}

#[tokio::test]
async fn a_body_of_many_repeated_parameters_is_refused_quickly() {
    let sandbox = start().await;
    let body = "a&".repeat(900_000);
    let started = std::time::Instant::now();
    let answer = send_token(
        http()
            .post(sandbox.token_url())
            .header(CONTENT_TYPE, FORM)
            .header(AUTHORIZATION, basic("sandbox-client", "sandbox-secret"))
            .body(body),
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "finding the repeat is linear, not quadratic"
    );
}
