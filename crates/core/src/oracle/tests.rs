//! Derivation of the Oracle profile over the messy values people paste.

use super::*;

const DOMAIN: &str = "https://idcs-abc123.identity.oraclecloud.com";
const RUNTIME: &str = "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com";
const RUNTIME_HOST: &str = "myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com";
const DESIGN: &str = "https://design.integration.us-phoenix-1.ocp.oraclecloud.com";
const AUDIENCE: &str = "https://69415C303.integration.ocp.oraclecloud.com:443";

fn inputs() -> OracleInputs {
    OracleInputs {
        identity_domain_url: DOMAIN.into(),
        oic_url: RUNTIME.into(),
        instance_name: "myinstance".into(),
        audience: AUDIENCE.into(),
        ..OracleInputs::default()
    }
}

fn with_identity(value: &str) -> Preview {
    preview(&OracleInputs {
        identity_domain_url: value.into(),
        ..inputs()
    })
}

fn with_oic(value: &str) -> Preview {
    preview(&OracleInputs {
        oic_url: value.into(),
        ..inputs()
    })
}

fn with_audience(value: &str) -> Preview {
    preview(&OracleInputs {
        audience: value.into(),
        ..inputs()
    })
}

fn problems_of(preview: &Preview, field: Field, severity: Severity) -> Vec<String> {
    preview
        .problems
        .iter()
        .filter(|p| p.field == field && p.severity == severity)
        .map(|p| p.message.clone())
        .collect()
}

fn errors(preview: &Preview) -> Vec<&FieldProblem> {
    preview
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

#[test]
fn a_clean_profile_derives_every_value() {
    let derived = derive(&inputs()).expect("clean inputs derive");
    assert_eq!(derived.token_url, format!("{DOMAIN}/oauth2/v1/token"));
    assert_eq!(derived.auth_url, format!("{DOMAIN}/oauth2/v1/authorize"));
    assert_eq!(derived.device_url, format!("{DOMAIN}/oauth2/v1/device"), "the device endpoint is derived too");
    assert_eq!(
        derived.scope,
        format!("{AUDIENCE}urn:opc:resource:consumer::all")
    );
    assert_eq!(
        derived.callback_url,
        format!("{RUNTIME}/icsapis/agent/oauth/callback")
    );
    assert_eq!(derived.api_base_url, RUNTIME);
    assert_eq!(derived.integration_instance.as_deref(), Some("myinstance"));
    assert_eq!(derived.trusted_hosts, [RUNTIME_HOST, "oraclecloud.com"]);
    assert!(!derived.design_time, "a runtime host is not design-time");
    assert!(
        preview(&inputs()).problems.is_empty(),
        "{:?}",
        preview(&inputs()).problems
    );
}

#[test]
fn identity_domain_urls_are_reduced_to_their_origin_whatever_was_pasted() {
    for messy in [
        "https://idcs-abc123.identity.oraclecloud.com",
        "https://idcs-abc123.identity.oraclecloud.com/",
        "https://idcs-abc123.identity.oraclecloud.com///",
        "https://idcs-abc123.identity.oraclecloud.com:443",
        "https://idcs-abc123.identity.oraclecloud.com:443/",
        "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token",
        "https://idcs-abc123.identity.oraclecloud.com:443/oauth2/v1/token/",
        "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/authorize?client_id=abc&response_type=code",
        "https://idcs-abc123.identity.oraclecloud.com/ui/v1/adminconsole#/users",
        "HTTPS://IDCS-ABC123.IDENTITY.ORACLECLOUD.COM/OAUTH2/V1/TOKEN",
        "Https://Idcs-Abc123.Identity.OracleCloud.com",
        "  https://idcs-abc123.identity.oraclecloud.com  ",
        "\thttps://idcs-abc123.identity.oraclecloud.com\n",
        "https://idcs-abc123 .identity.oraclecloud.com",
        "\"https://idcs-abc123.identity.oraclecloud.com\"",
        "'https://idcs-abc123.identity.oraclecloud.com/'",
        "<https://idcs-abc123.identity.oraclecloud.com>",
        "idcs-abc123.identity.oraclecloud.com",
        "idcs-abc123.identity.oraclecloud.com:443",
        "idcs-abc123.identity.oraclecloud.com/oauth2/v1/token",
        "https://user@idcs-abc123.identity.oraclecloud.com",
    ] {
        let p = with_identity(messy);
        assert_eq!(p.token_url.as_deref(), Some("https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token"), "from {messy:?}: {:?}", p.problems);
        assert_eq!(p.auth_url.as_deref(), Some("https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/authorize"), "from {messy:?}");
        assert!(errors(&p).is_empty(), "{messy:?}: {:?}", p.problems);
    }
}

#[test]
fn a_pasted_token_url_is_accepted_with_a_note_of_what_was_left_out() {
    let p = with_identity("https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token");
    let notes = problems_of(&p, Field::IdentityDomainUrl, Severity::Note);
    assert_eq!(notes, ["Used https://idcs-abc123.identity.oraclecloud.com; left out the path /oauth2/v1/token."]);
}

#[test]
fn a_left_out_query_is_named_but_never_repeated() {
    let p = with_identity("https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/authorize?code=not-a-real-code&state=s1");
    let notes = problems_of(&p, Field::IdentityDomainUrl, Severity::Note);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("the query"), "{notes:?}");
    assert!(
        !notes[0].contains("not-a-real-code"),
        "a pasted query may hold a code: {notes:?}"
    );
}

