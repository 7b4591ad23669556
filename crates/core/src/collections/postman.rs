//! Postman files: a collection (format v1, v2.0 or v2.1), an environment or
//! globals, read into a profile's saved requests in folders and its
//! variables ([`import`]); and a profile's saved requests and variables
//! written as a v2.1 collection and an environment ([`export_collection`],
//! [`export_environment`]), with no secret value.
//!
//! Token handling is the app's: a request sent with `Authorization: Bearer
//! {{access_token}}` (or `{{token}}`), or a `bearer` auth block of its own or
//! inherited from a folder or the collection, is marked
//! [`SavedRequest::uses_profile_token`] and keeps no Authorization header;
//! an `oauth2` block fills the profile's grant fields; `basic` is the
//! client's authentication at a token endpoint and a header elsewhere.
//! Scripts are not run; the [`Report`] counts them. Pure: no file, keychain
//! or network here.

use super::curl::{is_token_endpoint, TokenFields, TokenImport};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::send::{ApiRequest, FormPart, NameValue, RequestBody};
use crate::store::credentials::{is_credential_field, is_credential_header};
use crate::store::profile::{new_id, SavedFolder, SavedRequest};
use crate::store::GrantType;
use crate::token::ClientAuth;
use base64::Engine;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// What a Postman file holds, read into the profile's types.
#[derive(Debug, Default)]
pub struct Import {
    /// New folders: one named after the collection, its folders inside.
    pub folders: Vec<SavedFolder>,
    pub requests: Vec<SavedRequest>,
    /// An environment's, globals' or the collection's variables.
    pub variables: Vec<NameValue>,
    /// The first `oauth2` block (or `basic` at a token endpoint): the
    /// profile's grant fields, its secrets apart.
    pub grant: Option<TokenImport>,
    pub report: Report,
}

/// What the import did, for the window: imported, changed and skipped,
/// each with why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// "Postman collection v2.1", "Postman environment"...
    pub format: String,
    pub name: String,
    pub requests: usize,
    pub folders: usize,
    pub variables: usize,
    /// Requests that carry a pre-request script or tests (not run).
    pub with_scripts: usize,
    pub imported: Vec<String>,
    pub changed: Vec<String>,
    pub skipped: Vec<String>,
}

fn import_error(reason: impl Into<String>) -> Error {
    Error::Import {
        what: "The Postman file",
        reason: reason.into(),
    }
}

/// Reads a Postman collection, environment or globals file (JSON text).
pub fn import(text: &str) -> Result<Import> {
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| import_error(format!("it is not JSON ({e})")))?;
    if let Some(values) = value.as_array() {
        // Globals as older Postman versions wrote them: a bare array.
        return Ok(variables_file(values, "Postman globals", "Globals"));
    }
    let object = value
        .as_object()
        .ok_or_else(|| import_error("it is not a JSON object"))?;
    if object.contains_key("info") && object.contains_key("item") {
        return v2(object);
    }
    if object.contains_key("requests")
        || (object.contains_key("order") && object.contains_key("folders"))
    {
        return v1(object);
    }
    if let Some(values) = object.get("values").and_then(Value::as_array) {
        let scope = object
            .get("_postman_variable_scope")
            .and_then(Value::as_str)
            .unwrap_or("environment");
        let (format, fallback) = if scope == "globals" {
            ("Postman globals", "Globals")
        } else {
            ("Postman environment", "Environment")
        };
        let mut import = variables_file(values, format, fallback);
        if let Some(name) = str_of(object.get("name")).filter(|n| !n.is_empty()) {
            import.report.name = name;
        }
        return Ok(import);
    }
    Err(import_error(
        "it is neither a collection (info and item, or requests), an environment nor globals (values)",
    ))
}

fn str_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text(value: Option<&Value>) -> String {
    str_of(value).unwrap_or_default()
}

/// Whether a variable's value is a credential: typed secret, or named like
/// password, secret, token or key.
pub fn is_secret_variable(name: &str, kind: Option<&str>) -> bool {
    let lower = name.to_ascii_lowercase();
    kind == Some("secret")
        || ["password", "secret", "token", "key"]
            .iter()
            .any(|w| lower.contains(w))
}

