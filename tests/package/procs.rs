//! Processes as the benchmark sees them: the app started by this test (found
//! by its executable among our descendants), its WebKit helper processes,
//! their memory from /proc (PSS, and the physical pages of the whole tree
//! counted once), and CLOCK_MONOTONIC.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant};

/// CLOCK_MONOTONIC in nanoseconds, the clock the app's ready signal uses.
pub fn monotonic_nanos() -> u128 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_MONOTONIC) failed");
    now.tv_sec as u128 * 1_000_000_000 + now.tv_nsec as u128
}

/// Every live process and its parent.
fn parents() -> HashMap<u32, u32> {
    let mut parents = HashMap::new();
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut fields = after.split_whitespace();
        let state = fields.next().unwrap_or("Z");
        if state == "Z" {
            continue;
        }
        if let Some(ppid) = fields.next().and_then(|p| p.parse().ok()) {
            parents.insert(pid, ppid);
        }
    }
    parents
}

/// `root` and all its live descendants.
pub fn tree(root: u32) -> Vec<u32> {
    let parents = parents();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, &pp)| pp == parent)
                .map(|(&pid, _)| pid),
        );
        i += 1;
    }
    found.retain(|pid| parents.contains_key(pid));
    found
}

/// The process running `executable` among this test's descendants, waiting
/// up to `wait` for it to appear.
pub fn find_descendant(executable: &Path, wait: Duration) -> u32 {
    let wanted = fs::canonicalize(executable).unwrap_or_else(|_| executable.to_owned());
    let started = Instant::now();
    loop {
        for pid in tree(std::process::id()) {
            if fs::read_link(format!("/proc/{pid}/exe")).ok().as_deref() == Some(wanted.as_path()) {
                return pid;
            }
        }
        assert!(
            started.elapsed() < wait,
            "no process runs {} under this test",
            wanted.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The short name of a process (`WebKitWebProces` is cut to 15 bytes).
pub fn name(pid: u32) -> String {
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// PSS of one process in KiB (from smaps_rollup), 0 once it is gone.
pub fn pss_kib(pid: u32) -> u64 {
    let Ok(rollup) = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
        return 0;
    };
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// PSS of `root` and its descendants (the app and its WebKit processes), in
/// KiB, with each process's share by name.
pub fn tree_pss_kib(root: u32) -> (u64, Vec<(String, u64)>) {
    let parts: Vec<(String, u64)> = tree(root)
        .into_iter()
        .map(|pid| (name(pid), pss_kib(pid)))
        .collect();
    (parts.iter().map(|(_, kib)| kib).sum(), parts)
}

/// The physical memory of `root` and its descendants in KiB: every resident
/// page any of them maps, counted once (from /proc/<pid>/pagemap). Unlike
/// PSS, it does not change when other programs on the machine map the same
/// libraries. `None` without the privilege to read page frame numbers (root).
pub fn tree_unique_kib(root: u32) -> Option<u64> {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    let mut frames = HashSet::new();
    let mut any_entry = false;
    for pid in tree(root) {
        let Ok(smaps) = fs::read_to_string(format!("/proc/{pid}/smaps")) else {
            continue;
        };
        let Ok(mut pagemap) = File::open(format!("/proc/{pid}/pagemap")) else {
            continue;
        };
        let mut range = None;
        for line in smaps.lines() {
            let mut words = line.split_whitespace();
            let first = words.next().unwrap_or_default();
            if let Some((start, end)) = first.split_once('-') {
                if let (Ok(start), Ok(end)) =
                    (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16))
                {
                    range = Some((start, end));
                    continue;
                }
            }
            let resident = first == "Rss:" && words.next().is_some_and(|kib| kib != "0");
            let Some((start, end)) = range.filter(|_| resident) else {
                continue;
            };
            // One 64-bit entry per page: bit 63 present, bits 0-54 the frame.
            let mut entries = vec![0u8; ((end - start) / page * 8) as usize];
            if pagemap.seek(SeekFrom::Start(start / page * 8)).is_err()
                || pagemap.read_exact(&mut entries).is_err()
            {
                continue;
            }
            for entry in entries.chunks_exact(8) {
                let entry = u64::from_le_bytes(entry.try_into().unwrap());
                if entry >> 63 == 1 {
                    any_entry = true;
                    let frame = entry & ((1 << 55) - 1);
                    if frame != 0 {
                        frames.insert(frame);
                    }
                }
            }
        }
    }
    (any_entry && !frames.is_empty()).then(|| frames.len() as u64 * page / 1024)
}

/// How many WebKit processes run on this machine outside this test's own
/// processes (other programs' windows share WebKit's libraries and so lower
/// the PSS measured here).
pub fn foreign_webkit_processes() -> usize {
    let ours: HashSet<u32> = tree(std::process::id()).into_iter().collect();
    parents()
        .keys()
        .filter(|pid| !ours.contains(pid) && name(**pid).starts_with("WebKit"))
        .count()
}

/// Waits until none of `pids` is alive, then SIGKILLs what is left after
/// `wait` (processes this benchmark started).
pub fn wait_gone(pids: &[u32], wait: Duration) {
    let started = Instant::now();
    loop {
        let parents = parents();
        let alive: Vec<u32> = pids
            .iter()
            .copied()
            .filter(|pid| parents.contains_key(pid))
            .collect();
        if alive.is_empty() {
            return;
        }
        if started.elapsed() > wait {
            for pid in alive {
                // SAFETY: plain kill(2) of a process we started.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            }
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
