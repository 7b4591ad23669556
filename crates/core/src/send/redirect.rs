//! The redirect rules of the sender, as pure functions: which method and body
//! the next hop gets, and whether the credentials (Authorization, Cookie,
//! Proxy-Authorization) go along to it.
//!
//! OIC answers calls on the runtime host with a redirect to the design-time
//! host; a client that drops Authorization there gets 401, and one that keeps
//! it everywhere hands the token to whatever host a redirect names. The rule:
//! the credentials go along only when the scheme is not downgraded (https to
//! http never, nor plain http to another computer) and the next hop has the
//! same origin (scheme, host and port, as curl treats it) or, with the
//! setting "Trusted hosts", matches a trusted entry, or the setting is "Any
//! host". Once dropped, they stay dropped for the rest of the chain.
//!
//! Nothing here touches the network.

use crate::error::{Error, Result};
use crate::http::is_loopback;
use serde::{Deserialize, Serialize};
use std::fmt;
use url::{Host, Url};

/// The most redirects the sender follows; the next one ends the request.
pub const MAX_REDIRECTS: usize = 10;

/// The domain trusted out of the box: Oracle Cloud's hosts, over https.
pub const ORACLE_CLOUD: &str = "oraclecloud.com";

/// The setting "Follow Authorization header".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FollowAuthorization {
    /// Only to the same origin (what curl `--location` does).
    Off,
    /// Also to the trusted hosts.
    #[default]
    Trusted,
    /// To any host that is not a downgrade to plain http. Unsafe: a redirect
    /// hands the token to whoever it names.
    Any,
}

/// One entry of the trusted-host list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustedHost {
    /// `oraclecloud.com`: the domain and its subdomains, over https, any port.
    Domain(String),
    /// `127.0.0.1:8082`: this host and this port exactly, http or https.
    HostPort { host: String, port: u16 },
}

impl TrustedHost {
    /// Reads an entry as the user typed it: `example.com`, `*.example.com`,
    /// `host:port`, `[::1]:8082`, or a URL whose host (and explicit port) is
    /// taken.
    pub fn parse(entry: &str) -> Result<TrustedHost> {
        let original = entry.trim();
        let invalid = |reason: &str| Error::InvalidTrustedHost {
            entry: original.to_owned(),
            reason: reason.to_owned(),
        };
        if original.is_empty() {
            return Err(invalid("it is empty"));
        }
        let mut rest = original;
        if let Some((scheme, after)) = rest.split_once("://") {
            if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
                return Err(invalid("only http and https URLs can be trusted"));
            }
            rest = after;
        }
        let rest = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if rest.contains('@') {
            return Err(invalid("write the host without a user name"));
        }
        let rest = rest.strip_prefix("*.").unwrap_or(rest);
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        let (host, port) = split_port(rest).map_err(|reason| invalid(&reason))?;
        if host.contains('*') {
            return Err(invalid(
                "a wildcard is only allowed at the start, as in *.example.com",
            ));
        }
        let parsed =
            Host::parse(host).map_err(|e| invalid(&format!("the host is not valid ({e})")))?;
        let host = match &parsed {
            Host::Ipv6(ip) => format!("[{ip}]"),
            // As URLs are compared: without the root's trailing dot.
            Host::Domain(name) => name.strip_suffix('.').unwrap_or(name).to_owned(),
            other => other.to_string(),
        };
        if host.is_empty() || host.split('.').any(str::is_empty) {
            return Err(invalid(
                "a host name has no empty labels (nothing between two dots)",
            ));
        }
        match port {
            Some(port) => Ok(TrustedHost::HostPort { host, port }),
            None => match parsed {
                Host::Domain(_) if !host.contains('.') && host != "localhost" => Err(invalid(
                    "a domain must have at least two labels (such as oraclecloud.com); a single label would trust too much",
                )),
                _ => Ok(TrustedHost::Domain(host)),
            },
        }
    }

    /// Whether `url` is covered by this entry.
    pub fn matches(&self, url: &Url) -> bool {
        let Some(host) = url_host(url) else {
            return false;
        };
        match self {
            TrustedHost::Domain(domain) => {
                url.scheme() == "https"
                    && (host == *domain || host.ends_with(&format!(".{domain}")))
            }
            TrustedHost::HostPort {
                host: trusted,
                port,
            } => host == *trusted && url.port_or_known_default() == Some(*port),
        }
    }
}