fn variable_rows(values: &[Value], report: &mut Report, source: &str) -> Vec<NameValue> {
    let mut rows = Vec::new();
    for value in values {
        let name = text(value.get("key").or_else(|| value.get("name")));
        if name.trim().is_empty() {
            report
                .skipped
                .push(format!("A {source} variable without a name."));
            continue;
        }
        let kind = value.get("type").and_then(Value::as_str);
        let mut row = NameValue::new(name.trim(), text(value.get("value")));
        row.enabled = value
            .get("enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true)
            && !value
                .get("disabled")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        if is_secret_variable(&row.name, kind) {
            row.secret = true;
            if !row.value.is_empty() {
                report.changed.push(format!(
                    "Variable {}: its value goes to the keychain, not the settings file.",
                    row.name
                ));
            }
        }
        report.imported.push(format!("Variable {}", row.name));
        rows.push(row);
    }
    report.variables += rows.len();
    rows
}

fn variables_file(values: &[Value], format: &str, name: &str) -> Import {
    let mut report = Report {
        format: format.into(),
        name: name.into(),
        ..Report::default()
    };
    let variables = variable_rows(values, &mut report, "");
    Import {
        variables,
        report,
        ..Import::default()
    }
}

/// Reading state shared by both collection formats.
struct Reader {
    import: Import,
}

impl Reader {
    fn new(format: &str, name: &str) -> Reader {
        Reader {
            import: Import {
                report: Report {
                    format: format.into(),
                    name: name.into(),
                    ..Report::default()
                },
                ..Import::default()
            },
        }
    }

    fn folder(&mut self, name: &str, parent: Option<&str>) -> Result<String> {
        let id = new_id()?;
        self.import.folders.push(SavedFolder {
            id: id.clone(),
            name: if name.trim().is_empty() {
                "(unnamed folder)".into()
            } else {
                name.trim().into()
            },
            parent: parent.map(str::to_owned),
        });
        self.import.report.folders += 1;
        Ok(id)
    }

    /// Applies the effective auth block and the Authorization header rule,
    /// then keeps the request.
    #[allow(clippy::too_many_arguments)]
    fn request(
        &mut self,
        path: &str,
        name: &str,
        folder: &str,
        mut request: ApiRequest,
        description: String,
        auth: Option<&Value>,
        scripts: bool,
    ) -> Result<()> {
        let mut uses_token = false;
        // `Authorization: Bearer {{access_token}}`: the profile's token.
        let before = request.headers.len();
        request.headers.retain(|h| !is_token_variable_header(h));
        if request.headers.len() != before {
            uses_token = true;
            self.import.report.changed.push(format!(
                "{path}: Authorization: Bearer {{{{…}}}} became \"uses the profile's token\" (Use Token applies; the header is not stored)."
            ));
        }
        if let Some(auth) = auth {
            uses_token |= self.auth(path, auth, &mut request);
        }
        for header in request.headers.iter().filter(|h| {
            is_credential_header(&h.name) && !h.value.is_empty() && !h.value.contains("{{")
        }) {
            self.import.report.changed.push(format!(
                "{path}: the value of header {} goes to the keychain.",
                header.name
            ));
        }
        if let RequestBody::Form { fields } = &request.body {
            for field in fields.iter().filter(|f| {
                is_credential_field(&f.name) && !f.value.is_empty() && !f.value.contains("{{")
            }) {
                self.import.report.changed.push(format!(
                    "{path}: the value of form field {} goes to the keychain.",
                    field.name
                ));
            }
        }
        if scripts {
            self.import.report.with_scripts += 1;
        }
        self.import.requests.push(SavedRequest {
            id: new_id()?,
            name: if name.trim().is_empty() {
                "(unnamed request)".into()
            } else {
                name.trim().into()
            },
            folder: Some(folder.to_owned()),
            description,
            uses_profile_token: uses_token,
            request,
        });
        self.import.report.requests += 1;
        self.import.report.imported.push(path.to_owned());
        Ok(())
    }

    /// An auth block (v2.0 object or v2.1 list of `{key, value}`); whether
    /// the request is to use the profile's token.
    fn auth(&mut self, path: &str, auth: &Value, request: &mut ApiRequest) -> bool {
        let kind = auth.get("type").and_then(Value::as_str).unwrap_or("noauth");
        let param = |key: &str| auth_param(auth, kind, key);
        match kind {
            "noauth" | "inherit" => false,
            "bearer" => {
                let token = param("token");
                if !token.is_empty() && !token.contains("{{") {
                    self.import.report.changed.push(format!(
                        "{path}: the bearer token written in the collection was left out; the profile's token is used."
                    ));
                }
                true
            }
            "oauth2" => {
                if self.import.grant.is_none() {
                    let grant = match param("grant_type").as_str() {
                        "client_credentials" => Some(GrantType::ClientCredentials),
                        "password" | "password_credentials" => Some(GrantType::Password),
                        "authorization_code" | "authorization_code_with_pkce" => {
                            Some(GrantType::AuthorizationCode)
                        }
                        "implicit" => Some(GrantType::Implicit),
                        "" => None,
                        other => {
                            self.import.report.skipped.push(format!(
                                "{path}: the oauth2 grant {other} is not one OAuth Console starts."
                            ));
                            None
                        }
                    };
                    let secret = param("clientSecret");
                    let password = param("password");
                    let fields = TokenFields {
                        token_url: param("accessTokenUrl"),
                        grant_type: grant,
                        client_id: param("clientId"),
                        client_auth: match param("client_authentication").as_str() {
                            "body" => Some(ClientAuth::RequestBody),
                            "header" => Some(ClientAuth::BasicHeader),
                            _ => None,
                        },
                        scope: param("scope"),
                        username: param("username"),
                        callback_url: param("redirect_uri"),
                        auth_url: param("authUrl"),
                        has_client_secret: !secret.is_empty(),
                        has_password: !password.is_empty(),
                    };
                    self.import.report.changed.push(format!(
                        "{path}: its oauth2 settings filled the Authorization panel{}.",
                        if secret.is_empty() && password.is_empty() {
                            ""
                        } else {
                            " (the client secret and password to the keychain)"
                        }
                    ));
                    self.import.grant = Some(TokenImport {
                        fields,
                        client_secret: (!secret.is_empty()).then(|| Secret::new(secret)),
                        password: (!password.is_empty()).then(|| Secret::new(password)),
                        notes: Vec::new(),
                    });
                }
                true
            }
            "basic" => {
                let (user, password) = (param("username"), param("password"));
                self.basic(path, &user, &password, request);
                false
            }
            "apikey" => {
                let (key, value) = (param("key"), param("value"));
                if param("in") == "query" {
                    request
                        .url
                        .push(if request.url.contains('?') { '&' } else { '?' });
                    request.url.push_str(&format!("{key}={value}"));
                } else {
                    request.headers.push(NameValue::new(key, value));
                }
                false
            }
            other => {
                self.import.report.skipped.push(format!(
                    "{path}: {other} authentication is not supported; set its header by hand."
                ));
                false
            }
        }
    }

    /// Basic authentication: the client's at a token endpoint, a header
    /// elsewhere.
    fn basic(&mut self, path: &str, user: &str, password: &str, request: &mut ApiRequest) {
        if is_token_endpoint(&request.url, "") {
            if self.import.grant.is_none() {
                self.import.grant = Some(TokenImport {
                    fields: TokenFields {
                        token_url: request.url.clone(),
                        client_id: user.to_owned(),
                        client_auth: Some(ClientAuth::BasicHeader),
                        has_client_secret: !password.is_empty(),
                        ..TokenFields::default()
                    },
                    client_secret: (!password.is_empty()).then(|| Secret::new(password.to_owned())),
                    password: None,
                    notes: Vec::new(),
                });
                self.import.report.changed.push(format!(
                    "{path}: its basic authentication is the client's: Client ID filled, the client secret to the keychain."
                ));
            }
            return;
        }
        if user.contains("{{") || password.contains("{{") {
            self.import.report.skipped.push(format!(
                "{path}: basic authentication with variables cannot be encoded ahead; add an Authorization header once the values are known."
            ));
            return;
        }
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request
            .headers
            .push(NameValue::new("Authorization", format!("Basic {encoded}")));
        self.import.report.changed.push(format!(
            "{path}: basic authentication became an Authorization header, kept in the keychain."
        ));
    }
}

/// `Authorization: Bearer {{access_token}}` (any variable named like a token).
fn is_token_variable_header(header: &NameValue) -> bool {
    if !header.name.trim().eq_ignore_ascii_case("authorization") {
        return false;
    }
    let value = header.value.trim();
    let Some(rest) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    else {
        return false;
    };
    let rest = rest.trim();
    rest.starts_with("{{")
        && rest.ends_with("}}")
        && rest[2..rest.len() - 2]
            .to_ascii_lowercase()
            .contains("token")
}

/// A parameter of an auth block: v2.1 `{"bearer": [{"key": "token", "value": …}]}`,
/// v2.0 `{"bearer": {"token": …}}`, v1 `{"bearer": {…}}` alike.
fn auth_param(auth: &Value, kind: &str, key: &str) -> String {
    match auth.get(kind) {
        Some(Value::Array(list)) => list
            .iter()
            .find(|p| p.get("key").and_then(Value::as_str) == Some(key))
            .map(|p| text(p.get("value")))
            .unwrap_or_default(),
        Some(Value::Object(map)) => text(map.get(key)),
        _ => String::new(),
    }
}

fn description_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => text(o.get("content")),
        _ => String::new(),
    }
}