#[test]
fn a_bare_domain_url_gets_no_note() {
    let p = with_identity("https://idcs-abc123.identity.oraclecloud.com:443/");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
}

#[test]
fn a_non_default_port_is_kept() {
    let p = with_identity("https://idcs-abc123.identity.oraclecloud.com:8443/oauth2/v1/token");
    assert_eq!(
        p.token_url.as_deref(),
        Some("https://idcs-abc123.identity.oraclecloud.com:8443/oauth2/v1/token")
    );
}

#[test]
fn plain_http_to_a_remote_identity_domain_is_refused_with_a_clear_problem() {
    let p = with_identity("http://idcs-abc123.identity.oraclecloud.com");
    assert_eq!(p.token_url, None);
    assert_eq!(p.auth_url, None);
    let problems = problems_of(&p, Field::IdentityDomainUrl, Severity::Error);
    assert_eq!(problems.len(), 1, "{:?}", p.problems);
    assert!(
        problems[0].contains("plain http") && problems[0].contains("https://"),
        "{problems:?}"
    );
    let errs = derive(&OracleInputs {
        identity_domain_url: "HTTP://idcs-abc123.identity.oraclecloud.com".into(),
        ..inputs()
    })
    .unwrap_err();
    assert_eq!(
        errs.len(),
        1,
        "one problem, on the field the user typed: {errs:?}"
    );
    assert_eq!(errs[0].field, Field::IdentityDomainUrl);
}

#[test]
fn plain_http_to_this_computer_is_allowed_for_the_sandbox() {
    let derived = derive(&OracleInputs {
        identity_domain_url: "http://127.0.0.1:41234".into(),
        oic_url: "http://127.0.0.1:41235/".into(),
        instance_name: String::new(),
        audience: "https://sandbox.integration.local:443".into(),
        ..OracleInputs::default()
    })
    .expect("the sandbox profile derives");
    assert_eq!(derived.token_url, "http://127.0.0.1:41234/oauth2/v1/token");
    assert_eq!(
        derived.auth_url,
        "http://127.0.0.1:41234/oauth2/v1/authorize"
    );
    assert_eq!(derived.api_base_url, "http://127.0.0.1:41235");
    assert_eq!(
        derived.callback_url,
        "http://127.0.0.1:41235/icsapis/agent/oauth/callback"
    );
    assert_eq!(
        derived.scope,
        "https://sandbox.integration.local:443urn:opc:resource:consumer::all"
    );
    assert_eq!(
        derived.trusted_hosts,
        ["127.0.0.1:41235", "oraclecloud.com"],
        "a loopback host is trusted on its exact port only"
    );
    assert_eq!(derived.integration_instance, None);
}

