//! Ready requests for an Oracle Integration profile, and the
//! `integrationInstance` parameter OIC 3 needs on its Developer API URLs.
//! A quick request only fills the request panel; nothing here sends.

use super::{Derived, DEVELOPER_API};
use serde::Serialize;

/// The query parameter naming the OIC 3 service instance.
pub const INTEGRATION_INSTANCE: &str = "integrationInstance";

/// Integration trigger endpoints share the `/ic/api/` prefix but are not
/// Developer APIs: they get no `integrationInstance`.
const TRIGGER_PREFIX: &str = "/ic/api/integration/v1/flows/";

/// One ready request for the request panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuickRequest {
    /// A stable key, e.g. `list_connections`.
    pub id: &'static str,
    pub name: &'static str,
    pub method: &'static str,
    pub url: String,
    /// What the request does, and what to fill in before Send.
    pub description: &'static str,
}

/// The quick requests of an Oracle profile, with URLs on its request base
/// URL and its `integrationInstance`.
pub fn quick_requests(derived: &Derived) -> Vec<QuickRequest> {
    let base = derived.api_base_url.trim_end_matches('/');
    let instance = derived.integration_instance.as_deref().unwrap_or_default();
    let url = |path: &str| with_integration_instance(&format!("{base}{path}"), instance);
    vec![
        QuickRequest {
            id: "list_connections",
            name: "List connections",
            method: "GET",
            url: url("/ic/api/integration/v1/connections"),
            description:
                "The connections of the instance (the first page; add limit and offset for more).",
        },
        QuickRequest {
            id: "list_integrations",
            name: "List integrations",
            method: "GET",
            url: url("/ic/api/integration/v1/integrations?limit=10&offset=0"),
            description:
                "The integrations, ten at a time: raise offset by limit for the next page.",
        },
        QuickRequest {
            id: "get_connection",
            name: "Get one connection by id",
            method: "GET",
            url: url("/ic/api/integration/v1/connections/{id}"),
            description:
                "Replace {id} with a connection's id, e.g. the id of an item from List connections.",
        },
        QuickRequest {
            id: "list_monitoring_instances",
            name: "Monitoring: list instances",
            method: "GET",
            url: url("/ic/api/integration/v1/monitoring/instances"),
            description: "Integration runs of the last hour, as the Monitoring page shows them.",
        },
    ]
}

/// `url` with `integrationInstance=<name>` added when it is a Developer API
/// URL (`/ic/api/…`, not an integration trigger), `name` is not blank, and
/// the parameter is not there yet. Everything else about `url` is kept as
/// typed, including placeholders such as `{id}`.
pub fn with_integration_instance(url: &str, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return url.to_owned();
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (url, None),
    };
    let (before_query, query) = match before_fragment.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (before_fragment, None),
    };
    if !is_developer_api(path_of(before_query)) {
        return url.to_owned();
    }
    if query.is_some_and(query_names_instance) {
        return url.to_owned();
    }
    let value: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let mut out = String::with_capacity(url.len() + INTEGRATION_INSTANCE.len() + value.len() + 2);
    out.push_str(before_query);
    match query {
        None => out.push('?'),
        Some(q) => {
            out.push('?');
            out.push_str(q);
            if !q.is_empty() && !q.ends_with('&') {
                out.push('&');
            }
        }
    }
    out.push_str(INTEGRATION_INSTANCE);
    out.push('=');
    out.push_str(&value);
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Whether `path` is one of OIC's Developer APIs (`/ic/api/…` other than an
/// integration's trigger endpoint under `/ic/api/integration/v1/flows/`).
pub fn is_developer_api(path: &str) -> bool {
    path.starts_with(DEVELOPER_API) && !path.starts_with(TRIGGER_PREFIX)
}

/// The path of a URL, absolute or only a path, without query or fragment.
pub(super) fn path_of(url: &str) -> &str {
    let head = url.split(['?', '#']).next().unwrap_or_default();
    match head.find("://") {
        Some(at) => {
            let after = &head[at + 3..];
            after.find('/').map_or("", |slash| &after[slash..])
        }
        None => head,
    }
}

/// Whether the query of `url` already has `integrationInstance`.
pub(super) fn names_instance(url: &str) -> bool {
    let head = url.split('#').next().unwrap_or_default();
    head.split_once('?')
        .is_some_and(|(_, query)| query_names_instance(query))
}

