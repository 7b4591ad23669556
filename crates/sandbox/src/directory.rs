//! The identity domain's seeded directory: its confidential clients (with the
//! grant types and redirect URIs each allows) and its users (with their OIC
//! application roles). Read-only after start; nothing here is a real secret.

use subtle::ConstantTimeEq;

use crate::scope;

/// The audience of the sandbox OIC instance, written the way Oracle writes it
/// (with the explicit `:443`).
pub const AUDIENCE: &str = "https://sandbox.integration.local:443";

/// The OIC application role a user needs to get a token for the instance.
pub const SERVICE_INVOKER: &str = "ServiceInvoker";
/// The OIC application roles the design-time host checks (Oracle's names).
pub const SERVICE_ADMINISTRATOR: &str = "ServiceAdministrator";
pub const SERVICE_DEVELOPER: &str = "ServiceDeveloper";
pub const SERVICE_MONITOR: &str = "ServiceMonitor";
pub const SERVICE_USER: &str = "ServiceUser";
pub const SERVICE_VIEWER: &str = "ServiceViewer";

/// The seeded values, as the app shows them to the learner and as tests use
/// them. These are sandbox values, printed on the sign-in page; they protect
/// nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SandboxCredentials {
    /// The confidential client allowing every grant: `sandbox-client`.
    pub client_id: String,
    /// Its secret: `sandbox-secret`.
    pub client_secret: String,
    /// A user with the ServiceInvoker role: `sandbox.invoker`.
    pub username: String,
    /// Their password: `sandbox-password`.
    pub password: String,
    /// The OIC instance's audience, `https://sandbox.integration.local:443`.
    pub audience: String,
    /// `<audience>urn:opc:resource:consumer::all`: integrations and developer APIs.
    pub scope_all: String,
    /// `<audience>/ic/api/`: the developer APIs only.
    pub scope_api: String,
    /// The registered redirect URIs of both clients. Loopback IP URIs accept
    /// any port (RFC 8252 §7.3); every other part must match exactly.
    pub redirect_uris: Vec<String>,
    /// A client allowing only the client-credentials grant: `sandbox-cc-only`.
    /// Its Oracle Integration roles are ServiceViewer and ServiceMonitor: its
    /// tokens read, and the design-time host refuses them every change (403).
    pub cc_only_client_id: String,
    /// Its secret: `sandbox-cc-only-secret`.
    pub cc_only_client_secret: String,
    /// A user without the ServiceInvoker role: `sandbox.viewer`.
    pub no_role_username: String,
    /// Their password: `sandbox-viewer-password`.
    pub no_role_password: String,
}

/// An OAuth grant type a client may be allowed to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantType {
    ClientCredentials,
    Password,
    AuthorizationCode,
    RefreshToken,
    /// RFC 7523 §2.1, *JWT Assertion* in the Oracle console.
    JwtBearer,
    /// RFC 8628, *Device Code* in the Oracle console.
    DeviceCode,
    /// RFC 6749 §4.2, *Implicit* in the Oracle console: asked for at
    /// /authorize with `response_type=token`, never at the token endpoint.
    Implicit,
}

impl GrantType {
    /// The grant type named by a `grant_type` parameter, if the sandbox knows it.
    pub fn parse(name: &str) -> Option<GrantType> {
        match name {
            "client_credentials" => Some(GrantType::ClientCredentials),
            "password" => Some(GrantType::Password),
            "authorization_code" => Some(GrantType::AuthorizationCode),
            "refresh_token" => Some(GrantType::RefreshToken),
            "urn:ietf:params:oauth:grant-type:jwt-bearer" => Some(GrantType::JwtBearer),
            "urn:ietf:params:oauth:grant-type:device_code" => Some(GrantType::DeviceCode),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            GrantType::ClientCredentials => "client_credentials",
            GrantType::Password => "password",
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
            GrantType::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            GrantType::Implicit => "implicit",
        }
    }
}

/// A confidential client application.
#[derive(Debug)]
pub struct Client {
    pub id: String,
    secret: String,
    pub name: String,
    pub grant_types: Vec<GrantType>,
    pub redirect_uris: Vec<String>,
    /// The OIC application roles granted to the application itself, which
    /// its client-credentials tokens carry to the design-time host.
    pub roles: Vec<String>,
}

impl Client {
    pub fn secret_matches(&self, secret: &str) -> bool {
        bool::from(self.secret.as_bytes().ct_eq(secret.as_bytes()))
    }

    pub fn allows(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }
}

/// A user of the identity domain.
#[derive(Debug)]
pub struct User {
    pub username: String,
    password: String,
    pub id: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

impl User {
    pub fn password_matches(&self, password: &str) -> bool {
        bool::from(self.password.as_bytes().ct_eq(password.as_bytes()))
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|held| held == role)
    }
}