#[test]
fn a_loopback_host_without_scheme_gets_plain_http() {
    let p = with_identity("127.0.0.1:41234");
    assert_eq!(
        p.token_url.as_deref(),
        Some("http://127.0.0.1:41234/oauth2/v1/token")
    );
    let p = with_identity("localhost:41234/oauth2/v1/token");
    assert_eq!(
        p.token_url.as_deref(),
        Some("http://localhost:41234/oauth2/v1/token")
    );
    let p = with_oic("[::1]:41235");
    assert_eq!(p.api_base_url.as_deref(), Some("http://[::1]:41235"));
    assert_eq!(p.trusted_hosts, ["[::1]:41235", "oraclecloud.com"]);
}

#[test]
fn empty_and_malformed_identity_urls_say_what_to_type() {
    let p = with_identity("   ");
    let problems = problems_of(&p, Field::IdentityDomainUrl, Severity::Error);
    assert_eq!(
        problems,
        ["Identity domain URL is empty; e.g. https://idcs-1234abcd.identity.oraclecloud.com."]
    );
    for bad in [
        "https://",
        "ftp://idcs-abc123.identity.oraclecloud.com",
        "https://idcs abc[123",
        "::::",
    ] {
        let p = with_identity(bad);
        assert_eq!(p.token_url, None, "{bad:?}");
        let problems = problems_of(&p, Field::IdentityDomainUrl, Severity::Error);
        assert_eq!(problems.len(), 1, "{bad:?}: {:?}", p.problems);
        assert!(
            problems[0].starts_with("Identity domain URL"),
            "{problems:?}"
        );
    }
}

#[test]
fn the_oci_console_address_is_refused_with_where_to_find_the_domain_url() {
    let p = with_identity(
        "https://cloud.oracle.com/identity/domains/ocid1.domain.oc1..aaaa?region=us-phoenix-1",
    );
    let problems = problems_of(&p, Field::IdentityDomainUrl, Severity::Error);
    assert_eq!(problems.len(), 1, "{:?}", p.problems);
    assert!(
        problems[0].contains("Identity & Security → Domains"),
        "{problems:?}"
    );
    assert!(derive(&OracleInputs {
        oic_url: "https://cloud.oracle.com/integration".into(),
        ..inputs()
    })
    .is_err());
}

#[test]
fn swapped_identity_and_oic_urls_are_flagged_on_each_field() {
    let p = preview(&OracleInputs {
        identity_domain_url: RUNTIME.into(),
        oic_url: DOMAIN.into(),
        ..inputs()
    });
    assert_eq!(
        problems_of(&p, Field::IdentityDomainUrl, Severity::Warning).len(),
        1,
        "{:?}",
        p.problems
    );
    assert_eq!(
        problems_of(&p, Field::OicUrl, Severity::Warning).len(),
        1,
        "{:?}",
        p.problems
    );
}

#[test]
fn oic_urls_are_reduced_to_their_origin() {
    for messy in [
        RUNTIME,
        "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com/",
        "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com:443",
        "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com/ic/home",
        "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/connections?limit=5",
        "HTTPS://MYINSTANCE-ABCD-IA.INTEGRATION.US-PHOENIX-1.OCP.ORACLECLOUD.COM",
        " myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com ",
    ] {
        let p = with_oic(messy);
        assert_eq!(p.api_base_url.as_deref(), Some(RUNTIME), "from {messy:?}: {:?}", p.problems);
        assert_eq!(p.callback_url.as_deref(), Some(format!("{RUNTIME}/icsapis/agent/oauth/callback").as_str()));
        assert_eq!(p.trusted_hosts, [RUNTIME_HOST, "oraclecloud.com"], "from {messy:?}");
        assert!(errors(&p).is_empty(), "{messy:?}: {:?}", p.problems);
    }
    let p = with_oic("http://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com");
    assert_eq!(p.api_base_url, None);
    assert_eq!(
        problems_of(&p, Field::OicUrl, Severity::Error).len(),
        1,
        "{:?}",
        p.problems
    );
}