impl fmt::Display for TrustedHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustedHost::Domain(domain) => f.write_str(domain),
            TrustedHost::HostPort { host, port } => write!(f, "{host}:{port}"),
        }
    }
}

/// Splits `host[:port]`; a bare IPv6 address (several colons, no brackets)
/// has no port.
fn split_port(value: &str) -> std::result::Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(inside) = value.strip_prefix('[') {
        let (address, after) = inside.split_once(']').ok_or("a [ has no matching ]")?;
        let port = match after {
            "" => None,
            other => Some(other.strip_prefix(':').ok_or("write [address]:port")?),
        };
        return parse_port(port).map(|port| (&value[..address.len() + 2], port));
    } else if value.matches(':').count() == 1 {
        let (host, port) = value.split_once(':').unwrap_or((value, ""));
        (host, Some(port))
    } else {
        (value, None)
    };
    parse_port(port).map(|port| (host, port))
}

fn parse_port(port: Option<&str>) -> std::result::Result<Option<u16>, String> {
    match port {
        None => Ok(None),
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 => Ok(Some(port)),
            _ => Err(format!("\"{text}\" is not a port (1-65535)")),
        },
    }
}

/// The URL's host as trusted entries write it: lower case, IPv6 in brackets.
fn url_host(url: &Url) -> Option<String> {
    match url.host()? {
        Host::Domain(domain) => Some(domain.trim_end_matches('.').to_ascii_lowercase()),
        Host::Ipv4(ip) => Some(ip.to_string()),
        Host::Ipv6(ip) => Some(format!("[{ip}]")),
    }
}

/// The list a new profile starts with: `oraclecloud.com` and the profile's
/// design-time host (as `host:port` when it is plain http or has an explicit
/// port, such as the sandbox's `127.0.0.1:41234`).
pub fn default_trusted_hosts(design_url: Option<&str>) -> Vec<String> {
    let mut hosts = vec![ORACLE_CLOUD.to_owned()];
    let design = design_url.and_then(|u| Url::parse(u.trim()).ok());
    if let Some((url, host)) = design.as_ref().and_then(|u| url_host(u).map(|h| (u, h))) {
        let entry = match (url.scheme(), url.port()) {
            ("https", None) => host,
            _ => match url.port_or_known_default() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            },
        };
        let covered = TrustedHost::parse(ORACLE_CLOUD)
            .is_ok_and(|oracle| oracle.matches(url) && url.port().is_none());
        if !covered && !hosts.contains(&entry) {
            hosts.push(entry);
        }
    }
    hosts
}

/// The forwarding setting and the parsed trusted hosts of one request.
#[derive(Debug, Clone)]
pub struct RedirectPolicy {
    follow: FollowAuthorization,
    trusted: Vec<TrustedHost>,
}

impl RedirectPolicy {
    /// Blank entries are skipped; an invalid one is an error naming it.
    pub fn new(follow: FollowAuthorization, trusted_hosts: &[String]) -> Result<RedirectPolicy> {
        let trusted = trusted_hosts
            .iter()
            .filter(|entry| !entry.trim().is_empty())
            .map(|entry| TrustedHost::parse(entry))
            .collect::<Result<Vec<_>>>()?;
        Ok(RedirectPolicy { follow, trusted })
    }

    /// Whether credentials sent to `from` may go along to `to`, and why.
    pub fn decide(&self, from: &Url, to: &Url) -> Forwarding {
        if !matches!(to.scheme(), "http" | "https") {
            return Forwarding::NotHttp;
        }
        if from.scheme() == "https" && to.scheme() == "http" {
            return Forwarding::Downgrade;
        }
        if to.scheme() == "http" && !is_loopback(to) {
            return Forwarding::PlainHttp;
        }
        if from.origin() == to.origin() {
            return Forwarding::SameOrigin;
        }
        match self.follow {
            FollowAuthorization::Off => Forwarding::Off,
            FollowAuthorization::Any => Forwarding::AnyHost,
            FollowAuthorization::Trusted if self.trusted.iter().any(|t| t.matches(to)) => {
                Forwarding::TrustedHost
            }
            FollowAuthorization::Trusted => Forwarding::Untrusted,
        }
    }
}

