//! Launching the app through tauri-driver, and finding things in its window
//! the way a user does: fields by their label, buttons by their text.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, MutexGuard};

/// One WebDriver session at a time: the tests of this binary take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// WebDriver's key codes.
#[allow(dead_code)] // tests/package shares this file
pub const TAB: char = '\u{e004}';
#[allow(dead_code)]
pub const ENTER: char = '\u{e007}';
#[allow(dead_code)]
pub const CONTROL: char = '\u{e009}';

const WAIT: Duration = Duration::from_secs(20);

/// How often a field or button is brought into view again when WebDriver
/// finds it out of view: a panel's content can move between the scroll and
/// the click (a problem list appears, a derived value is written).
const RETRIES: u32 = 5;

fn not_interactable(error: &fantoccini::error::CmdError) -> bool {
    use fantoccini::error::{CmdError, ErrorStatus};
    error.is_element_not_interactable()
        || error.is_element_not_selectable()
        || error.is_stale_element_reference()
        || matches!(error, CmdError::Standard(e) if e.error == ErrorStatus::ElementClickIntercepted)
}

/// Brings one of the elements passed into view the way a user would: the
/// first one that only an inactive tab (or the collapsed sidebar) hides, or
/// else the first one; its tab is selected, the sidebar expanded, and the
/// panel scrolled to it. Returns
/// the index of the element chosen.
const REVEAL: &str = r#"
const els = [...arguments];
const hiddenOnlyByTabs = (el) => {
  for (let n = el; n && n !== document.documentElement; n = n.parentElement) {
    if (n.getAttribute('role') === 'tabpanel' || n.id === 'sidebar-body') continue;
    if (n.hidden || getComputedStyle(n).display === 'none') return false;
  }
  return true;
};
let i = els.findIndex(hiddenOnlyByTabs);
if (i < 0) i = 0;
const el = els[i];
if (!el) return 0;
for (let n = el; n; n = n.parentElement) {
  if (n.getAttribute && n.getAttribute('role') === 'tabpanel' && n.hidden) {
    document.querySelector(`[role=tab][aria-controls="${n.id}"]`)?.click();
  }
}
if (el.closest('#sidebar.collapsed')) document.getElementById('sidebar-toggle').click();
// Scrolled into its panel's view (WebKitWebDriver does not always scroll nested panels).
el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
return i;
"#;

pub struct App {
    pub client: Client,
    _driver: Driver,
    _turn: MutexGuard<'static, ()>,
}

/// tauri-driver, stopped with SIGTERM when dropped (also when a test panics):
/// it then stops WebKitWebDriver, which closes the app.
///
/// A WebDriver command has no time limit of its own: WebKitWebDriver can
/// wait minutes for a navigation that will never finish. So a session that
/// outlives [`SESSION_LIMIT`] is stopped the same way, by a watchdog: the
/// pending command then fails, and the test with it, instead of the suite
/// hanging until CI's own limit.
struct Driver {
    child: Child,
    _watchdog: std::sync::mpsc::Sender<()>,
}

/// The longest an e2e test may keep its app (`OC_E2E_SESSION_LIMIT_SECS`).
fn session_limit() -> Duration {
    let seconds = std::env::var("OC_E2E_SESSION_LIMIT_SECS").ok().and_then(|s| s.parse().ok());
    Duration::from_secs(seconds.unwrap_or(300))
}