#[test]
fn design_time_urls_are_recognised_and_ask_for_the_instance_name() {
    for design in [
        DESIGN,
        "https://design-integration-region.ocp.oraclecloud.com/",
    ] {
        let p = preview(&OracleInputs {
            oic_url: design.into(),
            instance_name: String::new(),
            ..inputs()
        });
        assert!(p.design_time, "{design}");
        let warnings = problems_of(&p, Field::InstanceName, Severity::Warning);
        assert_eq!(warnings.len(), 1, "{design}: {:?}", p.problems);
        assert!(warnings[0].contains("integrationInstance"), "{warnings:?}");
    }
    let named = preview(&OracleInputs {
        oic_url: DESIGN.into(),
        ..inputs()
    });
    assert!(named.design_time);
    assert!(
        named.problems.is_empty(),
        "a named instance needs no warning: {:?}",
        named.problems
    );
    assert!(!with_oic(RUNTIME).design_time);
    assert!(!with_oic("http://127.0.0.1:41235").design_time);
}

#[test]
fn an_oic_host_on_another_port_is_trusted_as_host_and_port() {
    let p = with_oic("https://oic.example.test:8443/ic/home");
    assert_eq!(
        p.api_base_url.as_deref(),
        Some("https://oic.example.test:8443")
    );
    assert_eq!(
        p.trusted_hosts,
        ["oic.example.test:8443", "oraclecloud.com"]
    );
}

#[test]
fn the_scope_follows_the_scope_kind_and_the_refresh_token_choice() {
    let all = derive(&inputs()).unwrap().scope;
    assert_eq!(
        all,
        "https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all"
    );
    let api = derive(&OracleInputs {
        scope_kind: ScopeKind::Api,
        ..inputs()
    })
    .unwrap()
    .scope;
    assert_eq!(
        api,
        "https://69415C303.integration.ocp.oraclecloud.com:443/ic/api/"
    );
    let refresh = derive(&OracleInputs {
        request_refresh_token: true,
        ..inputs()
    })
    .unwrap()
    .scope;
    assert_eq!(refresh, "https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all offline_access");
    assert_eq!(
        scope_for("https://a.example:443", ScopeKind::Api, true),
        "https://a.example:443/ic/api/ offline_access"
    );
}

#[test]
fn audiences_keep_their_case_and_port_but_lose_pasted_scope_parts() {
    for messy in [
        AUDIENCE,
        "https://69415C303.integration.ocp.oraclecloud.com:443/",
        " https://69415C303.integration.ocp.oraclecloud.com:443\n",
        "HTTPS://69415C303.integration.ocp.oraclecloud.com:443",
        "69415C303.integration.ocp.oraclecloud.com:443",
        "\"https://69415C303.integration.ocp.oraclecloud.com:443\"",
        "https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all",
        "https://69415C303.integration.ocp.oraclecloud.com:443URN:OPC:RESOURCE:CONSUMER::ALL",
        "https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all offline_access",
        "https://69415C303.integration.ocp.oraclecloud.com:443/ic/api/",
        "https://69415C303.integration.ocp.oraclecloud.com:443/ic/api",
        "offline_access https://69415C303.integration.ocp.oraclecloud.com:443/ic/api/",
        "https://69415C303.integration.ocp.oraclecloud.com\n:443",
    ] {
        let p = with_audience(messy);
        assert_eq!(
            p.scope.as_deref(),
            Some("https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all"),
            "from {messy:?}: {:?}",
            p.problems
        );
        assert!(errors(&p).is_empty(), "{messy:?}: {:?}", p.problems);
    }
}

#[test]
fn a_pasted_scope_suffix_is_noted() {
    let p = with_audience("https://69415C303.integration.ocp.oraclecloud.com:443/ic/api/");
    let notes = problems_of(&p, Field::Audience, Severity::Note);
    assert_eq!(notes, ["Left out /ic/api/: the scope kind adds it."]);
}

