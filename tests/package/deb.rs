//! `apt install ./oauth-console_*.deb` as a user does it: dpkg installs the
//! package (apt-get -f adds any missing dependency), the installed binary
//! opens its window under Xvfb, and the package is removed again, also when
//! an assertion fails. Needs root or password-less sudo (CI runs as root).
//! The package is system-wide: test runs side by side take turns through a
//! lock file.

use crate::app::{fresh_config_home, App};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::Command;

/// Held while the package is installed, so that only one test run on this
/// machine installs and removes it at a time; released when dropped.
struct MachineTurn {
    _lock: File,
}

impl MachineTurn {
    fn take() -> MachineTurn {
        let path = std::env::temp_dir().join("oauth-console-package-test.lock");
        let file = File::create(&path)
            .unwrap_or_else(|e| panic!("could not open {}: {e}", path.display()));
        // SAFETY: flock(2) on a descriptor we own; blocks until our turn.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(rc, 0, "could not lock {}", path.display());
        MachineTurn { _lock: file }
    }
}

/// The package as `make package` names it (target/package/oauth-console_<version>_<arch>.deb).
fn deb_path() -> String {
    std::env::var("OC_PACKAGE_DEB")
        .unwrap_or_else(|_| panic!("OC_PACKAGE_DEB is not set: run the suite with `make test`, which builds the .deb first"))
}

/// `dpkg-deb -f DEB FIELD`.
fn field(deb: &str, name: &str) -> String {
    let output = Command::new("dpkg-deb")
        .args(["-f", deb, name])
        .output()
        .expect("dpkg-deb runs");
    assert!(
        output.status.success(),
        "dpkg-deb could not read {deb}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A command run as root: directly when we are root, else through `sudo -n`.
fn as_root(program: &str) -> Command {
    if is_root() {
        Command::new(program)
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", program]);
        sudo
    }
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Abbrev}", package])
        .output()
        .map(|o| o.stdout.starts_with(b"ii"))
        .unwrap_or(false)
}

/// The installed package, purged when dropped (also when the test panics).
struct Installed(String);

impl Drop for Installed {
    fn drop(&mut self) {
        let removed = as_root("dpkg").args(["--purge", &self.0]).status();
        if !matches!(removed, Ok(s) if s.success()) || is_installed(&self.0) {
            eprintln!(
                "package: could not remove {}; remove it with `apt remove {}`",
                self.0, self.0
            );
        }
    }
}

#[tokio::test]
async fn the_deb_installs_opens_its_window_and_is_removed() {
    let deb = deb_path();
    let sudo = || {
        Command::new("sudo")
            .args(["-n", "true"])
            .status()
            .is_ok_and(|s| s.success())
    };
    assert!(
        is_root() || sudo(),
        "installing a .deb needs root or password-less sudo (CI runs as root)"
    );
    assert!(
        Path::new(&deb).is_file(),
        "{deb} does not exist: `make package` builds it"
    );
    let package = field(&deb, "Package");
    assert_eq!(
        package, "oauth-console",
        "the package name users type in apt"
    );
    let depends = field(&deb, "Depends");
    assert!(
        depends.contains("libwebkit2gtk-4.1-0"),
        "apt must pull in WebKitGTK: Depends: {depends}"
    );
    let _turn = MachineTurn::take();
    assert!(
        !is_installed(&package),
        "{package} is already installed here; the test would replace and then remove it. Remove it first: apt remove {package}"
    );

    let dpkg = as_root("dpkg")
        .args(["--install", &deb])
        .status()
        .expect("dpkg runs");
    let installed = Installed(package.clone());
    if !dpkg.success() {
        // What `apt install ./file.deb` does: fetch the missing dependencies.
        let fixed = as_root("apt-get")
            .args([
                "-o",
                "DPkg::Lock::Timeout=120",
                "install",
                "--fix-broken",
                "--yes",
                "--no-install-recommends",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .expect("apt-get runs");
        assert!(
            fixed.success(),
            "apt-get -f install could not complete the installation of {deb}"
        );
    }
    assert!(
        is_installed(&package),
        "{package} is not installed after dpkg and apt-get -f"
    );

    let binary = "/usr/bin/oauth-console";
    assert!(Path::new(binary).is_file(), "the package installs {binary}");
    let desktop = std::fs::read_to_string("/usr/share/applications/oauth-console.desktop")
        .expect("the package installs a .desktop entry");
    assert!(desktop.contains("Name=OAuth Console"), "{desktop}");
    assert!(desktop.contains("Exec=oauth-console"), "{desktop}");
    let categories = desktop
        .lines()
        .find(|l| l.starts_with("Categories="))
        .unwrap_or_default();
    assert!(
        categories.contains("Development;") && categories.contains("Office;"),
        "menu categories: {categories}"
    );
    for size in ["32x32", "64x64", "128x128", "256x256@2", "512x512"] {
        let icon = format!("/usr/share/icons/hicolor/{size}/apps/oauth-console.png");
        assert!(
            Path::new(&icon).is_file(),
            "the package installs the {size} icon at {icon}"
        );
    }

    // A config folder of its own, as on a user's first launch.
    let config = fresh_config_home();
    let app = App::launch_with_env(binary, &[("XDG_CONFIG_HOME", &config)]).await;
    let title = app.client.title().await.expect("the window's title");
    assert_eq!(title, "OAuth Console", "the installed app's window");
    app.close().await;
    drop(installed);
    assert!(
        !is_installed(&package),
        "{package} is still installed after the test removed it"
    );
}
