//! The settings file on disk: written atomically, so that a crash or a kill
//! at any moment leaves either the old or the new content, and moved aside
//! (never overwritten) when it cannot be read.
//!
//! A write goes to a temporary file in the same folder, is flushed to disk,
//! renamed over the file, and the folder is flushed so that the rename itself
//! survives a power loss. Only this module touches the file system.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The settings file's name inside the app's config folder.
pub const FILE_NAME: &str = "profiles.json";

const TEMP_SUFFIX: &str = ".tmp";

/// What was found at the file's path.
pub(crate) enum Found {
    Missing,
    Bytes(Vec<u8>),
    Unreadable(io::Error),
}

pub(crate) fn read(path: &Path) -> Found {
    match fs::read(path) {
        Ok(bytes) => Found::Bytes(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Found::Missing,
        Err(e) => Found::Unreadable(e),
    }
}

/// Replaces the file at `path` with `bytes`, atomically.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = parent(path);
    let temp = dir.join(format!(
        "{}{}.{}{TEMP_SUFFIX}",
        temp_prefix(path),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = create_private(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    sync_dir(dir)
}

/// Removes temporary files left by a write that was killed half-way.
pub(crate) fn remove_stale_temp_files(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = fs::read_dir(parent(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(TEMP_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Renames the file to `<name>.<label>-<UTC time>` so that nothing
/// overwrites it, and returns the new path.
pub(crate) fn move_aside(path: &Path, label: &str, now: SystemTime) -> io::Result<PathBuf> {
    let target = aside_path(path, label, now);
    fs::rename(path, &target)?;
    sync_dir(parent(path))?;
    Ok(target)
}

/// Copies the file to `<name>.<label>-<UTC time>`, keeping the original.
/// The copy is created readable by this user only, like the file itself.
pub(crate) fn copy_aside(path: &Path, label: &str, now: SystemTime) -> io::Result<PathBuf> {
    let target = aside_path(path, label, now);
    let bytes = fs::read(path)?;
    let mut file = create_private(&target)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    sync_dir(parent(path))?;
    Ok(target)
}

/// Creates a new folder `<prefix><16 random hex digits>` in `parent`,
/// usable by this user only (0700), the way `mkdtemp` does: the name cannot
/// be guessed in advance, and a path that already exists (a folder or a
/// link someone else planted) is never reused.
pub(crate) fn create_private_dir(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    let mut last = None;
    for _ in 0..16 {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let dir = parent.join(format!("{prefix}{name}"));
        match private_dir_builder().create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free folder name")))
}

#[cfg(unix)]
fn private_dir_builder() -> fs::DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut builder = fs::DirBuilder::new();
    builder.mode(0o700);
    builder
}

#[cfg(not(unix))]
fn private_dir_builder() -> fs::DirBuilder {
    fs::DirBuilder::new()
}

fn aside_path(path: &Path, label: &str, now: SystemTime) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stamp = compact_utc(unix_seconds(now));
    let base = parent(path).join(format!("{name}.{label}-{stamp}"));
    let mut candidate = base.clone();
    let mut n = 1;
    while candidate.symlink_metadata().is_ok() {
        candidate = PathBuf::from(format!("{}-{n}", base.display()));
        n += 1;
    }
    candidate
}

fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Flushes a folder's entries (the rename) to disk. Windows has no such call;
/// its rename is journaled by NTFS.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `20240131T235959Z`, for file names.
fn compact_utc(seconds: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(seconds);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// `2024-01-31 23:59 UTC`, for names the user reads.
pub(crate) fn readable_utc(seconds: u64) -> String {
    let (y, mo, d, h, mi, _) = civil(seconds);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// Unix seconds to the UTC calendar (Howard Hinnant's `civil_from_days`).
fn civil(seconds: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rest / 3600) as u32,
        (rest % 3600 / 60) as u32,
        (rest % 60) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    struct Dir(PathBuf);

    impl Dir {
        fn new(tag: &str) -> Dir {
            let dir = std::env::temp_dir().join(format!(
                "oc-file-{tag}-{}-{}",
                std::process::id(),
                crate::store::profile::new_id().unwrap()
            ));
            fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn dates_are_converted_to_the_utc_calendar() {
        assert_eq!(compact_utc(0), "19700101T000000Z");
        assert_eq!(readable_utc(951_827_696), "2000-02-29 12:34 UTC");
        assert_eq!(compact_utc(1_735_689_599), "20241231T235959Z");
        assert_eq!(compact_utc(4_107_542_400), "21000301T000000Z");
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = Dir::new("write");
        let path = dir.0.join(FILE_NAME);
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(&dir.0)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, [FILE_NAME], "only the file itself remains");
    }

    #[test]
    fn stale_temporary_files_are_removed_and_others_kept() {
        let dir = Dir::new("stale");
        let path = dir.0.join(FILE_NAME);
        fs::write(dir.0.join(".profiles.json.123.0.tmp"), b"half").unwrap();
        fs::write(dir.0.join("notes.tmp"), b"mine").unwrap();
        remove_stale_temp_files(&path);
        assert!(!dir.0.join(".profiles.json.123.0.tmp").exists());
        assert!(
            dir.0.join("notes.tmp").exists(),
            "files that are not ours stay"
        );
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn the_copy_kept_aside_is_readable_by_this_user_only_like_the_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = Dir::new("copy-mode");
        let path = dir.0.join(FILE_NAME);
        write_atomic(&path, b"{\"version\": 99}").unwrap();
        // Even if the file itself was left readable by others.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let copy = copy_aside(&path, "v99", UNIX_EPOCH).unwrap();
        assert_eq!(mode(&copy), 0o600, "the copy is created 0600");
        assert_eq!(fs::read(&copy).unwrap(), b"{\"version\": 99}");
        assert!(path.exists(), "the original stays");
    }

    #[cfg(unix)]
    #[test]
    fn a_private_folder_has_an_unguessable_name_and_mode_0700() {
        let dir = Dir::new("private-dir");
        let a = create_private_dir(&dir.0, "oauth-console-").unwrap();
        let b = create_private_dir(&dir.0, "oauth-console-").unwrap();
        assert_ne!(a, b, "each folder gets a fresh random name");
        for made in [&a, &b] {
            assert_eq!(mode(made), 0o700, "{}", made.display());
            let name = made.file_name().unwrap().to_string_lossy().into_owned();
            let suffix = name.strip_prefix("oauth-console-").unwrap();
            assert_eq!(suffix.len(), 16, "{name}");
            assert!(suffix.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
            assert_ne!(
                suffix,
                std::process::id().to_string(),
                "not named after the process id"
            );
        }
    }

    #[test]
    fn moving_aside_twice_in_the_same_second_keeps_both_copies() {
        let dir = Dir::new("aside");
        let path = dir.0.join(FILE_NAME);
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        fs::write(&path, b"first").unwrap();
        let first = move_aside(&path, "corrupt", now).unwrap();
        fs::write(&path, b"second").unwrap();
        let second = move_aside(&path, "corrupt", now).unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read(&first).unwrap(), b"first");
        assert_eq!(fs::read(&second).unwrap(), b"second");
        assert!(
            first
                .to_string_lossy()
                .ends_with("profiles.json.corrupt-20231114T221320Z"),
            "{}",
            first.display()
        );
        assert!(!path.exists());
    }
}
