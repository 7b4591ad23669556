//! The Oracle Integration profile in the window, against the built-in
//! sandbox: three values from the OCI Console derive the rest, a quick
//! request fills the request panel without sending, `integrationInstance` is
//! added on Send, and OIC's 401 after a redirect that dropped Authorization
//! comes with what to check.

use crate::app::{fresh_config_home, App};
use fantoccini::Locator;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);
const CONSUMER_ALL: &str = "urn:opc:resource:consumer::all";

/// What the Sandbox profile is filled with, read from the window as a user
/// would copy it.
pub(crate) struct SandboxValues {
    pub(crate) token_url: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) audience: String,
    pub(crate) runtime_url: String,
    /// The sandbox's design-time `127.0.0.1:<port>`, from its Trusted hosts.
    pub(crate) design_host: String,
}

pub(crate) async fn sandbox_values(app: &App) -> SandboxValues {
    let token_url = value_when(app, "Access Token URL", "the sandbox's token URL", |v| {
        v.starts_with("http://127.0.0.1:")
    })
    .await;
    let scope = app.value_of("Scope").await;
    let url = app.value_of("URL").await;
    let runtime_url = url.split("/ic/").next().unwrap().to_owned();
    app.click_tab("Settings").await;
    let hosts = app.value_of("Trusted hosts").await;
    let design_host = hosts
        .lines()
        .find(|h| h.starts_with("127.0.0.1:"))
        .unwrap_or_else(|| panic!("the Sandbox profile trusts its design-time host: {hosts:?}"))
        .to_owned();
    app.click_tab("Params").await;
    SandboxValues {
        client_id: app.value_of("Client ID").await,
        client_secret: app.value_of("Client Secret").await,
        audience: scope
            .strip_suffix(CONSUMER_ALL)
            .unwrap_or_else(|| panic!("the sandbox scope is <audience>{CONSUMER_ALL}: {scope}"))
            .to_owned(),
        token_url,
        runtime_url,
        design_host,
    }
}

/// A new profile of the user's own, made an Oracle one.
pub(crate) async fn new_oracle_profile(app: &App) {
    app.new_profile("OIC (sandbox values)").await;
    app.choose("Profile type", "Oracle Integration").await;
    let fieldset = app.client.find(Locator::Id("oracle-fields")).await.unwrap();
    assert!(
        fieldset.is_displayed().await.unwrap(),
        "the Oracle Integration fields are shown"
    );
}

