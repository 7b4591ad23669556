//! The workspace: at 1280×800 and at 1024×640 (the smallest window) the
//! request line, the open tab and the response's status are on screen after
//! Send, whatever tab is open; the Sandbox flow works from the keyboard
//! alone; the layout and the theme are remembered (in the settings file,
//! not in web storage).

use crate::app::{fresh_config_home, App, CONTROL, ENTER, TAB};
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// Where an element is, against the window's viewport, and whether the page
/// itself scrolled (it must not: only panels scroll).
const PLACE: &str = r#"
const el = document.getElementById(arguments[0]);
const r = el.getBoundingClientRect();
return {
  top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height,
  width: window.innerWidth, viewport: window.innerHeight,
  scrolled: document.scrollingElement.scrollTop, pageHeight: document.scrollingElement.scrollHeight,
  pageWidth: document.scrollingElement.scrollWidth,
};
"#;

async fn in_view(app: &App, id: &str, when: &str) {
    let place = app.client.execute(PLACE, vec![id.into()]).await.unwrap();
    let n = |key: &str| place[key].as_f64().unwrap_or(f64::NAN);
    assert!(n("height") > 0.0, "#{id} is shown {when}: {place}");
    assert!(
        n("top") >= 0.0 && n("bottom") <= n("viewport") && n("left") >= 0.0 && n("right") <= n("width"),
        "#{id} is inside the viewport {when}: {place}"
    );
    assert_eq!(n("scrolled"), 0.0, "the window itself never scrolls {when}: {place}");
    assert!(n("pageHeight") <= n("viewport") + 1.0, "the page is no taller than the window {when}: {place}");
    assert!(n("pageWidth") <= n("width") + 1.0, "the page is no wider than the window {when}: {place}");
}

