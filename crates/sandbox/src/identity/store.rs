//! The identity domain's memory: sign-ins waiting for the user, issued
//! authorization codes and live refresh tokens. Everything expires by the
//! sandbox clock and is pruned on the next write, so memory stays bounded by
//! what is alive.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use super::pkce::Challenge;
use crate::scope::Scopes;

/// An authorization request shown as a sign-in page, waiting for the form.
#[derive(Clone, Debug)]
pub struct SignIn {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub challenge: Option<Challenge>,
    pub expires_at: SystemTime,
    /// What the sign-in answers with.
    pub response: ResponseType,
}

/// The `response_type` of an authorization request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseType {
    /// `code`: a code in the redirect's query.
    Code,
    /// `token` (Implicit): the access token in the redirect's fragment;
    /// `id_token token` adds an ID token.
    Token { id_token: bool },
}

/// An issued authorization code.
#[derive(Debug)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub username: String,
    pub scopes: Scopes,
    pub nonce: Option<String>,
    pub challenge: Option<Challenge>,
    /// When the user signed in, in seconds since the epoch (`auth_time`).
    pub auth_time: u64,
    pub expires_at: SystemTime,
    /// Exchanged already; a second exchange fails and revokes `family`.
    pub used: bool,
    /// The refresh-token family the exchange started, if any.
    pub family: Option<String>,
}

/// Whom a token speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The client itself (client credentials).
    Client,
    /// A user of the directory, by user name.
    User(String),
}

/// A live refresh token.
#[derive(Clone, Debug)]
pub struct RefreshGrant {
    pub client_id: String,
    pub subject: Subject,
    /// The scope of the original grant; every rotation keeps it.
    pub scopes: Scopes,
    pub expires_at: SystemTime,
    /// Shared by a refresh token and all the tokens that rotate from it.
    pub family: String,
}

/// How long expired codes and refresh tokens are remembered, so that using
/// one says "expired" rather than "unknown".
const REMEMBER_EXPIRED: Duration = Duration::from_secs(600);

#[derive(Debug, Default)]
pub struct GrantStore {
    pub sign_ins: HashMap<String, SignIn>,
    pub codes: HashMap<String, CodeGrant>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    /// Refresh tokens already exchanged, by token: their family and when
    /// they would have expired. Presenting one again revokes the family.
    pub rotated: HashMap<String, (String, SystemTime)>,
}

impl GrantStore {
    /// Forgets sign-ins that expired and codes and refresh tokens that
    /// expired a while ago.
    pub fn prune(&mut self, now: SystemTime) {
        let forget_before = now.checked_sub(REMEMBER_EXPIRED).unwrap_or(now);
        self.sign_ins.retain(|_, sign_in| sign_in.expires_at > now);
        self.codes.retain(|_, code| code.expires_at > forget_before);
        self.refresh_tokens
            .retain(|_, grant| grant.expires_at > forget_before);
        self.rotated
            .retain(|_, (_, expires_at)| *expires_at > forget_before);
    }

    /// Revokes every live refresh token of `family` (a code or refresh token
    /// was replayed, so the whole chain may be in the wrong hands).
    pub fn revoke_family(&mut self, family: &str) {
        self.refresh_tokens
            .retain(|_, grant| grant.family != family);
    }
}