fn has_scripts(events: Option<&Value>) -> bool {
    events.and_then(Value::as_array).is_some_and(|events| {
        events.iter().any(|e| {
            let exec = e.pointer("/script/exec");
            match exec {
                Some(Value::Array(lines)) => lines
                    .iter()
                    .any(|l| l.as_str().is_some_and(|l| !l.trim().is_empty())),
                Some(Value::String(s)) => !s.trim().is_empty(),
                _ => false,
            }
        })
    })
}

// ---- v2.0 and v2.1 ---------------------------------------------------------

fn v2(collection: &Map<String, Value>) -> Result<Import> {
    let info = collection.get("info").cloned().unwrap_or(Value::Null);
    let schema = text(info.get("schema"));
    let format = if schema.contains("v2.0") {
        "Postman collection v2.0"
    } else {
        "Postman collection v2.1"
    };
    let name = text(info.get("name"));
    let mut reader = Reader::new(format, &name);
    if let Some(vars) = collection.get("variable").and_then(Value::as_array) {
        let rows = variable_rows(vars, &mut reader.import.report, "collection");
        reader.import.variables = rows;
    }
    let top = reader.folder(
        if name.is_empty() {
            "Imported collection"
        } else {
            &name
        },
        None,
    )?;
    let scripts = has_scripts(collection.get("event"));
    if scripts {
        reader
            .import
            .report
            .changed
            .push("The collection's scripts are not run.".into());
    }
    let auth = collection.get("auth").filter(|a| !a.is_null());
    let items = collection
        .get("item")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    v2_items(&mut reader, &items, &top, &name, auth, scripts)?;
    Ok(reader.import)
}