/// What happened to the credentials on one hop of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Forwarding {
    /// The first request, with credentials.
    Sent,
    /// The request had no Authorization, Cookie or Proxy-Authorization.
    NotSet,
    SameOrigin,
    TrustedHost,
    AnyHost,
    Off,
    Untrusted,
    Downgrade,
    PlainHttp,
    /// The next address is not http(s) (such a redirect is never followed).
    NotHttp,
    /// Dropped at an earlier hop; never added back.
    DroppedEarlier,
}

impl Forwarding {
    /// Whether the credentials were on this hop's request.
    pub fn forwarded(self) -> bool {
        matches!(
            self,
            Forwarding::Sent
                | Forwarding::SameOrigin
                | Forwarding::TrustedHost
                | Forwarding::AnyHost
        )
    }

    /// Whether the credentials went to an origin other than the previous hop's.
    pub fn crossed_origin(self) -> bool {
        matches!(self, Forwarding::TrustedHost | Forwarding::AnyHost)
    }

    /// The words the redirect chain shows.
    pub fn describe(self) -> &'static str {
        match self {
            Forwarding::Sent => "sent",
            Forwarding::NotSet => "no Authorization header",
            Forwarding::SameOrigin => "forwarded (same origin)",
            Forwarding::TrustedHost => "forwarded (trusted host)",
            Forwarding::AnyHost => "forwarded (any host — unsafe)",
            Forwarding::Off => "not forwarded (forwarding is off)",
            Forwarding::Untrusted => "not forwarded (untrusted host)",
            Forwarding::Downgrade => "not forwarded (https→http)",
            Forwarding::PlainHttp => "not forwarded (plain http to another computer)",
            Forwarding::NotHttp => "not forwarded (not an http or https address)",
            Forwarding::DroppedEarlier => "not forwarded (dropped at an earlier redirect)",
        }
    }
}

/// Why a redirect was stopped instead of followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// From https to plain http on another computer: whatever the request
    /// carries would cross the network in clear text.
    Downgrade,
    /// A 307/308 would resend the request body to a host that does not get
    /// the credentials: the body was written for the first host.
    BodyWithoutCredentials,
    /// The Location is not an http(s) URL (`javascript:`, `file:`, `data:`,
    /// ...): never opened.
    Scheme,
}

impl StopReason {
    /// Whether the UI may offer to follow the hop once, without credentials.
    pub fn can_follow_once(self) -> bool {
        !matches!(self, StopReason::Scheme)
    }
}

/// A redirect the sender did not follow, for the Redirects tab: where it
/// pointed, why it stopped, and whether "follow once without credentials"
/// may be offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoppedRedirect {
    pub method: String,
    /// The resolved Location (for a refused scheme, only `scheme:`).
    pub url: String,
    pub reason: StopReason,
    pub message: String,
    pub can_follow_once: bool,
}

impl StoppedRedirect {
    pub fn new(reason: StopReason, method: &http::Method, url: String, message: String) -> Self {
        StoppedRedirect {
            method: method.to_string(),
            url,
            reason,
            message,
            can_follow_once: reason.can_follow_once(),
        }
    }
}

/// Whether the redirect from `from` to `to` must stop before it is sent.
/// `resends_body` is true when the next hop would carry a request body (a
/// 307/308 of a request with a body); `credentials_dropped` when the
/// request had credentials and they do not go to `to` (see
/// [`RedirectPolicy::decide`]).
pub fn stop_reason(
    from: &Url,
    to: &Url,
    resends_body: bool,
    credentials_dropped: bool,
) -> Option<StopReason> {
    if !matches!(to.scheme(), "http" | "https") {
        return Some(StopReason::Scheme);
    }
    if from.scheme() == "https" && to.scheme() == "http" && !is_loopback(to) {
        return Some(StopReason::Downgrade);
    }
    if resends_body && credentials_dropped {
        return Some(StopReason::BodyWithoutCredentials);
    }
    None
}

