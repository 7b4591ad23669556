//! What the profile store keeps, seen through the window across a restart:
//! every choice of the Authorization panel's menus, credential header rows
//! (kept in the keychain, not in profiles.json, masked until Show), and a
//! saved client secret that is not sent to another origin than the one it
//! was typed for. Each test has a config folder of its own; launching twice
//! with the same folder is a restart.

use crate::app::{fresh_config_home, idp, App};
use crate::profiles::{placeholder, read_settings, record_secret, saved, selected_profile, wait_until};
use fantoccini::Locator;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The Authorization menus, each with every one of its choices as
/// (label shown, value sent to the core).
const MENUS: [(&str, &[(&str, &str)]); 4] = [
    (
        "Grant Type",
        &[
            ("Client Credentials", "client_credentials"),
            ("Password Credentials", "password"),
            ("Authorization Code", "authorization_code"),
        ],
    ),
    (
        "Get code with",
        &[
            ("In-app login window", "window"),
            ("System browser", "browser"),
            ("Paste the redirected URL", "paste"),
        ],
    ),
    (
        "Code Challenge Method",
        &[("SHA-256", "S256"), ("Plain", "plain"), ("off", "off")],
    ),
    (
        "Client Authentication",
        &[("Send as Basic Auth header", "basic_header"), ("Send client credentials in body", "request_body")],
    ),
];

#[tokio::test]
async fn every_choice_of_the_authorization_menus_comes_back_after_a_restart() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    app.new_profile("Menus").await;
    let mut app = Some(app);
    // Round n picks each menu's n-th choice (its last when it has fewer).
    for round in 0..3 {
        let window = app.take().expect("the app is open");
        // Authorization Code first: it shows the menus of that grant.
        window.choose("Grant Type", "Authorization Code").await;
        let mut expected = Vec::new();
        for (label, choices) in MENUS.iter().rev() {
            let (shown, value) = choices[round.min(choices.len() - 1)];
            window.choose(label, shown).await;
            expected.push((*label, value));
        }
        saved(&window).await;
        window.close().await;

        let window = App::launch_with_config(&config).await;
        window.profile_shown().await;
        assert_eq!(selected_profile(&window).await, "Menus");
        for (label, value) in &expected {
            assert_eq!(&window.value_of(label).await, value, "{label} (round {round}) after a restart");
        }
        app = Some(window);
    }
    app.expect("the app is open").close().await;
}

/// The header rows as (name, value input type, value).
async fn header_rows(app: &App) -> Vec<(String, String, String)> {
    let rows = app
        .client
        .execute(
            "return [...document.querySelectorAll('#headers-rows tr:not(.token-row)')].map(r => {
               const name = r.querySelector('[aria-label=\"Header name\"]');
               const value = r.querySelector('[aria-label=\"Header value\"]');
               return [name.value, value.type, value.value];
             });",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(rows).unwrap()
}

async fn last_in_headers(app: &App, aria_label: &str) -> fantoccini::elements::Element {
    let xpath = format!("(//tbody[@id='headers-rows']//input[@aria-label='{aria_label}'])[last()]");
    app.client.find(Locator::XPath(&xpath)).await.unwrap()
}

async fn add_header(app: &App, name: &str, value: &str) {
    app.click("Add header").await;
    last_in_headers(app, "Header name").await.send_keys(name).await.unwrap();
    last_in_headers(app, "Header value").await.send_keys(value).await.unwrap();
}

#[tokio::test]
async fn credential_headers_and_locked_rows_stay_out_of_the_file_and_come_back_masked_until_show() {
    const COOKIE: &str = "fake-cookie-value-e2e";
    const API_KEY: &str = "fake-api-key-value-e2e";
    const LOCKED: &str = "fake-locked-row-value-e2e";
    for value in [COOKIE, API_KEY, LOCKED] {
        record_secret(value);
    }
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    app.new_profile("Headers").await;
    app.click_tab("Headers").await;
    add_header(&app, "Cookie", COOKIE).await;
    add_header(&app, "X-API-Key", API_KEY).await;
    add_header(&app, "X-Trace-Context", LOCKED).await;
    last_in_headers(&app, "Secret header value").await.click().await.unwrap();
    saved(&app).await;
    app.close().await;

    let file = read_settings(&config);
    for value in [COOKIE, API_KEY, LOCKED] {
        assert!(!file.contains(value), "a credential header value is not in profiles.json: {file}");
    }

    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    assert_eq!(selected_profile(&app).await, "Headers");
    let file = read_settings(&config);
    for value in [COOKIE, API_KEY, LOCKED] {
        assert!(!file.contains(value), "nor after a restart: {file}");
    }
    app.click_tab("Headers").await;
    let masked = |name: &str, value: &str| (name.to_owned(), "password".to_owned(), value.to_owned());
    assert_eq!(
        header_rows(&app).await,
        [masked("Cookie", COOKIE), masked("X-API-Key", API_KEY), masked("X-Trace-Context", LOCKED)],
        "every credential row is back from the keychain, masked"
    );
    for (name, value) in [("Cookie", COOKIE), ("X-API-Key", API_KEY), ("X-Trace-Context", LOCKED)] {
        let show = format!(
            "//tbody[@id='headers-rows']/tr[.//input[@aria-label='Header name'][@value='{name}']]//button[normalize-space(.)='Show']"
        );
        app.client.find(Locator::XPath(&show)).await.unwrap().click().await.unwrap();
        let row = header_rows(&app).await.into_iter().find(|r| r.0 == name).expect("the row is there");
        assert_eq!(row, (name.to_owned(), "text".to_owned(), value.to_owned()), "Show reveals {name}");
    }
    app.close().await;
}

/// A token endpoint on 127.0.0.1 that counts the connections it is sent.
async fn counting_endpoint() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let body = r#"{"error":"invalid_client"}"#;
            let answer = format!(
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    (format!("http://127.0.0.1:{port}/oauth2/v1/token"), count)
}

#[tokio::test]
async fn a_client_secret_saved_for_one_origin_is_asked_for_again_and_not_sent_to_another() {
    const SECRET: &str = "fake-client-secret-bound-to-origin";
    record_secret(SECRET);
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    app.new_profile("Origin").await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    app.fill("Client ID", "fake-origin-client").await;
    app.fill("Client Secret", SECRET).await;
    saved(&app).await;
    app.close().await;

    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    assert_eq!(selected_profile(&app).await, "Origin");
    wait_until("the saved-secret placeholder", || async { placeholder(&app, "client-secret").await == "Saved in the keychain" }).await;
    let (other, connections) = counting_endpoint().await;
    app.fill("Access Token URL", &other).await;
    // Leaving the field is what tells the window the URL changed.
    app.field("Client ID").await.click().await.unwrap();
    let saved_origin = idp("OC_IDP_TOKEN_URL").split("/").take(3).collect::<Vec<_>>().join("/");
    let expected = format!("Saved for {saved_origin}: enter it again for this Access Token URL");
    wait_until("the other-origin placeholder", || async { placeholder(&app, "client-secret").await == expected }).await;
    assert_eq!(app.value_of("Client Secret").await, "", "the field is empty: the secret is not shown");

    app.click("Get New Access Token").await;
    let code = app.text_when("error-code", "the refusal", |t| !t.is_empty()).await;
    assert_eq!(code, "secret_for_other_origin");
    let message = app.text_when("error-message", "the message", |t| !t.is_empty()).await;
    assert!(!message.contains(SECRET), "the message names no secret: {message}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing was sent to the other origin");
    app.close().await;
}