/// The seeded clients and users.
#[derive(Debug)]
pub struct Directory {
    clients: Vec<Client>,
    users: Vec<User>,
}

impl Directory {
    pub fn seeded() -> Directory {
        let redirect_uris = vec![
            "http://127.0.0.1:53682/callback".to_owned(),
            "https://oauth.pstmn.io/v1/callback".to_owned(),
        ];
        Directory {
            clients: vec![
                Client {
                    id: "sandbox-client".into(),
                    secret: "sandbox-secret".into(),
                    name: "Sandbox Confidential App".into(),
                    grant_types: vec![
                        GrantType::ClientCredentials,
                        GrantType::Password,
                        GrantType::AuthorizationCode,
                        GrantType::RefreshToken,
                        GrantType::JwtBearer,
                        GrantType::DeviceCode,
                        GrantType::Implicit,
                    ],
                    redirect_uris: redirect_uris.clone(),
                    roles: vec![SERVICE_ADMINISTRATOR.into()],
                },
                Client {
                    id: "sandbox-cc-only".into(),
                    secret: "sandbox-cc-only-secret".into(),
                    name: "Sandbox Client Credentials Only App".into(),
                    grant_types: vec![GrantType::ClientCredentials],
                    // Registered so that /authorize can redirect its
                    // unauthorized_client error instead of showing a page.
                    redirect_uris,
                    // Reads only: the design-time host answers 403 to its
                    // activate, import, test, resubmit and abort.
                    roles: vec![SERVICE_VIEWER.into(), SERVICE_MONITOR.into()],
                },
            ],
            users: vec![
                User {
                    username: "sandbox.invoker".into(),
                    password: "sandbox-password".into(),
                    id: "sandbox-user-0001".into(),
                    display_name: "Sandbox Invoker".into(),
                    roles: vec![
                        SERVICE_INVOKER.into(),
                        SERVICE_DEVELOPER.into(),
                        SERVICE_MONITOR.into(),
                    ],
                },
                User {
                    username: "sandbox.viewer".into(),
                    password: "sandbox-viewer-password".into(),
                    id: "sandbox-user-0002".into(),
                    display_name: "Sandbox Viewer".into(),
                    roles: vec![SERVICE_VIEWER.into()],
                },
            ],
        }
    }

    pub fn audience(&self) -> &'static str {
        AUDIENCE
    }

    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|client| client.id == id)
    }

    /// User names are case-insensitive in an identity domain.
    pub fn user(&self, username: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|user| user.username.eq_ignore_ascii_case(username))
    }

    /// The OIC application roles of a token's subject: a user's (`sub_type`
    /// `user`) or a client application's; none for an unknown subject.
    pub fn oic_roles(&self, sub: &str, sub_type: &str) -> Vec<String> {
        if sub_type == "user" {
            self.user(sub).map(|u| u.roles.clone()).unwrap_or_default()
        } else {
            self.client(sub)
                .map(|c| c.roles.clone())
                .unwrap_or_default()
        }
    }

    pub fn credentials(&self) -> SandboxCredentials {
        let (full, cc_only) = (&self.clients[0], &self.clients[1]);
        let (invoker, viewer) = (&self.users[0], &self.users[1]);
        SandboxCredentials {
            client_id: full.id.clone(),
            client_secret: full.secret.clone(),
            username: invoker.username.clone(),
            password: invoker.password.clone(),
            audience: AUDIENCE.to_owned(),
            scope_all: format!("{AUDIENCE}{}", scope::CONSUMER_ALL),
            scope_api: format!("{AUDIENCE}{}", scope::DEVELOPER_API),
            redirect_uris: full.redirect_uris.clone(),
            cc_only_client_id: cc_only.id.clone(),
            cc_only_client_secret: cc_only.secret.clone(),
            no_role_username: viewer.username.clone(),
            no_role_password: viewer.password.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_credentials_name_the_sandbox_values() {
        let credentials = Directory::seeded().credentials();
        assert_eq!(credentials.client_id, "sandbox-client");
        assert_eq!(credentials.client_secret, "sandbox-secret");
        assert_eq!(credentials.cc_only_client_id, "sandbox-cc-only");
        assert_eq!(
            credentials.scope_all,
            "https://sandbox.integration.local:443urn:opc:resource:consumer::all"
        );
        assert_eq!(
            credentials.scope_api,
            "https://sandbox.integration.local:443/ic/api/"
        );
    }

    #[test]
    fn user_names_match_without_regard_to_case() {
        let directory = Directory::seeded();
        assert!(directory.user("Sandbox.Invoker").is_some());
        assert!(directory.user("nobody").is_none());
    }
}