/// The method of the next hop, and whether the body goes along, for a
/// redirect `status`; `None` when the status is not a redirect to follow.
/// 301/302 switch to GET without a body except on GET and HEAD; 303 switches
/// to GET (HEAD stays HEAD); 307/308 keep the method and the body.
pub fn next_method(status: u16, method: &http::Method) -> Option<(http::Method, bool)> {
    use http::Method;
    match status {
        301 | 302 if *method == Method::GET || *method == Method::HEAD => {
            Some((method.clone(), true))
        }
        301..=303 if *method == Method::HEAD => Some((Method::HEAD, false)),
        301..=303 => Some((Method::GET, false)),
        307 | 308 => Some((method.clone(), true)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn policy(follow: FollowAuthorization, trusted: &[&str]) -> RedirectPolicy {
        let trusted: Vec<String> = trusted.iter().map(|s| s.to_string()).collect();
        RedirectPolicy::new(follow, &trusted).unwrap()
    }

    const RUNTIME: &str = "https://oic-x-rt.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/connections";
    const DESIGN: &str = "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/connections";

    #[test]
    fn the_oracle_runtime_to_design_time_redirect_forwards_to_a_trusted_domain() {
        let p = policy(FollowAuthorization::Trusted, &["oraclecloud.com"]);
        assert_eq!(
            p.decide(&url(RUNTIME), &url(DESIGN)),
            Forwarding::TrustedHost
        );
    }

    #[test]
    fn a_domain_entry_matches_itself_and_subdomains_but_not_lookalikes() {
        let t = TrustedHost::parse("oraclecloud.com").unwrap();
        assert!(t.matches(&url("https://oraclecloud.com/x")));
        assert!(t.matches(&url("https://a.b.oraclecloud.com/x")));
        assert!(
            t.matches(&url("https://A.OracleCloud.com:8443/x")),
            "any port, any case"
        );
        assert!(
            !t.matches(&url("https://evil-oraclecloud.com/x")),
            "a suffix is not a subdomain"
        );
        assert!(!t.matches(&url("https://oraclecloud.com.evil.example/x")));
    }

    #[test]
    fn a_domain_entry_trusts_https_only() {
        let t = TrustedHost::parse("oraclecloud.com").unwrap();
        assert!(!t.matches(&url("http://design.oraclecloud.com/x")));
    }

    #[test]
    fn trusting_one_port_does_not_trust_the_next_one() {
        let t = TrustedHost::parse("127.0.0.1:8082").unwrap();
        assert!(t.matches(&url("http://127.0.0.1:8082/ic/api/")));
        assert!(t.matches(&url("https://127.0.0.1:8082/ic/api/")));
        assert!(!t.matches(&url("http://127.0.0.1:8083/ic/api/")));
        assert!(
            !t.matches(&url("http://localhost:8082/ic/api/")),
            "another name is another host"
        );
    }

    #[test]
    fn a_host_port_entry_compares_the_default_port_of_the_scheme() {
        let t = TrustedHost::parse("design.example.com:443").unwrap();
        assert!(t.matches(&url("https://design.example.com/x")));
        assert!(
            !t.matches(&url("https://sub.design.example.com/x")),
            "host:port is exact, no subdomains"
        );
    }

    #[test]
    fn entries_are_read_the_way_people_write_them() {
        assert_eq!(
            TrustedHost::parse(" *.OracleCloud.com ").unwrap(),
            TrustedHost::Domain("oraclecloud.com".into())
        );
        assert_eq!(
            TrustedHost::parse(".oraclecloud.com").unwrap(),
            TrustedHost::Domain("oraclecloud.com".into())
        );
        assert_eq!(
            TrustedHost::parse("oraclecloud.com.").unwrap(),
            TrustedHost::Domain("oraclecloud.com".into()),
            "the trailing dot of a fully qualified name"
        );
        assert_eq!(
            TrustedHost::parse("https://design.example.com:8443/ic/api/").unwrap(),
            TrustedHost::HostPort {
                host: "design.example.com".into(),
                port: 8443
            }
        );
        assert_eq!(
            TrustedHost::parse("[::1]:8082").unwrap(),
            TrustedHost::HostPort {
                host: "[::1]".into(),
                port: 8082
            }
        );
        assert!(TrustedHost::parse("[::1]:8082")
            .unwrap()
            .matches(&url("http://[::1]:8082/")));
        assert_eq!(
            TrustedHost::parse("localhost").unwrap(),
            TrustedHost::Domain("localhost".into())
        );
        assert_eq!(
            TrustedHost::parse("127.0.0.1:8082").unwrap().to_string(),
            "127.0.0.1:8082"
        );
    }

    #[test]
    fn entries_that_would_trust_too_much_or_make_no_sense_are_refused() {
        for entry in [
            "",
            "com",
            "*",
            "a.*.example.com",
            "example.com:0",
            "example.com:99999",
            "ftp://example.com",
            "user@example.com",
            "[::1",
            "..",
            ".",
            "a..example.com",
            "Σ..",
            "example..",
        ] {
            let err = TrustedHost::parse(entry).unwrap_err();
            assert_eq!(
                err.code(),
                "invalid_trusted_host",
                "{entry:?} must be refused, got {err:?}"
            );
        }
        let err = RedirectPolicy::new(
            FollowAuthorization::Trusted,
            &["oraclecloud.com".into(), "com".into()],
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("\"com\""),
            "the message names the entry: {err}"
        );
    }

    #[test]
    fn blank_entries_are_skipped() {
        let p =
            RedirectPolicy::new(FollowAuthorization::Trusted, &["".into(), "  ".into()]).unwrap();
        assert!(p.trusted.is_empty());
    }

    #[test]
    fn the_same_origin_always_gets_the_credentials() {
        for follow in [
            FollowAuthorization::Off,
            FollowAuthorization::Trusted,
            FollowAuthorization::Any,
        ] {
            let p = policy(follow, &[]);
            assert_eq!(
                p.decide(
                    &url("https://a.example.com/x"),
                    &url("https://a.example.com:443/y?z")
                ),
                Forwarding::SameOrigin
            );
        }
    }

    #[test]
    fn another_port_on_the_same_host_is_another_origin() {
        let p = policy(FollowAuthorization::Trusted, &["127.0.0.1:8082"]);
        assert_eq!(
            p.decide(
                &url("http://127.0.0.1:8081/a"),
                &url("http://127.0.0.1:8083/a")
            ),
            Forwarding::Untrusted
        );
        assert_eq!(
            p.decide(
                &url("http://127.0.0.1:8081/a"),
                &url("http://127.0.0.1:8082/a")
            ),
            Forwarding::TrustedHost
        );
    }

    #[test]
    fn a_downgrade_to_http_never_gets_the_credentials_even_when_trusted_or_any() {
        for follow in [FollowAuthorization::Trusted, FollowAuthorization::Any] {
            let p = policy(follow, &["127.0.0.1:8082"]);
            assert_eq!(
                p.decide(
                    &url("https://127.0.0.1:8082/a"),
                    &url("http://127.0.0.1:8082/a")
                ),
                Forwarding::Downgrade
            );
        }
    }

    #[test]
    fn plain_http_to_another_computer_never_gets_the_credentials() {
        let p = policy(FollowAuthorization::Any, &[]);
        assert_eq!(
            p.decide(
                &url("http://127.0.0.1:8081/a"),
                &url("http://example.com/a")
            ),
            Forwarding::PlainHttp
        );
    }

    #[test]
    fn off_keeps_the_credentials_on_the_same_origin_only() {
        let p = policy(FollowAuthorization::Off, &["oraclecloud.com"]);
        assert_eq!(p.decide(&url(RUNTIME), &url(DESIGN)), Forwarding::Off);
    }

    #[test]
    fn any_host_forwards_to_a_foreign_https_host_and_says_it_is_unsafe() {
        let p = policy(FollowAuthorization::Any, &[]);
        let decision = p.decide(&url(RUNTIME), &url("https://elsewhere.example/x"));
        assert_eq!(decision, Forwarding::AnyHost);
        assert!(decision.describe().contains("unsafe"));
    }

    #[test]
    fn an_untrusted_foreign_host_does_not_get_the_credentials() {
        let p = policy(FollowAuthorization::Trusted, &["oraclecloud.com"]);
        let decision = p.decide(&url(RUNTIME), &url("https://elsewhere.example/x"));
        assert_eq!(decision, Forwarding::Untrusted);
        assert_eq!(decision.describe(), "not forwarded (untrusted host)");
        assert!(!decision.forwarded());
    }

    #[test]
    fn each_decision_reads_as_the_chain_shows_it() {
        assert_eq!(Forwarding::SameOrigin.describe(), "forwarded (same origin)");
        assert_eq!(
            Forwarding::TrustedHost.describe(),
            "forwarded (trusted host)"
        );
        assert_eq!(
            Forwarding::Downgrade.describe(),
            "not forwarded (https→http)"
        );
        assert_eq!(
            Forwarding::Off.describe(),
            "not forwarded (forwarding is off)"
        );
        assert_eq!(
            Forwarding::AnyHost.describe(),
            "forwarded (any host — unsafe)"
        );
        assert_eq!(
            serde_json::to_value(Forwarding::TrustedHost).unwrap(),
            "trusted_host"
        );
    }

    #[test]
    fn the_default_list_is_oracle_cloud_plus_the_design_time_host() {
        assert_eq!(default_trusted_hosts(None), ["oraclecloud.com"]);
        assert_eq!(
            default_trusted_hosts(Some("http://127.0.0.1:41234")),
            ["oraclecloud.com", "127.0.0.1:41234"]
        );
        assert_eq!(
            default_trusted_hosts(Some(
                "https://design.integration.us-phoenix-1.ocp.oraclecloud.com"
            )),
            ["oraclecloud.com"],
            "an Oracle Cloud design host is already covered"
        );
        assert_eq!(
            default_trusted_hosts(Some("https://oic.corp.example:8443/ic/home")),
            ["oraclecloud.com", "oic.corp.example:8443"]
        );
        assert_eq!(
            default_trusted_hosts(Some("https://oic.corp.example")),
            ["oraclecloud.com", "oic.corp.example"]
        );
    }

    #[test]
    fn the_follow_setting_reads_the_ui_words() {
        let values: Vec<FollowAuthorization> =
            serde_json::from_str(r#"["off","trusted","any"]"#).unwrap();
        assert_eq!(
            values,
            [
                FollowAuthorization::Off,
                FollowAuthorization::Trusted,
                FollowAuthorization::Any
            ]
        );
        assert_eq!(FollowAuthorization::default(), FollowAuthorization::Trusted);
    }

    #[test]
    fn see_other_switches_to_get_without_a_body() {
        assert_eq!(next_method(303, &Method::POST), Some((Method::GET, false)));
        assert_eq!(next_method(303, &Method::PUT), Some((Method::GET, false)));
        assert_eq!(next_method(303, &Method::HEAD), Some((Method::HEAD, false)));
    }

    #[test]
    fn moved_and_found_switch_to_get_except_for_get_and_head() {
        for status in [301, 302] {
            assert_eq!(
                next_method(status, &Method::POST),
                Some((Method::GET, false))
            );
            assert_eq!(
                next_method(status, &Method::DELETE),
                Some((Method::GET, false))
            );
            assert_eq!(next_method(status, &Method::GET), Some((Method::GET, true)));
            assert_eq!(
                next_method(status, &Method::HEAD),
                Some((Method::HEAD, true))
            );
        }
    }

    #[test]
    fn temporary_and_permanent_redirects_keep_the_method_and_the_body() {
        for status in [307, 308] {
            assert_eq!(
                next_method(status, &Method::POST),
                Some((Method::POST, true))
            );
            assert_eq!(
                next_method(status, &Method::PATCH),
                Some((Method::PATCH, true))
            );
        }
    }

    #[test]
    fn other_statuses_are_not_followed() {
        for status in [200, 300, 304, 305, 306, 400] {
            assert_eq!(next_method(status, &Method::GET), None, "{status}");
        }
    }

    #[test]
    fn a_downgrade_to_another_computer_stops_but_one_to_this_computer_does_not() {
        let from = url("https://oic.example.com/a");
        assert_eq!(
            stop_reason(&from, &url("http://oic.example.com/b"), false, false),
            Some(StopReason::Downgrade)
        );
        for local in [
            "http://127.0.0.1:8080/b",
            "http://localhost:8080/b",
            "http://[::1]/b",
        ] {
            assert_eq!(
                stop_reason(&from, &url(local), false, true),
                None,
                "{local}"
            );
        }
        assert_eq!(
            stop_reason(
                &url("http://127.0.0.1/a"),
                &url("http://example.com/b"),
                false,
                false
            ),
            None,
            "plain http to plain http is no downgrade (the credentials rule drops them)"
        );
    }

    #[test]
    fn a_body_stops_only_where_the_credentials_were_dropped() {
        let (a, b) = (
            url("https://a.example.com/x"),
            url("https://b.example.com/y"),
        );
        assert_eq!(
            stop_reason(&a, &b, true, true),
            Some(StopReason::BodyWithoutCredentials)
        );
        assert_eq!(
            stop_reason(&a, &b, true, false),
            None,
            "credentials go along"
        );
        assert_eq!(stop_reason(&a, &b, false, true), None, "no body resent");
    }

    #[test]
    fn script_file_and_data_locations_stop_and_are_never_offered() {
        let from = url("https://a.example.com/x");
        for to in [
            "javascript:alert(1)",
            "file:///etc/hosts",
            "data:text/plain,x",
            "ftp://h/x",
        ] {
            let to = from.join(to).unwrap();
            assert_eq!(
                stop_reason(&from, &to, false, false),
                Some(StopReason::Scheme),
                "{to}"
            );
        }
        assert!(!StopReason::Scheme.can_follow_once());
        assert!(StopReason::Downgrade.can_follow_once());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        const HOSTS: &[&str] = &[
            "oraclecloud.com",
            "design.integration.us-phoenix-1.ocp.oraclecloud.com",
            "evil-oraclecloud.com",
            "oraclecloud.com.evil.example",
            "example.com",
            "a.example.com",
            "127.0.0.1",
            "127.0.0.2",
            "localhost",
            "[::1]",
            "10.0.0.1",
        ];

        fn host() -> impl Strategy<Value = String> {
            prop::sample::select(HOSTS).prop_map(str::to_owned)
        }

        fn origin() -> impl Strategy<Value = String> {
            (
                prop::sample::select(&["http", "https"][..]),
                host(),
                prop::option::of(prop::sample::select(&[80u16, 443, 8080, 8082][..])),
            )
                .prop_map(|(scheme, host, port)| match port {
                    Some(port) => format!("{scheme}://{host}:{port}"),
                    None => format!("{scheme}://{host}"),
                })
        }

        /// What a server may put in Location: absolute, scheme-relative,
        /// path-relative, other schemes, and junk.
        fn location() -> impl Strategy<Value = String> {
            prop_oneof![
                (origin(), "/[a-z/?=&.]{0,12}").prop_map(|(o, p)| format!("{o}{p}")),
                (host(), "/[a-z]{0,6}").prop_map(|(h, p)| format!("//{h}{p}")),
                "[a-z./?#]{0,12}",
                prop::sample::select(
                    &[
                        "javascript:alert(1)",
                        "file:///etc/passwd",
                        "data:text/html,x",
                        "ftp://example.com/",
                        "HTTPS://Example.COM:443/x",
                    ][..]
                )
                .prop_map(str::to_owned),
                "\\PC{0,24}",
            ]
        }

        /// Entries as people write them (each one valid).
        fn trusted_entry() -> impl Strategy<Value = String> {
            prop_oneof![
                host(),
                (host(), 1u16..9000).prop_map(|(h, p)| format!("{h}:{p}")),
                (host(), prop::sample::select(&[80u16, 443, 8080, 8082][..]))
                    .prop_map(|(h, p)| format!("{h}:{p}")),
                host().prop_map(|h| format!("*.{h}")),
                host().prop_map(|h| format!("https://{h}/ic/home")),
            ]
        }

        fn follow() -> impl Strategy<Value = FollowAuthorization> {
            prop::sample::select(
                &[
                    FollowAuthorization::Off,
                    FollowAuthorization::Trusted,
                    FollowAuthorization::Any,
                ][..],
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Authorization, Cookie and Proxy-Authorization go to the next hop
            /// only when it is the same origin or, by the user's setting, a
            /// trusted host or any host; never on https→http, never over plain
            /// http to another computer.
            #[test]
            fn credentials_never_reach_a_host_that_is_neither_same_origin_nor_trusted(
                from in origin(),
                path in "/[a-z]{0,6}",
                location in location(),
                follow in follow(),
                entries in prop::collection::vec(trusted_entry(), 0..4),
            ) {
                let from = Url::parse(&format!("{from}{path}")).unwrap();
                let policy = RedirectPolicy::new(follow, &entries).unwrap();
                let to = from.join(location.trim());
                prop_assume!(to.is_ok(), "a Location that does not resolve is not followed");
                let to = to.unwrap();
                let decision = policy.decide(&from, &to);
                let stop = stop_reason(&from, &to, true, !decision.forwarded());
                if decision.forwarded() {
                    prop_assert!(stop.is_none(), "{from} -> {to}: {decision:?} {stop:?}");
                    prop_assert!(!(from.scheme() == "https" && to.scheme() == "http"),
                        "never on https→http: {from} -> {to}");
                    prop_assert!(to.scheme() == "https" || is_loopback(&to),
                        "plain http only to this computer: {from} -> {to}");
                    let same_origin = from.origin() == to.origin();
                    let trusted = policy.trusted.iter().any(|t| t.matches(&to));
                    prop_assert!(
                        same_origin
                            || follow == FollowAuthorization::Any
                            || (follow == FollowAuthorization::Trusted && trusted),
                        "{from} -> {to} with {follow:?} {entries:?}: {decision:?}"
                    );
                }
                if !matches!(to.scheme(), "http" | "https") {
                    prop_assert_eq!(stop, Some(StopReason::Scheme));
                }
                if from.scheme() == "https" && to.scheme() == "http" && !is_loopback(&to) {
                    prop_assert_eq!(stop, Some(StopReason::Downgrade));
                }
            }

            #[test]
            fn a_trusted_entry_matches_only_its_host_or_its_subdomains(
                entry in trusted_entry(),
                to in origin(),
                path in "/[a-z]{0,4}",
            ) {
                let trusted = TrustedHost::parse(&entry).unwrap();
                let to = Url::parse(&format!("{to}{path}")).unwrap();
                if trusted.matches(&to) {
                    let host = url_host(&to).unwrap();
                    match &trusted {
                        TrustedHost::Domain(domain) => {
                            prop_assert_eq!(to.scheme(), "https");
                            prop_assert!(host == *domain || host.ends_with(&format!(".{domain}")),
                                "{entry} matched {to}");
                        }
                        TrustedHost::HostPort { host: h, port } => {
                            prop_assert_eq!(&host, h);
                            prop_assert_eq!(to.port_or_known_default(), Some(*port));
                        }
                    }
                }
            }

            #[test]
            fn any_trusted_entry_text_parses_or_is_refused_without_panic(entry in "\\PC{0,40}") {
                match TrustedHost::parse(&entry) {
                    Ok(parsed) => {
                        // What it prints reads back as the same entry.
                        prop_assert_eq!(TrustedHost::parse(&parsed.to_string()).unwrap(), parsed);
                    }
                    Err(e) => prop_assert_eq!(e.code(), "invalid_trusted_host"),
                }
            }
        }
    }
}
