//! A keychain of one test's own: a private D-Bus session bus with its own
//! unlocked gnome-keyring, which the test may kill without touching the
//! suite's keychain (scripts/test-session.sh). The bus has no activatable
//! services, so once the daemon is killed nothing starts another one: the
//! Secret Service is simply gone, as when a user's keyring daemon crashes.
//! Both processes are stopped by their PIDs when this is dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PrivateKeychain {
    /// `DBUS_SESSION_BUS_ADDRESS` of the private bus.
    pub address: String,
    bus: Child,
    keyring: Option<Child>,
    dir: PathBuf,
}

impl PrivateKeychain {
    /// A bus and an unlocked keyring in a folder under the test HOME (so
    /// the secret scan reads it too), answering before this returns.
    pub fn start(name: &str) -> PrivateKeychain {
        let home = std::env::var("HOME").expect("HOME is set");
        let dir = PathBuf::from(home).join("private-keychain").join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["run", "home"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        std::fs::set_permissions(dir.join("run"), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.join("run").display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus) starts");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:"), "the private bus printed its address: {address:?}");

        let mut keychain = PrivateKeychain { address, bus, keyring: None, dir };
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &keychain.address)
            .env("HOME", keychain.dir.join("home"))
            .env("XDG_DATA_HOME", keychain.dir.join("home/.local/share"))
            .env("XDG_RUNTIME_DIR", keychain.dir.join("run"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (package gnome-keyring) starts");
        // The test keyring's password, then end of input.
        keyring.stdin.take().unwrap().write_all(b"private-test-keyring-password").unwrap();
        // In the foreground the daemon closes its standard output once it is
        // initialised.
        let mut printed = String::new();
        keyring.stdout.take().unwrap().read_to_string(&mut printed).unwrap();
        keychain.keyring = Some(keyring);
        let started = Instant::now();
        while !keychain.answers() {
            assert!(started.elapsed() < Duration::from_secs(20), "the private keyring did not answer within 20 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        keychain
    }

    /// `secret-tool` on the private bus.
    pub fn secret_tool(&self, args: &[&str]) -> std::process::Output {
        Command::new("timeout")
            .arg("5")
            .arg("secret-tool")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("secret-tool (package libsecret-tools) runs")
    }

    /// Whether the Secret Service on the private bus answers a lookup.
    pub fn answers(&self) -> bool {
        let output = self.secret_tool(&["lookup", "service", "oc-test-probe", "probe", "private"]);
        output.status.code() == Some(0) || (output.status.code() == Some(1) && output.stderr.is_empty())
    }

    /// Every entry OAuth Console keeps in the private keychain, as
    /// `secret-tool search` prints their attributes (no values).
    pub fn app_entries(&self) -> String {
        let output = self.secret_tool(&["search", "--all", "service", "dev.oauthconsole.desktop"]);
        // The attributes are printed on stderr, the values on stdout.
        String::from_utf8_lossy(&output.stderr).into_owned()
    }

    /// Kills the keyring daemon (SIGKILL, by its PID), as a crash would.
    pub fn kill_keyring(&mut self) {
        if let Some(mut keyring) = self.keyring.take() {
            keyring.kill().unwrap();
            keyring.wait().unwrap();
        }
        assert!(!self.answers(), "with its daemon gone, the private Secret Service no longer answers");
    }
}

impl Drop for PrivateKeychain {
    fn drop(&mut self) {
        if let Some(mut keyring) = self.keyring.take() {
            let _ = keyring.kill();
            let _ = keyring.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