fn query_names_instance(query: &str) -> bool {
    query.split('&').any(|pair| {
        pair.split('=')
            .next()
            .is_some_and(|key| key.eq_ignore_ascii_case(INTEGRATION_INSTANCE))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://design.integration.us-phoenix-1.ocp.oraclecloud.com";

    fn profile(instance: Option<&str>) -> Derived {
        Derived {
            token_url: "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token".into(),
            auth_url: "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/authorize".into(),
            device_url: "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/device".into(),
            scope: "https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all".into(),
            callback_url: "http://127.0.0.1:53682/callback".into(),
            api_base_url: BASE.into(),
            integration_instance: instance.map(str::to_owned),
            trusted_hosts: vec!["oraclecloud.com".into()],
            design_time: true,
        }
    }

    #[test]
    fn quick_requests_name_the_instance_on_every_developer_api_call() {
        let quick = quick_requests(&profile(Some("myinstance")));
        let pairs: Vec<(&str, &str, &str)> = quick
            .iter()
            .map(|q| (q.id, q.method, q.url.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("list_connections", "GET", "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/connections?integrationInstance=myinstance"),
                ("list_integrations", "GET", "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/integrations?limit=10&offset=0&integrationInstance=myinstance"),
                ("get_connection", "GET", "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/connections/{id}?integrationInstance=myinstance"),
                ("list_monitoring_instances", "GET", "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/monitoring/instances?integrationInstance=myinstance"),
            ]
        );
        let names: Vec<&str> = quick.iter().map(|q| q.name).collect();
        assert_eq!(
            names,
            [
                "List connections",
                "List integrations",
                "Get one connection by id",
                "Monitoring: list instances"
            ]
        );
        assert!(
            quick[2].description.contains("{id}"),
            "the user is told what to fill in"
        );
    }

    #[test]
    fn quick_requests_without_an_instance_name_have_no_integration_instance() {
        let quick = quick_requests(&profile(None));
        assert_eq!(
            quick[0].url,
            format!("{BASE}/ic/api/integration/v1/connections")
        );
        assert_eq!(
            quick[1].url,
            format!("{BASE}/ic/api/integration/v1/integrations?limit=10&offset=0")
        );
        assert!(quick.iter().all(|q| !q.url.contains("integrationInstance")));
        let json = serde_json::to_value(&quick[0]).unwrap();
        assert_eq!(json["name"], "List connections");
        assert_eq!(json["method"], "GET");
    }

    #[test]
    fn integration_instance_is_added_to_developer_api_urls() {
        assert_eq!(
            with_integration_instance(
                &format!("{BASE}/ic/api/integration/v1/connections"),
                "myinstance"
            ),
            format!("{BASE}/ic/api/integration/v1/connections?integrationInstance=myinstance")
        );
        assert_eq!(
            with_integration_instance(
                &format!("{BASE}/ic/api/integration/v1/integrations?limit=5"),
                " myinstance "
            ),
            format!(
                "{BASE}/ic/api/integration/v1/integrations?limit=5&integrationInstance=myinstance"
            )
        );
        assert_eq!(
            with_integration_instance(
                &format!("{BASE}/ic/api/integration/v1/integrations?"),
                "myinstance"
            ),
            format!("{BASE}/ic/api/integration/v1/integrations?integrationInstance=myinstance")
        );
        assert_eq!(
            with_integration_instance(
                &format!("{BASE}/ic/api/integration/v1/integrations?limit=5&"),
                "myinstance"
            ),
            format!(
                "{BASE}/ic/api/integration/v1/integrations?limit=5&integrationInstance=myinstance"
            )
        );
        assert_eq!(
            with_integration_instance(
                &format!("{BASE}/ic/api/integration/v1/connections#top"),
                "myinstance"
            ),
            format!("{BASE}/ic/api/integration/v1/connections?integrationInstance=myinstance#top")
        );
        assert_eq!(
            with_integration_instance("/ic/api/integration/v1/connections", "myinstance"),
            "/ic/api/integration/v1/connections?integrationInstance=myinstance"
        );
        assert_eq!(
            with_integration_instance(
                &format!("{BASE}/ic/api/integration/v1/connections"),
                "my instance&x=1"
            ),
            format!(
                "{BASE}/ic/api/integration/v1/connections?integrationInstance=my+instance%26x%3D1"
            ),
            "the name is encoded so it cannot add parameters"
        );
    }

    #[test]
    fn integration_instance_is_not_added_twice() {
        for url in [
            format!("{BASE}/ic/api/integration/v1/connections?integrationInstance=other"),
            format!("{BASE}/ic/api/integration/v1/connections?limit=5&integrationInstance=other"),
            format!("{BASE}/ic/api/integration/v1/connections?integrationinstance=other"),
            format!("{BASE}/ic/api/integration/v1/connections?integrationInstance"),
        ] {
            assert_eq!(with_integration_instance(&url, "myinstance"), url);
        }
        let once = with_integration_instance(
            &format!("{BASE}/ic/api/integration/v1/connections"),
            "myinstance",
        );
        assert_eq!(with_integration_instance(&once, "myinstance"), once);
    }

    #[test]
    fn integration_instance_is_not_added_outside_the_developer_apis() {
        for url in [
            format!("{BASE}/ic/home"),
            format!("{BASE}/icsapis/agent/oauth/callback"),
            format!("{BASE}/"),
            BASE.to_owned(),
            format!("{BASE}/ic/api"),
            format!("{BASE}/other/ic/api/integration/v1/connections"),
            format!("{BASE}/ic/api/integration/v1/flows/rest/HELLO_WORLD/1.0/hello"),
            "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token?x=/ic/api/".to_owned(),
        ] {
            assert_eq!(with_integration_instance(&url, "myinstance"), url, "{url}");
        }
        assert_eq!(
            with_integration_instance(&format!("{BASE}/ic/api/integration/v1/connections"), "  "),
            format!("{BASE}/ic/api/integration/v1/connections"),
            "a blank name adds nothing"
        );
    }

    #[test]
    fn developer_api_paths_exclude_integration_triggers() {
        assert!(is_developer_api("/ic/api/integration/v1/connections"));
        assert!(is_developer_api(
            "/ic/api/integration/v1/monitoring/instances"
        ));
        assert!(!is_developer_api(
            "/ic/api/integration/v1/flows/rest/HELLO/1.0/hi"
        ));
        assert!(!is_developer_api("/ic/home"));
        assert_eq!(
            path_of("https://h.example:8443/ic/api/x?y=/z#w"),
            "/ic/api/x"
        );
        assert_eq!(path_of("https://h.example"), "");
        assert!(names_instance(
            "https://h/ic/api/x?a=1&integrationInstance=n#f"
        ));
        assert!(!names_instance("https://h/ic/api/x#?integrationInstance=n"));
    }
}
