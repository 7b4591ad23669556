//! Import: Paste cURL into the request or Authorization panel, Postman
//! collections, environments and globals into a profile's saved requests and
//! variables, and Export back to Postman. The parsing is the core's
//! (`collections`); here the secrets go to the keychain through the same
//! paths as the Authorization panel's fields.

use super::blocking;
use oauth_console_core::collections::curl::{self, TokenFields};
use oauth_console_core::collections::postman;
use oauth_console_core::send::{ApiRequest, NameValue};
use oauth_console_core::store::profile::{SavedFolder, SavedRequest};
use oauth_console_core::store::{self, SecretKind};
use oauth_console_core::{Error, IpcError};
use serde::Serialize;
use std::io::Read;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// A pasted curl command as the window applies it: the request panel's
/// request, or (a token request) the Authorization panel's fields, whose
/// secrets are already in the keychain.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurlView {
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<ApiRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<TokenFields>,
    notes: Vec<String>,
}

/// Paste cURL: reads `command`; when it asks a token endpoint (Oracle's
/// `/oauth2/v1/token` or `token_url`, the profile's Access Token URL) for a
/// token, its client secret and password are kept for the profile as if
/// typed into the Authorization panel.
#[tauri::command]
pub async fn import_curl(
    app: AppHandle,
    profile_id: String,
    command: String,
    token_url: Option<String>,
) -> Result<CurlView, IpcError> {
    blocking(&app, move |state| {
        let parsed = curl::parse(&command)?;
        let mut notes = parsed.notes;
        let Some(import) =
            curl::token_fields(&parsed.request, token_url.as_deref().unwrap_or_default())
        else {
            return Ok(CurlView {
                request: Some(parsed.request),
                token: None,
                notes,
            });
        };
        notes.extend(import.notes);
        let _one_at_a_time = state.placing_passwords();
        let remember = state.store().profile(&profile_id)?.remember_password;
        let origin_url = import.fields.token_url.clone();
        for (kind, secret) in [
            (SecretKind::ClientSecret, &import.client_secret),
            (SecretKind::Password, &import.password),
        ] {
            if let Some(secret) = secret.as_ref().filter(|s| !s.is_empty()) {
                store::keep_secret(&state.vault, &profile_id, kind, secret, remember)?;
                state
                    .store()
                    .record_secret_origin(&profile_id, kind, &origin_url)?;
                notes.push(format!(
                    "The {} was saved {}.",
                    kind.label(),
                    if kind == SecretKind::Password && !remember {
                        "for this session (Remember password is off)"
                    } else {
                        "in the keychain"
                    }
                ));
            }
        }
        Ok(CurlView {
            request: None,
            token: Some(import.fields),
            notes,
        })
    })
    .await
}

/// The most of a Postman file that is read: Oracle's largest sample is 2.8 MB.
const POSTMAN_FILE_LIMIT: u64 = 64 * 1024 * 1024;

/// An imported Postman file as the window merges it into the profile: new
/// folders and saved requests, variables (an environment's values, secret
/// ones included: the profile's save keeps them in the keychain), the
/// Authorization panel's fields from an `oauth2` block (its secrets already
/// in the keychain), and the report.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostmanView {
    folders: Vec<SavedFolder>,
    requests: Vec<SavedRequest>,
    variables: Vec<NameValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<TokenFields>,
    report: postman::Report,
}

fn read_limited(path: &str) -> Result<String, Error> {
    let storage = |detail: String| Error::Storage {
        action: "read",
        path: path.to_owned(),
        detail,
    };
    let file = std::fs::File::open(path).map_err(|e| storage(e.to_string()))?;
    let mut text = String::new();
    file.take(POSTMAN_FILE_LIMIT + 1)
        .read_to_string(&mut text)
        .map_err(|e| storage(e.to_string()))?;
    if text.len() as u64 > POSTMAN_FILE_LIMIT {
        return Err(Error::Import {
            what: "The Postman file",
            reason: "it is larger than 64 MB".into(),
        });
    }
    Ok(text)
}

