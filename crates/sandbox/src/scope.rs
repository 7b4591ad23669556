//! Which scopes the sandbox grants, and how Oracle writes them: a resource
//! scope is the instance's audience immediately followed by the scope's name
//! (`https://host:443urn:opc:resource:consumer::all`, `https://host:443/ic/api/`).
//! Inside the access token Oracle drops the audience (it is in `aud`) and
//! keeps the bare name, and so does the sandbox.

use crate::directory::AUDIENCE;

/// Integrations and developer APIs.
pub const CONSUMER_ALL: &str = "urn:opc:resource:consumer::all";
/// Developer APIs only.
pub const DEVELOPER_API: &str = "/ic/api/";
/// Asks for a refresh token.
pub const OFFLINE_ACCESS: &str = "offline_access";
/// Asks for an ID token.
pub const OPENID: &str = "openid";

/// The scopes of one request, in the order given, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

/// Why a requested scope cannot be granted; the message is the
/// `error_description` of an `invalid_scope` error.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScopeError {
    #[error(
        "no scope was requested; ask for {AUDIENCE}{CONSUMER_ALL} (the instance's audience \
         followed by urn:opc:resource:consumer::all), optionally with offline_access"
    )]
    Missing,
    #[error(
        "the scope '{0}' is not allowed: the scopes of the Oracle Integration resource are its \
         audience {AUDIENCE} followed by urn:opc:resource:consumer::all or /ic/api/ \
         (no space in between); offline_access and openid are also allowed"
    )]
    Unknown(String),
    #[error(
        "the scope '{0}' was not part of the original grant; a refresh may ask for the same \
         scope or less, never more"
    )]
    Broader(String),
}

impl Scopes {
    /// Parses a space-separated `scope` parameter and checks every entry.
    /// `None` or blank is [`ScopeError::Missing`].
    pub fn parse(requested: Option<&str>) -> Result<Scopes, ScopeError> {
        let mut scopes = Vec::<String>::new();
        for scope in requested
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
        {
            if !is_known(scope) {
                return Err(ScopeError::Unknown(scope.to_owned()));
            }
            if !scopes.iter().any(|seen| seen == scope) {
                scopes.push(scope.to_owned());
            }
        }
        if scopes.is_empty() {
            return Err(ScopeError::Missing);
        }
        Ok(Scopes(scopes))
    }

    /// The scopes of a refresh request: a subset of `self` (the original
    /// grant), or all of it when no `scope` was sent.
    pub fn narrow(&self, requested: Option<&str>) -> Result<Scopes, ScopeError> {
        if requested.is_none() {
            return Ok(self.clone());
        }
        let narrowed = Scopes::parse(requested)?;
        match narrowed.0.iter().find(|scope| !self.contains(scope)) {
            Some(broader) => Err(ScopeError::Broader(broader.clone())),
            None => Ok(narrowed),
        }
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|held| held == scope)
    }

    pub fn without(&self, scope: &str) -> Scopes {
        Scopes(
            self.0
                .iter()
                .filter(|held| *held != scope)
                .cloned()
                .collect(),
        )
    }

    /// The `scope` of the token response: as requested, space-separated.
    pub fn to_response(&self) -> String {
        self.0.join(" ")
    }

    /// The `scope` claim of the access token: resource scopes without the
    /// audience, as Oracle writes them.
    pub fn to_claim(&self) -> String {
        self.0
            .iter()
            .map(|scope| scope.strip_prefix(AUDIENCE).unwrap_or(scope))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn is_known(scope: &str) -> bool {
    match scope.strip_prefix(AUDIENCE) {
        Some(resource) => resource == CONSUMER_ALL || resource == DEVELOPER_API,
        None => scope == OFFLINE_ACCESS || scope == OPENID,
    }
}

/// Whether an access token's `scope` claim lets it call the developer APIs.
pub fn claim_allows_developer_api(claim: &str) -> bool {
    claim
        .split(' ')
        .any(|scope| scope == CONSUMER_ALL || scope == DEVELOPER_API)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> String {
        format!("{AUDIENCE}{CONSUMER_ALL}")
    }

    #[test]
    fn the_resource_scopes_need_the_audience_in_front() {
        assert!(Scopes::parse(Some(&all())).is_ok());
        assert_eq!(
            Scopes::parse(Some(CONSUMER_ALL)),
            Err(ScopeError::Unknown(CONSUMER_ALL.into()))
        );
        let spaced = format!("{AUDIENCE} {CONSUMER_ALL}");
        assert!(
            Scopes::parse(Some(&spaced)).is_err(),
            "a space splits the scope in two"
        );
    }

    #[test]
    fn a_blank_scope_is_missing() {
        assert_eq!(Scopes::parse(None), Err(ScopeError::Missing));
        assert_eq!(Scopes::parse(Some("   ")), Err(ScopeError::Missing));
    }

    #[test]
    fn the_claim_drops_the_audience_and_the_response_keeps_it() {
        let scopes = Scopes::parse(Some(&format!("{} offline_access {}", all(), all()))).unwrap();
        assert_eq!(scopes.to_response(), format!("{} offline_access", all()));
        assert_eq!(
            scopes.to_claim(),
            "urn:opc:resource:consumer::all offline_access"
        );
    }

    #[test]
    fn narrowing_refuses_a_scope_outside_the_grant() {
        let granted = Scopes::parse(Some(&format!("{} offline_access", all()))).unwrap();
        assert_eq!(granted.narrow(Some(&all())).unwrap().to_response(), all());
        let api = format!("{AUDIENCE}{DEVELOPER_API}");
        assert_eq!(
            granted.narrow(Some(&api)),
            Err(ScopeError::Broader(api.clone()))
        );
        assert_eq!(granted.narrow(None), Ok(granted.clone()));
    }

    #[test]
    fn developer_api_access_needs_one_of_the_two_resource_scopes() {
        assert!(claim_allows_developer_api("offline_access /ic/api/"));
        assert!(claim_allows_developer_api(CONSUMER_ALL));
        assert!(!claim_allows_developer_api("openid offline_access"));
    }
}