#[test]
fn suspicious_audiences_get_a_warning_and_are_still_used() {
    let p = with_audience("https://69415C303.integration.ocp.oraclecloud.com");
    assert!(
        problems_of(&p, Field::Audience, Severity::Warning)[0].contains(":443"),
        "{:?}",
        p.problems
    );
    assert_eq!(
        p.scope.as_deref(),
        Some("https://69415C303.integration.ocp.oraclecloud.comurn:opc:resource:consumer::all")
    );
    let p = with_audience(DOMAIN);
    assert!(
        problems_of(&p, Field::Audience, Severity::Warning)[0].contains("identity domain"),
        "{:?}",
        p.problems
    );
    let p = with_audience("https://69415C303.integration.ocp.oraclecloud.com:443/somewhere");
    assert_eq!(
        problems_of(&p, Field::Audience, Severity::Warning).len(),
        1,
        "{:?}",
        p.problems
    );
}

#[test]
fn unusable_audiences_are_problems_on_the_audience_field() {
    for (bad, says) in [
        ("", "is empty"),
        ("  \n ", "is empty"),
        (
            "urn:opc:resource:consumer::all",
            "the part of the scope before",
        ),
        ("/ic/api/", "the part of the scope before"),
        (
            "ftp://69415C303.integration.ocp.oraclecloud.com:443",
            "https://",
        ),
        ("https://", "not an address"),
    ] {
        let p = with_audience(bad);
        assert_eq!(p.scope, None, "{bad:?}");
        let problems = problems_of(&p, Field::Audience, Severity::Error);
        assert_eq!(problems.len(), 1, "{bad:?}: {:?}", p.problems);
        assert!(problems[0].contains(says), "{bad:?}: {problems:?}");
    }
}

#[test]
fn instance_names_are_trimmed_and_urls_are_refused() {
    let p = preview(&OracleInputs {
        instance_name: "  myinstance \n".into(),
        ..inputs()
    });
    assert_eq!(p.integration_instance.as_deref(), Some("myinstance"));
    for bad in [RUNTIME, "myinstance.integration", "my instance"] {
        let p = preview(&OracleInputs {
            instance_name: bad.into(),
            ..inputs()
        });
        assert_eq!(p.integration_instance, None, "{bad:?}");
        assert_eq!(
            problems_of(&p, Field::InstanceName, Severity::Error).len(),
            1,
            "{bad:?}: {:?}",
            p.problems
        );
    }
    let p = preview(&OracleInputs {
        instance_name: "my+instance".into(),
        ..inputs()
    });
    assert_eq!(p.integration_instance.as_deref(), Some("my+instance"));
    assert_eq!(
        problems_of(&p, Field::InstanceName, Severity::Warning).len(),
        1
    );
}

#[test]
fn redirect_presets_give_the_oic_callback_the_loopback_url_or_a_checked_custom_url() {
    let p = preview(&inputs());
    assert_eq!(
        p.callback_url.as_deref(),
        Some(format!("{RUNTIME}/icsapis/agent/oauth/callback").as_str())
    );
    let p = preview(&OracleInputs {
        redirect: RedirectChoice::Loopback,
        ..inputs()
    });
    assert_eq!(
        p.callback_url.as_deref(),
        Some("http://127.0.0.1:53682/callback")
    );
    let p = preview(&OracleInputs {
        redirect: RedirectChoice::Custom(" https://oauth.pstmn.io/v1/callback ".into()),
        ..inputs()
    });
    assert_eq!(
        p.callback_url.as_deref(),
        Some("https://oauth.pstmn.io/v1/callback"),
        "kept as typed, trimmed"
    );
    for bad in ["", "http://app.example.com/callback", "not a url"] {
        let p = preview(&OracleInputs {
            redirect: RedirectChoice::Custom(bad.into()),
            ..inputs()
        });
        assert_eq!(p.callback_url, None, "{bad:?}");
        assert_eq!(
            problems_of(&p, Field::Redirect, Severity::Error).len(),
            1,
            "{bad:?}: {:?}",
            p.problems
        );
    }
}

