//! Access tokens revoked at the identity domain (by `jti`), shared with the
//! design-time host, which then refuses them like an expired token. Bounded:
//! a revoked token is remembered until it would have expired anyway.

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Revoked {
    /// `jti` → `exp` (seconds since the epoch).
    tokens: Mutex<HashMap<String, u64>>,
}

impl Revoked {
    pub fn revoke(&self, jti: &str, exp: u64, now: u64) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.retain(|_, until| *until > now);
        tokens.insert(jti.to_owned(), exp);
    }

    pub fn is_revoked(&self, jti: &str) -> bool {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(jti)
    }
}