/// The value of the field labelled `label`, once `ready` accepts it.
pub(crate) async fn value_when(app: &App, label: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let value = app.value_of(label).await;
        if ready(&value) {
            return value;
        }
        assert!(
            started.elapsed() < WAIT,
            "{label} never held {what}; last value: {value:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn fill_three_values(app: &App, sandbox: &SandboxValues) {
    // The whole token URL pasted where the Domain URL was asked: accepted.
    app.fill("Identity domain URL", &sandbox.token_url).await;
    app.fill("OIC instance URL", &sandbox.runtime_url).await;
    app.fill("Scope audience", &sandbox.audience).await;
    app.fill("Client ID", &sandbox.client_id).await;
    app.fill("Client Secret", &sandbox.client_secret).await;
}

pub(crate) async fn add_trusted_host(app: &App, host: &str) {
    app.click_tab("Settings").await;
    let mut hosts: Vec<String> = app
        .value_of("Trusted hosts")
        .await
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    hosts.push(host.to_owned());
    // Typed as one line: the list also reads commas.
    app.fill("Trusted hosts", &hosts.join(", ")).await;
    app.click_tab("Params").await;
}

#[tokio::test]
async fn an_oracle_profile_filled_with_three_values_gets_a_token_and_lists_connections_through_the_runtime_host(
) {
    let app = App::launch().await;
    let sandbox = sandbox_values(&app).await;
    new_oracle_profile(&app).await;
    fill_three_values(&app, &sandbox).await;

    let token_url = value_when(&app, "Access Token URL", "the derived token URL", |v| {
        v == sandbox.token_url
    })
    .await;
    assert_eq!(token_url, sandbox.token_url);
    let scope = value_when(&app, "Scope", "the derived scope", |v| !v.is_empty()).await;
    assert_eq!(scope, format!("{}{CONSUMER_ALL}", sandbox.audience));
    let note = app
        .text_when(
            "oracle-problems-identityDomainUrl",
            "what was left out",
            |t| !t.is_empty(),
        )
        .await;
    assert!(
        note.contains("left out the path /oauth2/v1/token"),
        "the pasted token URL is explained: {note}"
    );
    let derived = app
        .text_when("oracle-derived", "the derived values", |t| {
            t.contains("/oauth2/v1/authorize")
        })
        .await;
    assert!(
        derived.contains(&sandbox.runtime_url),
        "the request base URL is shown: {derived}"
    );

    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer")
        .await;
    app.click("Use Token").await;

    app.click("List connections").await;
    let url = value_when(&app, "URL", "the quick request", |v| {
        v.ends_with("/connections")
    })
    .await;
    assert_eq!(
        url,
        format!("{}/ic/api/integration/v1/connections", sandbox.runtime_url)
    );
    assert!(
        app.client
            .find(Locator::Id("response-result"))
            .await
            .unwrap()
            .attr("hidden")
            .await
            .unwrap()
            .is_some(),
        "a quick request never sends by itself"
    );

    // The sandbox's design-time host is 127.0.0.1:<port>, not under
    // oraclecloud.com like a real one: the user trusts it, as for the Sandbox profile.
    add_trusted_host(&app, &sandbox.design_host).await;
    let status = app.send_and_wait().await;
    assert_eq!(status, "200 OK");
    let body = app
        .text_when("response-view", "the connections", |t| {
            t.contains("\"items\"")
        })
        .await;
    assert!(body.contains("\"id\""), "{body}");
    app.click_tab("Redirects").await;
    let hops = app
        .text_when("response-hops", "the redirect chain", |t| !t.is_empty())
        .await;
    assert!(
        hops.contains("302") && hops.contains(&sandbox.runtime_url),
        "through the runtime host: {hops}"
    );
    assert!(hops.contains("forwarded (trusted host)"), "{hops}");
    app.close().await;
}

#[tokio::test]
async fn a_401_after_the_runtime_redirect_dropped_authorization_says_to_trust_the_design_time_host()
{
    let app = App::launch().await;
    let sandbox = sandbox_values(&app).await;
    new_oracle_profile(&app).await;
    fill_three_values(&app, &sandbox).await;
    app.fill("Integration instance name", "sandbox").await;
    value_when(&app, "Scope", "the derived scope", |v| {
        v.ends_with(CONSUMER_ALL)
    })
    .await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer")
        .await;
    app.click("Use Token").await;

    // Typed by hand, without integrationInstance: Send adds it.
    app.fill(
        "URL",
        &format!("{}/ic/api/integration/v1/connections", sandbox.runtime_url),
    )
    .await;
    let status = app.send_and_wait().await;
    assert!(
        status.starts_with("401"),
        "the design-time host got no token: {status}"
    );
    let url = app.value_of("URL").await;
    assert!(
        url.ends_with("/connections?integrationInstance=sandbox"),
        "Send added the instance: {url}"
    );

    let hint = app
        .text_when("oic-guidance-text", "what to check", |t| !t.is_empty())
        .await;
    assert!(hint.contains("Trusted hosts"), "{hint}");
    assert!(hint.contains("runtime URL redirected"), "{hint}");
    let guidance = app.client.find(Locator::Id("oic-guidance")).await.unwrap();
    assert!(
        guidance.is_displayed().await.unwrap(),
        "the guidance is shown in the response panel"
    );

    add_trusted_host(&app, &sandbox.design_host).await;
    let status = app.send_and_wait().await;
    assert_eq!(status, "200 OK", "trusting the design-time host fixes it");
    assert!(
        !guidance.is_displayed().await.unwrap(),
        "no guidance for a 200"
    );
    app.close().await;
}

#[tokio::test]
async fn the_oracle_form_explains_each_field_and_keeps_what_the_user_overrides() {
    let app = App::launch().await;
    sandbox_values(&app).await;
    new_oracle_profile(&app).await;

    app.fill(
        "Identity domain URL",
        "https://cloud.oracle.com/identity/domains",
    )
    .await;
    app.text_when(
        "oracle-problems-identityDomainUrl",
        "the OCI Console problem",
        |t| t.contains("is the OCI Console"),
    )
    .await;
    app.fill(
        "Identity domain URL",
        "idcs-abc123.identity.oraclecloud.com:443/",
    )
    .await;
    let token_url = value_when(&app, "Access Token URL", "the derived token URL", |v| {
        v.contains("idcs-abc123")
    })
    .await;
    assert_eq!(
        token_url,
        "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token"
    );

    app.fill(
        "OIC instance URL",
        "https://design.integration.us-phoenix-1.ocp.oraclecloud.com",
    )
    .await;
    let warning = app
        .text_when(
            "oracle-problems-instanceName",
            "the instance warning",
            |t| !t.is_empty(),
        )
        .await;
    assert!(warning.contains("design-time URL"), "{warning}");
    app.fill("Integration instance name", "myinstance").await;
    app.text_when("oracle-problems-instanceName", "no warning", str::is_empty)
        .await;

    app.fill(
        "Scope audience",
        "https://69415C303.integration.ocp.oraclecloud.com:443",
    )
    .await;
    app.choose("Scope type", "Developer APIs only").await;
    let scope = value_when(&app, "Scope", "the Developer API scope", |v| {
        v.ends_with("/ic/api/")
    })
    .await;
    assert_eq!(
        scope,
        "https://69415C303.integration.ocp.oraclecloud.com:443/ic/api/"
    );

    app.choose("Redirect URL", "OIC callback").await;
    let callback = value_when(&app, "Callback URL", "the OIC callback", |v| {
        v.ends_with("/callback")
    })
    .await;
    assert_eq!(
        callback,
        "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/icsapis/agent/oauth/callback"
    );
    app.choose("Redirect URL", "This app (loopback)").await;
    value_when(&app, "Callback URL", "the loopback URL", |v| {
        v.starts_with("http://127.0.0.1:")
    })
    .await;

    let help = app
        .client
        .find(Locator::Css("details[data-help='identityDomainUrl'] p"))
        .await
        .unwrap();
    let help = help.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(
        help.contains("Domains"),
        "where to find this, in the console's words: {help}"
    );

    // An override survives a change of what it was derived from.
    app.fill(
        "Access Token URL",
        "https://idcs-other.identity.oraclecloud.com/oauth2/v1/token",
    )
    .await;
    app.fill(
        "Identity domain URL",
        "https://idcs-xyz789.identity.oraclecloud.com",
    )
    .await;
    let marked = app
        .text_when("oracle-derived-tokenUrl", "the override mark", |t| {
            t.contains("overridden")
        })
        .await;
    assert!(
        marked.contains("idcs-xyz789"),
        "the derived value is still shown: {marked}"
    );
    assert_eq!(
        app.value_of("Access Token URL").await,
        "https://idcs-other.identity.oraclecloud.com/oauth2/v1/token"
    );
    app.click("Use derived").await;
    value_when(&app, "Access Token URL", "the derived value again", |v| {
        v.contains("idcs-xyz789")
    })
    .await;

    app.click("List integrations").await;
    let url = value_when(&app, "URL", "the quick request", |v| {
        v.contains("/integrations")
    })
    .await;
    assert_eq!(
        url,
        "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/integrations?limit=10&offset=0&integrationInstance=myinstance"
    );
    app.click("Get one connection by id").await;
    let note = app
        .text_when("quick-request-note", "what to fill in", |t| {
            t.contains("{id}")
        })
        .await;
    assert!(note.contains("Send"), "{note}");
    app.close().await;
}

#[tokio::test]
async fn an_oracle_profile_comes_back_after_a_restart_with_its_values_and_overrides() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.new_profile("OIC dev").await;
    app.choose("Profile type", "Oracle Integration").await;
    app.fill(
        "Identity domain URL",
        "https://idcs-abc123.identity.oraclecloud.com",
    )
    .await;
    app.fill(
        "OIC instance URL",
        "https://design.integration.us-phoenix-1.ocp.oraclecloud.com",
    )
    .await;
    app.fill("Integration instance name", "myinstance").await;
    app.fill(
        "Scope audience",
        "https://69415C303.integration.ocp.oraclecloud.com:443",
    )
    .await;
    app.choose("Scope type", "Developer APIs only").await;
    app.choose("Redirect URL", "This app (loopback)").await;
    value_when(&app, "Callback URL", "the loopback URL", |v| {
        v.starts_with("http://127.0.0.1:")
    })
    .await;
    app.choose("Grant Type", "Authorization Code").await;
    app.fill(
        "Auth URL",
        "https://idcs-abc123.identity.oraclecloud.com/sso/v1/authorize",
    )
    .await;
    app.text_when("oracle-derived-authUrl", "the override mark", |t| {
        t.contains("overridden")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.text_when("save-status", "Saved", |t| t == "Saved")
        .await;
    app.close().await;

    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    assert_eq!(app.value_of("Profile type").await, "oracle");
    assert_eq!(
        app.value_of("Identity domain URL").await,
        "https://idcs-abc123.identity.oraclecloud.com"
    );
    assert_eq!(
        app.value_of("Integration instance name").await,
        "myinstance"
    );
    assert_eq!(app.value_of("Scope type").await, "api");
    let redirect = value_when(&app, "Redirect URL", "the loopback preset", |v| {
        v != "oic_callback"
    })
    .await;
    assert_eq!(
        redirect, "loopback",
        "the preset is read back from the saved Callback URL"
    );
    assert_eq!(
        app.value_of("Auth URL").await,
        "https://idcs-abc123.identity.oraclecloud.com/sso/v1/authorize"
    );
    let marked = app
        .text_when("oracle-derived-authUrl", "the override mark", |t| {
            t.contains("overridden")
        })
        .await;
    assert!(
        marked.contains("/oauth2/v1/authorize"),
        "the derived value is still shown beside the override: {marked}"
    );
    assert_eq!(
        app.value_of("Scope").await,
        "https://69415C303.integration.ocp.oraclecloud.com:443/ic/api/"
    );
    app.click("Monitoring: list instances").await;
    let url = value_when(&app, "URL", "the quick request", |v| {
        v.contains("/monitoring/")
    })
    .await;
    assert_eq!(
        url,
        "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/monitoring/instances?integrationInstance=myinstance"
    );
    app.close().await;
}