#[test]
fn the_oic_callback_needs_the_oic_url_but_the_loopback_one_does_not() {
    let errs = derive(&OracleInputs {
        oic_url: String::new(),
        overrides: Overrides {
            api_base_url: Some(DESIGN.into()),
            ..Overrides::default()
        },
        ..inputs()
    })
    .unwrap_err();
    assert!(errs.iter().any(|p| p.field == Field::OicUrl), "{errs:?}");
    let derived = derive(&OracleInputs {
        oic_url: String::new(),
        redirect: RedirectChoice::Loopback,
        overrides: Overrides {
            api_base_url: Some(DESIGN.into()),
            ..Overrides::default()
        },
        ..inputs()
    })
    .expect("nothing needs the OIC URL");
    assert_eq!(derived.api_base_url, DESIGN);
}

#[test]
fn overrides_replace_derived_values_and_are_checked() {
    let p = preview(&OracleInputs {
        overrides: Overrides {
            token_url: Some(" https://proxy.example.com/idcs/oauth2/v1/token ".into()),
            auth_url: Some("   ".into()),
            scope: Some(
                "  https://other.example:443urn:opc:resource:consumer::all \n offline_access "
                    .into(),
            ),
            api_base_url: Some(
                "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/".into(),
            ),
        },
        ..inputs()
    });
    assert_eq!(
        p.token_url.as_deref(),
        Some("https://proxy.example.com/idcs/oauth2/v1/token")
    );
    assert_eq!(
        p.auth_url.as_deref(),
        Some(format!("{DOMAIN}/oauth2/v1/authorize").as_str()),
        "a blank override keeps the derived value"
    );
    assert_eq!(
        p.scope.as_deref(),
        Some("https://other.example:443urn:opc:resource:consumer::all offline_access")
    );
    assert_eq!(p.api_base_url.as_deref(), Some(DESIGN));
    assert!(p.design_time, "the guess follows the overridden base URL");
    assert_eq!(
        p.trusted_hosts,
        [
            "design.integration.us-phoenix-1.ocp.oraclecloud.com",
            "oraclecloud.com"
        ]
    );
    assert_eq!(
        p.overridden,
        [Field::TokenUrl, Field::ApiBaseUrl, Field::Scope]
    );

    let p = preview(&OracleInputs {
        overrides: Overrides {
            token_url: Some("http://proxy.example.com/token".into()),
            ..Overrides::default()
        },
        ..inputs()
    });
    assert_eq!(p.token_url, None);
    assert_eq!(
        problems_of(&p, Field::TokenUrl, Severity::Error).len(),
        1,
        "{:?}",
        p.problems
    );
}

#[test]
fn an_input_whose_values_are_all_overridden_may_stay_empty() {
    let derived = derive(&OracleInputs {
        identity_domain_url: String::new(),
        audience: String::new(),
        overrides: Overrides {
            token_url: Some(format!("{DOMAIN}/oauth2/v1/token")),
            auth_url: Some(format!("{DOMAIN}/oauth2/v1/authorize")),
            scope: Some(format!("{AUDIENCE}/ic/api/")),
            ..Overrides::default()
        },
        ..inputs()
    })
    .expect("overrides stand in for the empty inputs");
    assert_eq!(derived.scope, format!("{AUDIENCE}/ic/api/"));
    let errs = derive(&OracleInputs {
        identity_domain_url: String::new(),
        overrides: Overrides {
            token_url: Some(format!("{DOMAIN}/oauth2/v1/token")),
            ..Overrides::default()
        },
        ..inputs()
    })
    .unwrap_err();
    assert_eq!(
        errs.len(),
        1,
        "the Auth URL still needs the domain: {errs:?}"
    );
    assert_eq!(errs[0].field, Field::IdentityDomainUrl);
}