fn v2_items(
    reader: &mut Reader,
    items: &[Value],
    folder: &str,
    path: &str,
    auth: Option<&Value>,
    scripts: bool,
) -> Result<()> {
    for item in items {
        let name = text(item.get("name"));
        let here = format!("{path}/{name}");
        // An item's own auth wins; `inherit` (or none) takes the parent's.
        let own = item
            .get("auth")
            .filter(|a| !a.is_null() && a.get("type").and_then(Value::as_str) != Some("inherit"));
        let effective = own.or(auth);
        let item_scripts = scripts || has_scripts(item.get("event"));
        if let Some(children) = item.get("item").and_then(Value::as_array) {
            let id = reader.folder(&name, Some(folder))?;
            v2_items(reader, children, &id, &here, effective, item_scripts)?;
            continue;
        }
        let Some(request) = item.get("request") else {
            reader
                .import
                .report
                .skipped
                .push(format!("{here}: neither a folder nor a request."));
            continue;
        };
        let (api, description) = v2_request(reader, &here, request);
        let description = if description.is_empty() {
            description_of(item.get("description"))
        } else {
            description
        };
        let request_auth = request
            .get("auth")
            .filter(|a| !a.is_null() && a.get("type").and_then(Value::as_str) != Some("inherit"));
        reader.request(
            &here,
            &name,
            folder,
            api,
            description,
            request_auth.or(effective),
            item_scripts,
        )?;
    }
    Ok(())
}

