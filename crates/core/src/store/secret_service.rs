//! The Secret Service (gnome-keyring, KWallet) on Linux, over one D-Bus
//! connection and one session for the app's whole run.
//!
//! Why not the `keyring` crate here: it opens a new D-Bus connection and a
//! new Secret Service session for every call (two for a write), and closes
//! them at once. gnome-keyring 42–50 has a race on exactly that pattern: a
//! call whose client record is not there (yet, or any more) aborts the whole
//! daemon (`gkd_secret_service_get_pkcs11_session: assertion 'client'
//! failed`, then `g_variant_new: expected GVariant of type 'v'`), taking
//! every application's secrets offline until it is restarted. This was seen
//! in this project's own test runs (tests/README.md, "The keychain session")
//! and is reported against several desktop apps. One long-lived connection,
//! used one call at a time, does not churn clients.
//!
//! Items carry the attributes the `keyring` crate writes (`service`,
//! `username`, `target=default`), so entries written by earlier versions are
//! found and replaced, and other platforms keep using `keyring`.

use super::vault::StoreFailure;
use dbus_secret_service::{EncryptionType, Error, SecretService};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// How long the keychain's own unlock prompt may stay up before the call
/// gives up (the vault stops waiting much earlier and keeps secrets for the
/// session; this only ends the prompt's hold on the connection).
const PROMPT_SECONDS: u64 = 120;

/// One connection, opened on first use and again after it broke (the
/// daemon restarted, the bus went away).
#[derive(Default)]
pub struct Connection {
    service: Mutex<Option<SecretService>>,
}

impl Connection {
    /// The value stored for `service`/`account`, if any.
    pub fn read(&self, service: &str, account: &str) -> Result<Option<String>, StoreFailure> {
        self.with(|ss| {
            let found = ss.search_items(search(service, account))?;
            let Some(item) = found.unlocked.first().or(found.locked.first()) else {
                return Ok(None);
            };
            if item.is_locked()? {
                item.unlock()?;
            }
            let bytes = item.get_secret()?;
            String::from_utf8(bytes).map(Some).map_err(|_| Error::Parse)
        })
    }

    /// Stores `value`, replacing what was there.
    pub fn write(&self, service: &str, account: &str, value: &str) -> Result<(), StoreFailure> {
        self.with(|ss| {
            let collection = ss.get_default_collection()?;
            if collection.is_locked()? {
                collection.unlock()?;
            }
            let mut attributes = search(service, account);
            attributes.insert("target", "default");
            let label = format!("{account}@{service} (OAuth Console)");
            collection.create_item(&label, attributes, value.as_bytes(), true, "text/plain")?;
            Ok(())
        })
    }

    /// Removes every item stored for `service`/`account`; nothing there is
    /// fine.
    pub fn remove(&self, service: &str, account: &str) -> Result<(), StoreFailure> {
        self.with(|ss| {
            let found = ss.search_items(search(service, account))?;
            for item in found.unlocked.iter().chain(found.locked.iter()) {
                item.delete()?;
            }
            Ok(())
        })
    }

    /// Runs `call` on the connection, one call at a time. A D-Bus error on a
    /// connection opened earlier (the daemon may have restarted since) is
    /// retried once on a new connection.
    fn with<T>(&self, call: impl Fn(&SecretService) -> Result<T, Error>) -> Result<T, StoreFailure> {
        let mut service = self.lock();
        let reused = service.is_some();
        let ss = match service.take() {
            Some(ss) => ss,
            None => connect()?,
        };
        match call(&ss) {
            Ok(value) => {
                *service = Some(ss);
                Ok(value)
            }
            Err(Error::Dbus(_)) if reused => {
                drop(ss);
                let ss = connect()?;
                let outcome = call(&ss).map_err(failure);
                *service = Some(ss);
                outcome
            }
            Err(e) => {
                *service = Some(ss);
                Err(failure(e))
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<SecretService>> {
        self.service.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn search<'a>(service: &'a str, account: &'a str) -> HashMap<&'a str, &'a str> {
    HashMap::from([("service", service), ("username", account)])
}

fn connect() -> Result<SecretService, StoreFailure> {
    SecretService::connect_with_max_prompt_timeout(EncryptionType::Dh, PROMPT_SECONDS).map_err(|e| match e {
        Error::Dbus(e) => StoreFailure::Unavailable(format!(
            "no keychain could be reached ({})",
            e.message().unwrap_or("no D-Bus session")
        )),
        other => failure(other),
    })
}

fn failure(error: Error) -> StoreFailure {
    match error {
        Error::Unavailable => StoreFailure::Unavailable("no keychain could be reached (no Secret Service on this session)".into()),
        Error::Dbus(e) => StoreFailure::Unavailable(format!(
            "no keychain could be reached ({})",
            e.message().unwrap_or("the Secret Service did not answer")
        )),
        Error::Locked | Error::Prompt => {
            StoreFailure::Unavailable("the keychain is locked or refused access (its unlock prompt was dismissed)".into())
        }
        other => StoreFailure::Failed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_service_errors_map_to_unavailable_or_failed() {
        let locked = failure(Error::Locked);
        assert!(matches!(locked, StoreFailure::Unavailable(r) if r.contains("locked")));
        let dismissed = failure(Error::Prompt);
        assert!(matches!(dismissed, StoreFailure::Unavailable(r) if r.contains("locked")));
        let missing = failure(Error::Unavailable);
        assert!(matches!(missing, StoreFailure::Unavailable(r) if r.contains("no keychain")));
        assert!(matches!(failure(Error::Parse), StoreFailure::Failed(_)));
    }

    #[test]
    fn without_a_session_bus_the_keychain_is_unavailable_not_an_error() {
        // A connection is made on the first call; point it at no bus at all
        // in a child process, so this test's own environment is untouched.
        if std::env::var_os("OC_SECRET_SERVICE_NO_BUS_CHILD").is_some() {
            let connection = Connection::default();
            let outcome = connection.read("dev.oauthconsole.test", "nobody");
            assert!(
                matches!(&outcome, Err(StoreFailure::Unavailable(r)) if r.contains("no keychain could be reached")),
                "{outcome:?}"
            );
            return;
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "store::secret_service::tests::without_a_session_bus_the_keychain_is_unavailable_not_an_error", "--nocapture"])
            .env("OC_SECRET_SERVICE_NO_BUS_CHILD", "1")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/oauth-console-test-bus")
            .output()
            .unwrap();
        assert!(
            output.status.success() && String::from_utf8_lossy(&output.stdout).contains("1 passed"),
            "the child without a bus failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