async fn resize(app: &App, width: u32, height: u32) {
    app.client.set_window_size(width, height).await.unwrap();
    let started = Instant::now();
    loop {
        let size = app.client.execute("return [window.innerWidth, window.innerHeight];", vec![]).await.unwrap();
        if size[0].as_u64() == Some(u64::from(width)) && size[1].as_u64() == Some(u64::from(height)) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the window did not become {width}×{height}: {size}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn after_send_everything_that_matters_is_in_view(width: u32, height: u32) {
    let app = App::launch().await;
    resize(&app, width, height).await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let size = format!("at {width}×{height}");
    for (tab, panel) in [
        ("Params", "tab-params"),
        ("Authorization", "tab-auth"),
        ("Headers", "tab-headers"),
        ("Body", "tab-body"),
        ("Variables", "tab-variables"),
        ("Settings", "tab-settings"),
    ] {
        app.click_tab(tab).await;
        let when = format!("{size} with {tab} open");
        in_view(&app, "url", &when).await;
        in_view(&app, "send", &when).await;
        in_view(&app, "request-tabs", &when).await;
        in_view(&app, panel, &when).await;
        in_view(&app, "response-status", &when).await;
    }
    // A long value wraps or scrolls inside its field: the page stays as wide as the window.
    app.click_tab("Authorization").await;
    app.client.execute("document.getElementById('toggle-token').click();", vec![]).await.unwrap();
    app.text_when("access-token", "the token shown", |t| t.starts_with("eyJ")).await;
    in_view(&app, "response-status", &format!("{size} with the token shown")).await;
    app.close().await;
}

#[tokio::test]
async fn at_1280_by_800_the_request_line_the_open_tab_and_the_response_status_are_in_view_after_send() {
    after_send_everything_that_matters_is_in_view(1280, 800).await;
}

#[tokio::test]
async fn at_1024_by_640_the_request_line_the_open_tab_and_the_response_status_are_in_view_after_send() {
    after_send_everything_that_matters_is_in_view(1024, 640).await;
}

/// The text of the focused element.
async fn focused(app: &App) -> String {
    let script = "const e = document.activeElement; return e ? (e.innerText || e.value || e.id || e.tagName).trim() : '';";
    app.client.execute(script, vec![]).await.unwrap().as_str().unwrap_or_default().to_owned()
}

/// Presses Tab until the button `text` has the focus.
async fn tab_to(app: &App, text: &str) {
    for _ in 0..200 {
        app.press(&[TAB]).await;
        if focused(app).await == text {
            return;
        }
    }
    panic!("{text:?} could not be reached with Tab");
}

#[tokio::test]
async fn the_sandbox_flow_works_with_tab_enter_and_ctrl_enter_alone() {
    let app = App::launch().await;
    tab_to(&app, "Get New Access Token").await;
    app.press(&[ENTER]).await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    tab_to(&app, "Use Token").await;
    app.press(&[ENTER]).await;
    // Read without selecting the Headers tab, so the focus stays on Use Token.
    let started = Instant::now();
    loop {
        let row = app
            .client
            .execute("return document.getElementById('token-header-value')?.textContent ?? '';", vec![])
            .await
            .unwrap();
        if row.as_str().unwrap_or_default().starts_with("Bearer") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "Use Token did not attach the token: {row}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.press(&[CONTROL, ENTER]).await;
    let status = app.text_when("response-status", "a status", |t| !t.is_empty()).await;
    assert_eq!(status, "200 OK");
    let active = app.client.execute("return document.activeElement.id;", vec![]).await.unwrap();
    assert_eq!(active, "use-token", "after Send the focus stays where it was");
    app.close().await;
}

#[tokio::test]
async fn ctrl_l_goes_to_the_url_and_arrow_keys_move_between_the_request_tabs() {
    let app = App::launch().await;
    app.button("Get New Access Token").await.click().await.unwrap();
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.press(&[CONTROL, 'l']).await;
    let active = app.client.execute("return document.activeElement.id;", vec![]).await.unwrap();
    assert_eq!(active, "url", "Ctrl+L focuses the URL");
    app.client.execute("document.getElementById('tab-btn-auth').focus();", vec![]).await.unwrap();
    app.press(&['\u{e014}']).await; // ArrowRight
    let state = app
        .client
        .execute(
            "return [document.activeElement.id, document.getElementById('tab-headers').hidden, document.getElementById('tab-auth').hidden];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(state, serde_json::json!(["tab-btn-headers", false, true]), "ArrowRight selects the next tab");
    app.close().await;
}

#[tokio::test]
async fn the_sidebar_the_response_position_and_the_theme_are_remembered_after_a_restart() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.click("Response beside").await;
    app.click("Settings").await;
    app.choose("Theme", "Dark").await;
    let theme = app.client.execute("return document.documentElement.dataset.theme;", vec![]).await.unwrap();
    assert_eq!(theme, "dark", "Dark applies at once");
    app.client.find(fantoccini::Locator::Id("settings-close")).await.unwrap().click().await.unwrap();
    // The sidebar's collapse button, last: Settings is in the sidebar.
    app.button("«").await.click().await.unwrap();
    // Saved through the core, into the settings file.
    let file = format!("{config}/dev.oauthconsole.desktop/profiles.json");
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if text.contains("\"sidebarCollapsed\": true") && text.contains("\"responsePosition\": \"beside\"") && text.contains("\"theme\": \"dark\"") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the layout was not saved in {file}: {text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.close().await;

    let app = App::launch_with_config(&config).await;
    let state = app
        .client
        .execute(
            "return [document.getElementById('sidebar').classList.contains('collapsed'), \
             document.getElementById('split').classList.contains('beside'), document.documentElement.dataset.theme ?? ''];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(state, serde_json::json!([true, true, "dark"]), "the layout and theme of the last run");
    let storage = app.client.execute("return localStorage.length + sessionStorage.length;", vec![]).await.unwrap();
    assert_eq!(storage, 0, "nothing is kept in web storage");
    app.close().await;
}

#[tokio::test]
async fn the_split_and_the_sidebar_resize_from_the_keyboard_and_keep_their_sizes_after_a_restart() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    let sizes = "return [document.getElementById('request-pane').getBoundingClientRect().height, \
                 document.getElementById('sidebar').getBoundingClientRect().width];";
    let before = app.client.execute(sizes, vec![]).await.unwrap();
    app.client.execute("document.getElementById('split-handle').focus();", vec![]).await.unwrap();
    app.press(&['\u{e015}', '\u{e015}']).await; // ArrowDown twice: the request pane grows
    app.client.execute("document.getElementById('sidebar-handle').focus();", vec![]).await.unwrap();
    app.press(&['\u{e012}']).await; // ArrowLeft: the sidebar narrows
    let after = app.client.execute(sizes, vec![]).await.unwrap();
    let n = |v: &serde_json::Value, i: usize| v[i].as_f64().unwrap();
    assert!(n(&after, 0) > n(&before, 0) + 20.0, "the request pane grew: {before} → {after}");
    assert!(n(&after, 1) < n(&before, 1) - 10.0, "the sidebar narrowed: {before} → {after}");
    let handle = app
        .client
        .execute("return document.getElementById('split-handle').getAttribute('aria-valuenow');", vec![])
        .await
        .unwrap();
    assert_eq!(handle, "60", "the separator says the request's share in percent");
    in_view(&app, "response-pane", "after the resize").await;
    // Saved per window size (the window's height is 800 here), through the core.
    let file = format!("{config}/dev.oauthconsole.desktop/profiles.json");
    let started = Instant::now();
    while !std::fs::read_to_string(&file).unwrap_or_default().contains("x800\": 60") {
        assert!(started.elapsed() < Duration::from_secs(10), "the split was not saved in {file}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.close().await;

    let app = App::launch_with_config(&config).await;
    let restarted = app.client.execute(sizes, vec![]).await.unwrap();
    assert!((n(&restarted, 0) - n(&after, 0)).abs() < 2.0, "the request pane's size is back: {after} → {restarted}");
    assert!((n(&restarted, 1) - n(&after, 1)).abs() < 2.0, "the sidebar's width is back: {after} → {restarted}");
    app.close().await;
}

#[tokio::test]
async fn ctrl_s_saves_the_request_and_the_sidebar_lists_it_to_fill_in_again() {
    let app = App::launch().await;
    let url = app.value_of("URL").await;
    app.fill("Request name", "Connections by keyboard").await;
    app.press(&[CONTROL, 's']).await;
    app.text_when("saved-request-status", "the save", |t| t == "Saved \"Connections by keyboard\".").await;
    let item = app.text_when("saved-request-list", "the saved request", |t| !t.is_empty()).await;
    assert!(item.contains("GET") && item.contains("Connections by keyboard"), "method and name: {item}");

    app.fill("URL", "http://127.0.0.1:9/elsewhere").await;
    app.client
        .find(fantoccini::Locator::Css("#saved-request-list button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(app.value_of("URL").await, url, "the saved request is filled in again");
    app.close().await;
}

#[tokio::test]
async fn ctrl_enter_sends_nothing_from_a_dialog_and_esc_closes_it() {
    let app = App::launch().await;
    app.click("Settings").await;
    app.field("Theme").await; // the dialog is open
    app.client.execute("delete document.body.dataset.responseShown;", vec![]).await.unwrap();
    app.press(&[CONTROL, ENTER]).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let state = app
        .client
        .execute(
            "return [document.getElementById('settings-dialog').open, document.getElementById('response-progress').textContent, \
             !!document.body.dataset.responseShown];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(state, serde_json::json!([true, "", false]), "Ctrl+Enter in a dialog sends nothing");
    app.press(&['\u{e00c}']).await; // Escape
    let open = app.client.execute("return document.getElementById('settings-dialog').open;", vec![]).await.unwrap();
    assert_eq!(open, false, "Esc closes the dialog");
    app.close().await;
}

#[tokio::test]
async fn history_lists_the_sends_newest_first_keeps_them_across_a_restart_without_credentials_and_fills_one_back_in() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    let first_url = app.value_of("URL").await;
    assert!(first_url.ends_with("/ic/api/integration/v1/connections"), "{first_url}");
    assert_eq!(app.send_and_wait().await, "200 OK");
    // A credential header beside the token: sent, never kept in History.
    app.click("Add header").await;
    let last = |label: &str| format!("(//tbody[@id='headers-rows']//input[@aria-label='{label}'])[last()]");
    app.client.find(Locator::XPath(&last("Header name"))).await.unwrap().send_keys("X-API-Key").await.unwrap();
    app.client.find(Locator::XPath(&last("Header value"))).await.unwrap().send_keys(HISTORY_API_KEY).await.unwrap();
    let second_url = first_url.replace("/connections", "/integrations");
    app.fill("URL", &second_url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    // A send that gets no response is listed with its error's code.
    app.fill("URL", "http://127.0.0.1:1/nothing-listens-here").await;
    app.click("Send").await;
    let code = app.text_when("response-error-code", "the refused connection's code", |t| !t.is_empty()).await;

    let rows = history_rows_when(&app, 3).await;
    assert!(rows[0].contains("/nothing-listens-here"), "newest first: {rows:?}");
    assert!(rows[0].contains(&code), "with the code the window showed ({code}): {rows:?}");
    assert!(rows[1].contains("/ic/api/integration/v1/integrations") && rows[1].contains("200"), "{rows:?}");
    assert!(rows[2].contains("/ic/api/integration/v1/connections") && rows[2].contains("200"), "{rows:?}");
    assert!(rows[2].contains(" ms ·") || rows[2].contains(" s ·"), "with the time taken and size: {rows:?}");

    let oldest = app.client.find(Locator::Css("#history-list li:nth-child(3) button")).await.unwrap();
    oldest.click().await.unwrap();
    app.text_when("history-status", "what was filled in", |t| t.contains("press Send")).await;
    assert_eq!(app.value_of("URL").await, first_url, "the oldest send is back in the request line");
    assert_eq!(app.send_and_wait().await, "200 OK", "and it sends as it did");
    history_rows_when(&app, 4).await;
    app.close().await;

    // On disk: the profile's history file, without the credential.
    let dir = std::path::Path::new(&config).join("dev.oauthconsole.desktop/history");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten().collect();
    assert_eq!(files.len(), 1, "one file for the one profile: {files:?}");
    let bytes = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(bytes.contains("/ic/api/integration/v1/integrations"), "the sends are kept");
    assert!(!bytes.contains(HISTORY_API_KEY), "the credential header's value is not");

    // After a restart: the same list, and the send with the credential
    // header reopens with that header empty and locked.
    let app = App::launch_with_config(&config).await;
    let rows = history_rows_when(&app, 4).await;
    assert!(rows[0].contains("/ic/api/integration/v1/connections") && rows[3].contains("/ic/api/integration/v1/connections"), "{rows:?}");
    assert!(rows[2].contains("/ic/api/integration/v1/integrations"), "{rows:?}");
    app.fill("URL", "https://other.example.test/").await;
    let integrations = app.client.find(Locator::Css("#history-list li:nth-child(3) button")).await.unwrap();
    integrations.click().await.unwrap();
    let said = app.text_when("history-status", "what was filled in", |t| t.contains("press Send")).await;
    assert!(said.contains("type its secret values again"), "{said}");
    assert_eq!(app.value_of("URL").await, second_url);
    let header = app
        .client
        .execute(
            "const rows = [...document.querySelectorAll('#headers-rows tr')].filter((tr) => tr.querySelector('input[aria-label=\"Header name\"]')?.value === 'X-API-Key'); \
             return rows.map((tr) => [tr.querySelector('input[aria-label=\"Header value\"]').value, tr.querySelector('input[aria-label=\"Secret header value\"]').checked]);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(header, serde_json::json!([["", true]]), "the credential row is back, empty and locked");

    // Each profile has its own History: a new one's is empty, and the
    // Sandbox profile's is back on switching to it.
    app.new_profile("History elsewhere").await;
    history_loaded(&app).await;
    assert!(history_rows(&app).await.is_empty(), "a new profile has no history");
    app.choose("Profile", "Sandbox").await;
    app.profile_shown().await;
    history_rows_when(&app, 4).await;

    // Clear history clears the stored one too.
    app.click("Clear history").await;
    app.text_when("history-status", "the clear", |t| t == "History cleared.").await;
    assert!(history_rows(&app).await.is_empty());
    app.close().await;
    let app = App::launch_with_config(&config).await;
    history_loaded(&app).await;
    assert!(history_rows(&app).await.is_empty(), "nothing comes back after Clear history");
    app.close().await;
}

/// A credential header typed in the history test; the secrets scan looks for it.
const HISTORY_API_KEY: &str = "history-api-key-not-real";

/// Waits until History shows the current profile's list as the core gave it.
async fn history_loaded(app: &App) {
    app.client
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(Locator::Css("#history-list[data-loaded=true]"))
        .await
        .expect("History was loaded");
}

/// The History rows once there are `count` of them (the list loads from the core).
async fn history_rows_when(app: &App, count: usize) -> Vec<String> {
    let started = std::time::Instant::now();
    loop {
        let rows = history_rows(app).await;
        if rows.len() == count {
            return rows;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "History shows {} rows, not {count}: {rows:?}", rows.len());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The History rows' texts, newest first.
async fn history_rows(app: &App) -> Vec<String> {
    let rows = app
        .client
        .execute("return [...document.querySelectorAll('#history-list li')].map((li) => li.textContent);", vec![])
        .await
        .unwrap();
    rows.as_array().unwrap().iter().map(|r| r.as_str().unwrap_or_default().to_owned()).collect()
}