fn v2_url(url: Option<&Value>) -> String {
    match url {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => {
            let mut raw = match str_of(o.get("raw")) {
                Some(raw) => raw,
                None => {
                    let join = |v: Option<&Value>, sep: &str| match v {
                        Some(Value::Array(parts)) => parts
                            .iter()
                            .map(|p| text(Some(p)))
                            .collect::<Vec<_>>()
                            .join(sep),
                        other => text(other),
                    };
                    let protocol = text(o.get("protocol"));
                    let host = join(o.get("host"), ".");
                    let port = text(o.get("port"));
                    let path = join(o.get("path"), "/");
                    let mut url = String::new();
                    if !protocol.is_empty() {
                        url.push_str(&format!("{protocol}://"));
                    }
                    url.push_str(&host);
                    if !port.is_empty() {
                        url.push_str(&format!(":{port}"));
                    }
                    if !path.is_empty() {
                        url.push('/');
                        url.push_str(&path);
                    }
                    let query: Vec<String> = o
                        .get("query")
                        .and_then(Value::as_array)
                        .map(|q| {
                            q.iter()
                                .filter(|p| {
                                    !p.get("disabled").and_then(Value::as_bool).unwrap_or(false)
                                })
                                .map(|p| match p.get("value").filter(|v| !v.is_null()) {
                                    Some(v) => format!("{}={}", text(p.get("key")), text(Some(v))),
                                    None => text(p.get("key")),
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    if !query.is_empty() {
                        url.push('?');
                        url.push_str(&query.join("&"));
                    }
                    url
                }
            };
            // Path variables (`/:id`) with a value.
            if let Some(vars) = o.get("variable").and_then(Value::as_array) {
                for var in vars {
                    let (key, value) = (text(var.get("key")), text(var.get("value")));
                    if !key.is_empty() && !value.is_empty() {
                        raw = replace_path_variable(&raw, &key, &value);
                    }
                }
            }
            raw
        }
        _ => String::new(),
    }
}

fn replace_path_variable(url: &str, key: &str, value: &str) -> String {
    let needle = format!("/:{key}");
    let mut out = String::new();
    let mut rest = url;
    while let Some(at) = rest.find(&needle) {
        let end = at + needle.len();
        let boundary = rest[end..]
            .chars()
            .next()
            .map_or(true, |c| matches!(c, '/' | '?' | '#'));
        out.push_str(&rest[..at]);
        if boundary {
            out.push('/');
            out.push_str(value);
        } else {
            out.push_str(&needle);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn rows_of(list: Option<&Value>) -> Vec<NameValue> {
    list.and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| NameValue {
                    name: text(r.get("key")),
                    value: text(r.get("value")),
                    enabled: !r.get("disabled").and_then(Value::as_bool).unwrap_or(false)
                        && r.get("enabled").and_then(Value::as_bool).unwrap_or(true),
                    secret: false,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn headers_of(value: Option<&Value>) -> Vec<NameValue> {
    match value {
        Some(Value::String(lines)) => header_lines(lines),
        other => rows_of(other),
    }
}

/// v1's `headers`: `Name: value` lines; `//` comments a header out.
fn header_lines(lines: &str) -> Vec<NameValue> {
    lines
        .lines()
        .filter_map(|line| {
            let (disabled, line) = match line.trim().strip_prefix("//") {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let (name, value) = line.split_once(':')?;
            let mut row = NameValue::new(name.trim(), value.trim());
            row.enabled = !disabled;
            (!row.name.is_empty()).then_some(row)
        })
        .collect()
}

fn content_type(headers: &[NameValue]) -> Option<String> {
    headers
        .iter()
        .find(|h| h.enabled && h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.to_ascii_lowercase())
}

fn file_src(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Array(list)) => list.iter().find_map(|v| v.as_str().map(str::to_owned)),
        _ => None,
    }
}

fn v2_request(reader: &mut Reader, path: &str, request: &Value) -> (ApiRequest, String) {
    if let Value::String(url) = request {
        return (
            ApiRequest {
                url: url.clone(),
                ..ApiRequest::default()
            },
            String::new(),
        );
    }
    let mut headers = headers_of(request.get("header"));
    let body = request.get("body").filter(|b| !b.is_null());
    let body = match body {
        None => RequestBody::None,
        Some(body) => {
            if body
                .get("disabled")
                .and_then(Value::as_bool)
                .unwrap_or(false)
            {
                RequestBody::None
            } else {
                match body.get("mode").and_then(Value::as_str).unwrap_or("") {
                    "raw" => {
                        let raw = text(body.get("raw"));
                        let language = body
                            .pointer("/options/raw/language")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        raw_body(raw, language, &headers)
                    }
                    "urlencoded" => RequestBody::Form {
                        fields: rows_of(body.get("urlencoded")),
                    },
                    "formdata" => multipart(reader, path, body.get("formdata"), &mut headers),
                    "file" => file_body(reader, path, body.pointer("/file/src"), &mut headers),
                    "graphql" => {
                        let query = body
                            .pointer("/graphql/query")
                            .cloned()
                            .unwrap_or(Value::Null);
                        let variables = body
                            .pointer("/graphql/variables")
                            .and_then(Value::as_str)
                            .and_then(|v| serde_json::from_str::<Value>(v).ok())
                            .unwrap_or(Value::Null);
                        reader.import.report.changed.push(format!(
                            "{path}: its GraphQL body became a JSON body {{query, variables}}."
                        ));
                        RequestBody::Json {
                            text: serde_json::to_string_pretty(
                                &json!({"query": query, "variables": variables}),
                            )
                            .unwrap_or_default(),
                        }
                    }
                    "" | "none" => RequestBody::None,
                    other => {
                        reader
                            .import
                            .report
                            .skipped
                            .push(format!("{path}: the body mode {other} is not supported."));
                        RequestBody::None
                    }
                }
            }
        }
    };
    let request_out = ApiRequest {
        method: str_of(request.get("method"))
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_else(|| "GET".into()),
        url: v2_url(request.get("url")),
        headers,
        body,
        ..ApiRequest::default()
    };
    (request_out, description_of(request.get("description")))
}

fn raw_body(raw: String, language: &str, headers: &[NameValue]) -> RequestBody {
    if raw.is_empty() {
        return RequestBody::None;
    }
    let json = language == "json" || content_type(headers).is_some_and(|t| t.contains("json"));
    if json {
        RequestBody::Json { text: raw }
    } else {
        RequestBody::Text { text: raw }
    }
}

fn multipart(
    reader: &mut Reader,
    path: &str,
    list: Option<&Value>,
    headers: &mut Vec<NameValue>,
) -> RequestBody {
    let before = headers.len();
    // The sender writes multipart's Content-Type with its boundary.
    headers.retain(|h| {
        !(h.name.eq_ignore_ascii_case("content-type")
            && h.value.to_ascii_lowercase().starts_with("multipart/"))
    });
    if headers.len() != before {
        reader.import.report.changed.push(format!("{path}: its Content-Type: multipart/form-data header was left out (the boundary is set at Send)."));
    }
    let parts = list
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .map(|p| {
                    let name = text(p.get("key"));
                    let mut part = if p.get("type").and_then(Value::as_str) == Some("file") {
                        let src = file_src(p.get("src"));
                        if src.is_none() {
                            reader.import.report.changed.push(format!("{path}: file part {name} has no file chosen; choose it before Send."));
                        }
                        FormPart::file(name, src.unwrap_or_default())
                    } else {
                        FormPart::text(name, text(p.get("value")))
                    };
                    part.enabled = !p.get("disabled").and_then(Value::as_bool).unwrap_or(false);
                    part.content_type = str_of(p.get("contentType")).filter(|t| !t.is_empty());
                    part
                })
                .collect()
        })
        .unwrap_or_default();
    RequestBody::Multipart { parts }
}

/// A file as the body; its `Content-Type` header becomes the body's own.
fn file_body(
    reader: &mut Reader,
    path: &str,
    src: Option<&Value>,
    headers: &mut Vec<NameValue>,
) -> RequestBody {
    let src = file_src(src);
    if src.is_none() {
        reader.import.report.changed.push(format!(
            "{path}: its file body has no file chosen; choose it before Send."
        ));
    }
    let content_type = headers
        .iter()
        .find(|h| h.enabled && h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.clone())
        .unwrap_or_default();
    if !content_type.is_empty() {
        headers.retain(|h| !h.name.eq_ignore_ascii_case("content-type"));
    }
    RequestBody::File {
        path: src.unwrap_or_default(),
        content_type,
    }
}

// ---- v1 ----------------------------------------------------------------------

fn v1(collection: &Map<String, Value>) -> Result<Import> {
    let name = text(collection.get("name"));
    let mut reader = Reader::new("Postman collection v1", &name);
    let top = reader.folder(
        if name.is_empty() {
            "Imported collection"
        } else {
            &name
        },
        None,
    )?;
    let requests: Vec<Value> = collection
        .get("requests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let folders: Vec<Value> = collection
        .get("folders")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let by_id = |id: &str| requests.iter().find(|r| text(r.get("id")) == id);
    let folder_by_id = |id: &str| folders.iter().find(|f| text(f.get("id")) == id);
    let auth = collection.get("auth").filter(|a| !a.is_null()).cloned();
    if has_v1_scripts(collection) {
        reader
            .import
            .report
            .changed
            .push("The collection's scripts are not run.".into());
    }
    let mut placed = std::collections::HashSet::new();
    // Folders named by `folders_order` are the top ones; sub-folders are
    // named by their parent's `folders_order` (or, failing that, every
    // folder is at the top).
    let nested: std::collections::HashSet<String> = folders
        .iter()
        .flat_map(|f| {
            f.get("folders_order")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let top_order: Vec<String> = match collection.get("folders_order").and_then(Value::as_array) {
        Some(order) => order
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        None => folders
            .iter()
            .map(|f| text(f.get("id")))
            .filter(|id| !nested.contains(id))
            .collect(),
    };
    struct Walk<'a> {
        by_id: &'a dyn Fn(&str) -> Option<&'a Value>,
        folder_by_id: &'a dyn Fn(&str) -> Option<&'a Value>,
    }
    #[allow(clippy::too_many_arguments)]
    fn walk_folder(
        reader: &mut Reader,
        walk: &Walk<'_>,
        folder: &Value,
        parent: &str,
        path: &str,
        auth: Option<&Value>,
        placed: &mut std::collections::HashSet<String>,
        depth: usize,
    ) -> Result<()> {
        if depth > 32 {
            return Ok(());
        }
        let name = text(folder.get("name"));
        let here = format!("{path}/{name}");
        let id = reader.folder(&name, Some(parent))?;
        let own = folder.get("auth").filter(|a| !a.is_null());
        let effective = own.or(auth);
        for sub in folder
            .get("folders_order")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Some(sub) = sub.as_str().and_then(|s| (walk.folder_by_id)(s)) {
                walk_folder(reader, walk, sub, &id, &here, effective, placed, depth + 1)?;
            }
        }
        for request_id in folder
            .get("order")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Some(request) = request_id.as_str().and_then(|r| (walk.by_id)(r)) {
                placed.insert(text(request.get("id")));
                v1_request(reader, request, &id, &here, effective)?;
            }
        }
        Ok(())
    }
    let walk = Walk {
        by_id: &by_id,
        folder_by_id: &folder_by_id,
    };
    for folder_id in &top_order {
        if let Some(folder) = folder_by_id(folder_id) {
            walk_folder(
                &mut reader,
                &walk,
                folder,
                &top,
                &name,
                auth.as_ref(),
                &mut placed,
                0,
            )?;
        }
    }
    // The top level's own requests: `order`, then any not placed anywhere.
    let mut top_ids: Vec<String> = collection
        .get("order")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for request in &requests {
        let id = text(request.get("id"));
        if !placed.contains(&id) && !top_ids.contains(&id) {
            top_ids.push(id);
        }
    }
    for id in top_ids {
        if placed.contains(&id) {
            continue;
        }
        if let Some(request) = by_id(&id) {
            placed.insert(id);
            v1_request(&mut reader, request, &top, &name, auth.as_ref())?;
        }
    }
    Ok(reader.import)
}

fn has_v1_scripts(item: &Map<String, Value>) -> bool {
    ["preRequestScript", "tests"].iter().any(|k| {
        item.get(*k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty())
    }) || has_scripts(item.get("events"))
}

fn v1_request(
    reader: &mut Reader,
    request: &Value,
    folder: &str,
    path: &str,
    auth: Option<&Value>,
) -> Result<()> {
    let name = text(request.get("name"));
    let here = format!("{path}/{name}");
    let mut headers = match request.get("headerData").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => rows_of(request.get("headerData")),
        _ => header_lines(&text(request.get("headers"))),
    };
    let mode = text(request.get("dataMode"));
    let body = match mode.as_str() {
        "raw" => raw_body(text(request.get("rawModeData")), "", &headers),
        "urlencoded" => RequestBody::Form {
            fields: rows_of(request.get("data")),
        },
        "params" => {
            // v1's form-data: `{key, value, type: "text" | "file"}`.
            let list = request.get("data").cloned().map(|v| {
                Value::Array(
                    v.as_array()
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|mut p| {
                            if p.get("type").and_then(Value::as_str) == Some("file")
                                && p.get("src").is_none()
                            {
                                let value = p.get("value").cloned().unwrap_or(Value::Null);
                                p["src"] = value;
                            }
                            p
                        })
                        .collect(),
                )
            });
            multipart(reader, &here, list.as_ref(), &mut headers)
        }
        "binary" => file_body(
            reader,
            &here,
            request.get("rawModeData").or(request.get("src")),
            &mut headers,
        ),
        _ => RequestBody::None,
    };
    let api = ApiRequest {
        method: str_of(request.get("method"))
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_else(|| "GET".into()),
        url: text(request.get("url")),
        headers,
        body,
        ..ApiRequest::default()
    };
    let scripts = request.as_object().is_some_and(has_v1_scripts);
    // v1's helper: `{"id": "basic", "username", "password"}` (or `bearer`).
    let helper = request.get("helperAttributes").filter(|h| h.is_object()).map(|h| {
        let id = text(h.get("id"));
        match id.as_str() {
            "basic" => json!({"type": "basic", "basic": {"username": text(h.get("username")), "password": text(h.get("password"))}}),
            "bearer" => json!({"type": "bearer", "bearer": {"token": text(h.get("token"))}}),
            other => json!({"type": other}),
        }
    });
    let own = request.get("auth").filter(|a| !a.is_null()).cloned();
    let effective = own.or(helper);
    reader.request(
        &here,
        &name,
        folder,
        api,
        description_of(request.get("description")),
        effective.as_ref().or(auth),
        scripts,
    )
}

// ---- Export --------------------------------------------------------------------

/// The profile's saved requests as a Postman v2.1 collection named `name`:
/// folders as items, each request with its name, description, method, URL,
/// headers and body; a request that uses the profile's token gets a `bearer`
/// auth of `{{access_token}}`. No secret value: a secret row's value is
/// empty, as in the settings file.
pub fn export_collection(name: &str, folders: &[SavedFolder], requests: &[SavedRequest]) -> Value {
    fn items(
        parent: Option<&str>,
        folders: &[SavedFolder],
        requests: &[SavedRequest],
        depth: usize,
    ) -> Vec<Value> {
        let mut out = Vec::new();
        if depth > 64 {
            return out;
        }
        for folder in folders.iter().filter(|f| f.parent.as_deref() == parent) {
            out.push(json!({"name": folder.name, "item": items(Some(&folder.id), folders, requests, depth + 1)}));
        }
        for saved in requests.iter().filter(|r| r.folder.as_deref() == parent) {
            out.push(export_request(saved));
        }
        out
    }
    json!({
        "info": {
            "name": name,
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "item": items(None, folders, requests, 0)
    })
}

/// Rows with the value of each credential row (as the settings file keeps
/// them: `credentials`) left empty.
fn export_rows(rows: &[NameValue], credential: fn(&str) -> bool) -> Vec<Value> {
    rows.iter()
        .map(|r| {
            let secret = r.is_secret() || credential(&r.name);
            let mut row =
                json!({"key": r.name, "value": if secret { "" } else { r.value.as_str() }});
            if !r.enabled {
                row["disabled"] = json!(true);
            }
            row
        })
        .collect()
}

fn export_request(saved: &SavedRequest) -> Value {
    let r = &saved.request;
    let body = match &r.body {
        RequestBody::None => Value::Null,
        RequestBody::Json { text } => {
            json!({"mode": "raw", "raw": text, "options": {"raw": {"language": "json"}}})
        }
        RequestBody::Text { text } => {
            json!({"mode": "raw", "raw": text, "options": {"raw": {"language": "text"}}})
        }
        RequestBody::Form { fields } => {
            json!({"mode": "urlencoded", "urlencoded": export_rows(fields, is_credential_field)})
        }
        RequestBody::Multipart { parts } => {
            json!({"mode": "formdata", "formdata": parts.iter().map(|p| {
            let mut part = match &p.file {
                Some(src) => json!({"key": p.name, "type": "file", "src": src}),
                None => json!({"key": p.name, "type": "text", "value": if p.is_secret() || is_credential_field(&p.name) { "" } else { p.value.as_str() }}),
            };
            if let Some(t) = &p.content_type { part["contentType"] = json!(t); }
            if !p.enabled { part["disabled"] = json!(true); }
            part
        }).collect::<Vec<_>>()})
        }
        RequestBody::File { path, .. } => json!({"mode": "file", "file": {"src": path}}),
    };
    let mut headers = export_rows(&r.headers, is_credential_header);
    if let RequestBody::File { content_type, .. } = &r.body {
        if !content_type.is_empty()
            && !r
                .headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("content-type"))
        {
            headers.push(json!({"key": "Content-Type", "value": content_type}));
        }
    }
    let mut request = json!({
        "method": r.method,
        "header": headers,
        "url": {"raw": r.url},
    });
    if !body.is_null() {
        request["body"] = body;
    }
    if !saved.description.is_empty() {
        request["description"] = json!(saved.description);
    }
    if saved.uses_profile_token {
        request["auth"] = json!({"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}", "type": "string"}]});
    }
    json!({"name": saved.name, "request": request})
}

/// The profile's variables as a Postman environment: a secret variable's
/// value is empty and typed `secret`.
pub fn export_environment(name: &str, variables: &[NameValue]) -> Value {
    json!({
        "name": name,
        "_postman_variable_scope": "environment",
        "values": variables.iter().map(|v| json!({
            "key": v.name,
            "value": if v.secret { "" } else { v.value.as_str() },
            "type": if v.secret { "secret" } else { "default" },
            "enabled": v.enabled,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests;