impl Driver {
    fn watch(child: Child) -> Driver {
        let (watchdog, dropped) = std::sync::mpsc::channel::<()>();
        let pid = child.id().to_string();
        let limit = session_limit();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = dropped.recv_timeout(limit) {
                eprintln!("e2e: this test kept its app for over {limit:?}: its WebDriver session is stopped");
                let _ = Command::new("kill").args(["-TERM", &pid]).status();
            }
        });
        Driver { child, _watchdog: watchdog }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl App {
    /// The app built by this `cargo test`, as on a first launch: it gets a
    /// config folder of its own, so it opens on the Sandbox profile whatever
    /// profiles other tests created (the app reopens on the last used one).
    pub async fn launch() -> App {
        App::launch_with_config(&fresh_config_home()).await
    }

    /// The app built by this `cargo test`, with `XDG_CONFIG_HOME` set to
    /// `config_home`: launching twice with the same folder is a restart.
    pub async fn launch_with_config(config_home: &str) -> App {
        App::launch_with_env(env!("CARGO_BIN_EXE_oauth-console"), &[("XDG_CONFIG_HOME", config_home)]).await
    }

    /// The app at `application`, e.g. the one a .deb installed.
    #[allow(dead_code)] // used by tests/package, which shares this file
    pub async fn launch_binary(application: &str) -> App {
        App::launch_with_env(application, &[]).await
    }

    /// The app with extra environment variables, which tauri-driver and
    /// WebKitWebDriver pass on: e.g. an `XDG_CONFIG_HOME` of its own, for a
    /// first launch or profiles that no other test sees.
    pub async fn launch_with_env(application: &str, env: &[(&str, &str)]) -> App {
        let turn = ONE_AT_A_TIME.lock().await;
        let driver_bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        // A session that cannot be made (WebKitWebDriver lost its port to
        // another process between `free_port` and its bind, or it closed the
        // connection while the app was still starting on a loaded machine)
        // is tried again with a new driver on new ports: what is tested is
        // the app, not the first attempt of the WebDriver stack.
        let mut failures = Vec::new();
        for attempt in 1..=LAUNCH_ATTEMPTS {
            let port = free_port();
            let native_port = free_port();
            let log = driver_log(port);
            let driver = Driver::watch(Command::new(&driver_bin)
                .envs(env.iter().copied())
                .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(std::fs::File::create(&log).unwrap_or_else(|e| panic!("could not create {}: {e}", log.display()))))
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {driver_bin} (installed by `make test`): {e}")));
            match connect(port, application).await {
                Ok(client) => {
                    // Kept only when asked for (the file stays open for the
                    // driver: removing it leaves no litter in the temp folder).
                    if std::env::var_os("OC_E2E_DRIVER_LOG_DIR").is_none() {
                        let _ = std::fs::remove_file(&log);
                    }
                    let app = App { client, _driver: driver, _turn: turn };
                    app.wait_ready().await;
                    return app;
                }
                Err(e) => {
                    drop(driver);
                    let said = std::fs::read_to_string(&log).unwrap_or_default();
                    let lines: Vec<&str> = said.lines().collect();
                    let tail = lines[lines.len().saturating_sub(20)..].join("\n");
                    eprintln!("e2e: attempt {attempt} of {LAUNCH_ATTEMPTS} to open a WebDriver session failed: {e}\n{tail}");
                    failures.push(e);
                }
            }
        }
        panic!("no WebDriver session after {LAUNCH_ATTEMPTS} attempts: {}", failures.join("; "));
    }

    async fn wait_ready(&self) {
        let started = Instant::now();
        loop {
            let ready = self
                .client
                .execute("return document.body && document.body.dataset.ready === 'true';", vec![])
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if ready {
                return;
            }
            assert!(started.elapsed() < WAIT, "the window did not become ready within {WAIT:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The form control whose `<label>` reads `label`, with its tab selected.
    pub async fn field(&self, label: &str) -> Element {
        let xpath = format!("//*[@id=(//label[normalize-space(.)='{label}']/@for)]");
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no field labelled {label:?}: {e}"));
        self.revealed(&xpath).await
    }

    /// The elements at `xpath`, the one a user would use brought into view
    /// (its tab selected, the sidebar expanded).
    async fn revealed(&self, xpath: &str) -> Element {
        let mut found = self.client.find_all(Locator::XPath(xpath)).await.unwrap();
        assert!(!found.is_empty(), "nothing at {xpath}");
        let args = found.iter().map(|e| serde_json::to_value(e).unwrap()).collect();
        let index = self.client.execute(REVEAL, args).await.ok().and_then(|v| v.as_u64()).unwrap_or(0) as usize;
        found.swap_remove(index.min(found.len() - 1))
    }

    /// Brings the element with `id` into view (its tab selected), if it exists.
    #[allow(dead_code)]
    pub async fn reveal_id(&self, id: &str) {
        if let Ok(element) = self.client.find(Locator::Id(id)).await {
            let _ = self.client.execute(REVEAL, vec![serde_json::to_value(&element).unwrap()]).await;
        }
    }

    /// Presses keys with WebDriver key actions: each of `keys` down and up
    /// in turn, except `CONTROL`, which stays down until the end.
    #[allow(dead_code)]
    pub async fn press(&self, keys: &[char]) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for &key in keys {
            actions = actions.then(KeyAction::Down { value: key });
            if key != CONTROL {
                actions = actions.then(KeyAction::Up { value: key });
            }
        }
        if keys.contains(&CONTROL) {
            actions = actions.then(KeyAction::Up { value: CONTROL });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    pub async fn fill(&self, label: &str, value: &str) {
        let mut attempt = 0;
        loop {
            let field = self.field(label).await;
            let typed = match field.clear().await {
                // WebKitWebDriver refuses to send no keys at all.
                Ok(()) if !value.is_empty() => field.send_keys(value).await,
                other => other,
            };
            match typed {
                Ok(()) => return,
                Err(e) if attempt < RETRIES && not_interactable(&e) => attempt += 1,
                Err(e) => panic!("could not fill {label:?}: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Chooses `option` in the select labelled `label`, focusing it first as
    /// a user's click does: WebKit compares a choice with the value the list
    /// had when it got focus, and fires no `change` for the option last
    /// chosen before a script set another (tests/README.md).
    pub async fn choose(&self, label: &str, option: &str) {
        let mut attempt = 0;
        loop {
            let field = self.field(label).await;
            let focus = vec![serde_json::to_value(&field).unwrap()];
            let _ = self.client.execute("arguments[0].blur(); arguments[0].focus();", focus).await;
            match field.select_by_label(option).await {
                Ok(()) => return,
                Err(e) if attempt < RETRIES && not_interactable(&e) => attempt += 1,
                Err(e) => panic!("{label:?} has no option {option:?}: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn value_of(&self, label: &str) -> String {
        self.field(label).await.prop("value").await.unwrap().unwrap_or_default()
    }

    /// The button whose text reads `text`, with its tab selected.
    pub async fn button(&self, text: &str) -> Element {
        let xpath = format!("//button[normalize-space(.)='{text}']");
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?}: {e}"));
        self.revealed(&xpath).await
    }

    /// Selects the tab whose text starts with `name` ("Redirects 1").
    pub async fn click_tab(&self, name: &str) {
        let xpath = format!("//*[@role='tab'][starts-with(normalize-space(.), '{name}')]");
        let tab = self.client.wait().at_most(WAIT).for_element(Locator::XPath(&xpath)).await;
        tab.unwrap_or_else(|e| panic!("no tab {name:?}: {e}")).click().await.unwrap();
    }

    pub async fn click(&self, text: &str) {
        let mut attempt = 0;
        loop {
            match self.button(text).await.click().await {
                Ok(()) => return,
                Err(e) if attempt < RETRIES && not_interactable(&e) => attempt += 1,
                Err(e) => panic!("could not click {text:?}: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The visible text of the element with `id`, once `ready` accepts it.
    pub async fn text_when(&self, id: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Id(id)).await {
                let _ = self.client.execute(REVEAL, vec![serde_json::to_value(&element).unwrap()]).await;
                last = element.text().await.unwrap_or_default();
                if ready(&last) {
                    return last;
                }
            }
            if started.elapsed() >= WAIT {
                let said = self.what_the_window_says().await;
                panic!("#{id} never showed {what}; last text: {last:?}\n{said}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The window's visible error panels, notices and progress line, for a
    /// failing test's message: what the user would have read.
    pub async fn what_the_window_says(&self) -> String {
        let script = "return ['error', 'response-error', 'notices', 'progress']\
            .map((id) => document.getElementById(id))\
            .filter((el) => el && el.offsetParent !== null && el.innerText.trim())\
            .map((el) => `#${el.id}: ${el.innerText.trim()}`).join('\\n') || 'no error, notice or progress shown';";
        let mut said = match self.client.execute(script, vec![]).await {
            Ok(value) => format!("the window says: {}", value.as_str().unwrap_or_default()),
            Err(e) => format!("the window could not be read: {e}"),
        };
        said.push_str(&self.what_other_windows_show().await);
        said
    }

    /// The address and text of every other open window (the login window),
    /// for a failing test's message; the current window stays selected.
    async fn what_other_windows_show(&self) -> String {
        let (Ok(current), Ok(windows)) = (self.client.window().await, self.client.windows().await) else {
            return String::new();
        };
        let mut shown = String::new();
        for other in windows.into_iter().filter(|w| *w != current) {
            if self.client.switch_to_window(other).await.is_err() {
                continue;
            }
            let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let text = self.client.execute("return document.body ? document.body.innerText : ''", vec![]).await;
            let text = text.ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let text: String = text.chars().take(600).collect();
            shown.push_str(&format!("\nanother window is open at {url}, showing: {}", text.trim()));
        }
        let _ = self.client.switch_to_window(current).await;
        shown
    }

    /// Settings: `label` set to `value`, saved, the dialog closed.
    pub async fn save_setting(&self, label: &str, value: &str) {
        self.click("Settings").await;
        self.fill(label, value).await;
        self.click("Save settings").await;
        self.text_when("settings-status", "Saved", |t| t == "Saved.").await;
        self.client.find(Locator::Id("settings-close")).await.unwrap().click().await.unwrap();
    }

    pub async fn is_enabled(&self, text: &str) -> bool {
        self.button(text).await.is_enabled().await.unwrap()
    }

    /// The profile bar's New: a profile named `name`, which becomes the
    /// current one (empty fields).
    pub async fn new_profile(&self, name: &str) {
        self.click("New").await;
        self.fill("Profile name", name).await;
        self.click("Create profile").await;
        let xpath = format!("//select[@id='profile']/option[normalize-space(.)='{name}']");
        let option = self.client.wait().at_most(WAIT).for_element(Locator::XPath(&xpath)).await;
        assert!(option.is_ok(), "the profile {name:?} was not created");
        self.profile_shown().await;
    }

    /// On the Sandbox profile, whose sandbox-filled fields are read-only:
    /// Duplicate to edit, and wait until the editable copy is shown.
    pub async fn duplicate_sandbox_to_edit(&self) {
        self.profile_shown().await;
        self.click("Duplicate to edit").await;
        let started = Instant::now();
        let script = "return !document.body.dataset.profileLoading && document.getElementById('sandbox-badge').hidden \
                      && !document.getElementById('token-url').readOnly;";
        while !self.client.execute(script, vec![]).await.ok().and_then(|v| v.as_bool()).unwrap_or(false) {
            assert!(started.elapsed() < WAIT, "the editable copy of the Sandbox profile was not shown within {WAIT:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.profile_shown().await;
    }

    /// Waits until the profile bar's dialogs are closed and the current
    /// profile fills every panel (after New, Duplicate, Delete, a switch).
    pub async fn profile_shown(&self) {
        let started = Instant::now();
        let script = "return !document.querySelector('dialog[open]') && !document.body.dataset.profileLoading;";
        while !self.client.execute(script, vec![]).await.ok().and_then(|v| v.as_bool()).unwrap_or(false) {
            assert!(started.elapsed() < WAIT, "the profile was not shown within {WAIT:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses Send (or `button`, e.g. Follow once) and waits until the
    /// response panel shows the answer; returns the status line. Fails with
    /// the panel's error when the request failed.
    pub async fn send_and_wait(&self) -> String {
        self.press_and_wait_for_response("Send").await
    }

    pub async fn press_and_wait_for_response(&self, button: &str) -> String {
        self.client
            .execute("delete document.body.dataset.responseShown;", vec![])
            .await
            .unwrap();
        self.click(button).await;
        let started = Instant::now();
        let script = "const e = document.getElementById('response-error'); \
                      return document.body.dataset.responseShown ? 'shown' : (e.hidden ? '' : 'error: ' + e.textContent);";
        loop {
            let state = self
                .client
                .execute(script, vec![])
                .await
                .unwrap()
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if state == "shown" {
                break;
            }
            assert!(!state.starts_with("error"), "{button} failed: {state}");
            assert!(started.elapsed() < WAIT, "no response shown within {WAIT:?} after {button}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.text_when("response-status", "a status", |t| !t.is_empty()).await
    }

    /// Ends the WebDriver session; dropping the app then stops the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// How many times a WebDriver session is tried, each with a new driver.
const LAUNCH_ATTEMPTS: u32 = 3;

/// Where the driver's stderr goes: `OC_E2E_DRIVER_LOG_DIR` when set (kept),
/// else the temporary folder (read back when the session cannot be made).
fn driver_log(port: u16) -> std::path::PathBuf {
    let dir = std::env::var("OC_E2E_DRIVER_LOG_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| std::env::temp_dir());
    dir.join(format!("driver-{port}.log"))
}

/// A WebDriver session with the app at `application`, through the
/// tauri-driver listening on `port`.
async fn connect(port: u16, application: &str) -> Result<Client, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("tauri:options".into(), json!({ "application": application }));
    let started = Instant::now();
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            match ClientBuilder::rustls()
                .expect("rustls is available")
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => return Ok(client),
                Err(e) if started.elapsed() > WAIT => return Err(e.to_string()),
                Err(_) => {}
            }
        } else if started.elapsed() > WAIT {
            return Err(format!("tauri-driver did not listen on port {port}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A new, empty folder under the test HOME for the app's config (its
/// profiles), used by no other launch. Under HOME, so the secret scan run
/// after the suite (tests/secrets_scan) reads it too.
pub fn fresh_config_home() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let home = std::env::var("HOME").expect("HOME is set");
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = format!("{home}/e2e-config/{}-{n}", std::process::id());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("could not create {dir}: {e}"));
    dir
}

/// The test identity server's settings, as `make test` exports them.
pub fn idp(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the suite with `make test`"))
}