#[test]
fn derive_reports_every_error_and_no_notes() {
    let errs = derive(&OracleInputs::default()).unwrap_err();
    let fields: Vec<Field> = errs.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [Field::IdentityDomainUrl, Field::OicUrl, Field::Audience]
    );
    assert!(errs.iter().all(|p| p.severity == Severity::Error));
    let ok = derive(&OracleInputs {
        identity_domain_url: format!("{DOMAIN}/oauth2/v1/token"),
        ..inputs()
    });
    assert!(ok.is_ok(), "a note does not stop the profile: {ok:?}");
}

#[test]
fn inputs_are_read_from_the_ui_json() {
    let inputs: OracleInputs = serde_json::from_value(serde_json::json!({
        "identityDomainUrl": DOMAIN,
        "oicUrl": RUNTIME,
        "instanceName": "myinstance",
        "audience": AUDIENCE,
        "scopeKind": "api",
        "requestRefreshToken": true,
        "redirect": {"kind": "custom", "url": "https://oauth.pstmn.io/v1/callback"},
        "overrides": {"tokenUrl": null, "scope": ""}
    }))
    .unwrap();
    assert_eq!(inputs.scope_kind, ScopeKind::Api);
    assert_eq!(
        inputs.redirect,
        RedirectChoice::Custom("https://oauth.pstmn.io/v1/callback".into())
    );
    let loopback: OracleInputs =
        serde_json::from_value(serde_json::json!({"redirect": {"kind": "loopback"}})).unwrap();
    assert_eq!(loopback.redirect, RedirectChoice::Loopback);
    let empty: OracleInputs = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(empty, OracleInputs::default(), "every field has a default");
    assert_eq!(empty.redirect, RedirectChoice::OicCallback);
    let derived = derive(&inputs).unwrap();
    assert_eq!(derived.scope, format!("{AUDIENCE}/ic/api/ offline_access"));
}

#[test]
fn the_preview_is_sent_to_the_ui_in_camel_case() {
    let json = serde_json::to_value(with_identity(
        "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token",
    ))
    .unwrap();
    assert_eq!(
        json["tokenUrl"],
        "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token"
    );
    assert_eq!(json["apiBaseUrl"], RUNTIME);
    assert_eq!(json["designTime"], false);
    assert_eq!(json["problems"][0]["field"], "identityDomainUrl");
    assert_eq!(json["problems"][0]["severity"], "note");
    let json = serde_json::to_value(derive(&inputs()).unwrap()).unwrap();
    assert_eq!(json["integrationInstance"], "myinstance");
    assert_eq!(json["trustedHosts"][1], "oraclecloud.com");
}

#[test]
fn every_field_has_help_in_the_oracle_consoles_words() {
    let help = help_texts();
    assert_eq!(help.len(), Field::ALL.len());
    for text in &help {
        assert!(
            !text.help.trim().is_empty() && !text.label.is_empty() && !text.example.is_empty(),
            "{text:?}"
        );
    }
    let of = |field: Field| help.iter().find(|h| h.field == field).unwrap().help.clone();
    assert!(of(Field::IdentityDomainUrl).contains("Identity & Security → Domains"));
    assert!(of(Field::IdentityDomainUrl).contains("Domain URL"));
    assert!(
        of(Field::ClientId).contains("Integrated Applications")
            && of(Field::ClientId).contains("OAuth Configuration")
    );
    assert!(of(Field::Audience).contains("Token Issuance Policy"));
    assert!(of(Field::Redirect).contains("Authorization section"));
    assert!(of(Field::Redirect).contains("/icsapis/agent/oauth/callback"));
    assert!(of(Field::OicUrl).contains("design-time URL or the runtime URL"));
    assert!(
        of(Field::Username).contains("ServiceInvoker")
            && of(Field::Username).contains("single sign-on")
    );
    let json = serde_json::to_value(&help[0]).unwrap();
    assert_eq!(json["field"], "identityDomainUrl");
    assert_eq!(json["label"], "Identity domain URL");
}