/// Import…: a Postman collection, environment or globals file, from `path`
/// (typed or chosen) or pasted `text`.
#[tauri::command]
pub async fn import_postman(
    app: AppHandle,
    profile_id: String,
    path: Option<String>,
    text: Option<String>,
) -> Result<PostmanView, IpcError> {
    blocking(&app, move |state| {
        let text = match (
            path.as_deref().map(str::trim).filter(|p| !p.is_empty()),
            text,
        ) {
            (Some(path), _) => read_limited(path)?,
            (None, Some(text)) if !text.trim().is_empty() => text,
            _ => return Err(Error::MissingField { field: "File path" }.into()),
        };
        let import = postman::import(&text)?;
        let _one_at_a_time = state.placing_passwords();
        let remember = state.store().profile(&profile_id)?.remember_password;
        let mut report = import.report;
        let token = match import.grant {
            Some(grant) => {
                for (kind, secret) in [
                    (SecretKind::ClientSecret, &grant.client_secret),
                    (SecretKind::Password, &grant.password),
                ] {
                    if let Some(secret) = secret
                        .as_ref()
                        .filter(|s| !s.is_empty() && !s.expose().contains("{{"))
                    {
                        store::keep_secret(&state.vault, &profile_id, kind, secret, remember)?;
                        state.store().record_secret_origin(
                            &profile_id,
                            kind,
                            &grant.fields.token_url,
                        )?;
                    }
                }
                Some(grant.fields)
            }
            None => None,
        };
        report.changed.sort();
        Ok(PostmanView {
            folders: import.folders,
            requests: import.requests,
            variables: import.variables,
            token,
            report,
        })
    })
    .await
}

/// "Choose file…" for Import…: the path picked, or `None` when cancelled.
#[tauri::command]
pub async fn choose_import_file(app: AppHandle) -> Result<Option<String>, IpcError> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Import a Postman collection, environment or globals")
        .add_filter("Postman (JSON)", &["json"])
        .add_filter("All files", &["*"]);
    Ok(super::dialogs::shown(super::dialogs::pick(dialog).await?))
}

/// "Choose…" for Export: where to write the collection (the environment
/// goes beside it), or `None` when cancelled.
#[tauri::command]
pub async fn choose_export_file(app: AppHandle) -> Result<Option<String>, IpcError> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Export as a Postman collection")
        .set_file_name("oauth-console.postman_collection.json")
        .add_filter("Postman (JSON)", &["json"]);
    Ok(super::dialogs::shown(super::dialogs::save(dialog).await?))
}

/// Export: the profile's saved requests as a Postman v2.1 collection at
/// `path`, and its variables as an environment beside it
/// (`<name>.postman_environment.json`), no secret value in either. Returns
/// the paths written.
#[tauri::command]
pub async fn export_postman(
    app: AppHandle,
    profile_id: String,
    path: String,
) -> Result<Vec<String>, IpcError> {
    blocking(&app, move |state| {
        let profile = state.store().profile(&profile_id)?.clone();
        let path = std::path::PathBuf::from(path.trim());
        if path.as_os_str().is_empty() {
            return Err(Error::MissingField { field: "File path" }.into());
        }
        let collection = postman::export_collection(
            &profile.name,
            &profile.saved_folders,
            &profile.saved_requests,
        );
        let environment = postman::export_environment(&profile.name, &profile.variables);
        let env_path = path.with_file_name(format!(
            "{}.postman_environment.json",
            path.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("export")
                .trim_end_matches(".postman_collection")
        ));
        let write = |p: &std::path::Path, value: &serde_json::Value| {
            std::fs::write(p, serde_json::to_vec_pretty(value).unwrap_or_default()).map_err(|e| {
                Error::Storage {
                    action: "write",
                    path: p.display().to_string(),
                    detail: e.to_string(),
                }
            })
        };
        write(&path, &collection)?;
        write(&env_path, &environment)?;
        Ok(vec![
            path.display().to_string(),
            env_path.display().to_string(),
        ])
    })
    .await
}
