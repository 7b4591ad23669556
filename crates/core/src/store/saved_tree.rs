//! The tree of saved requests: folders (each with an optional parent) and
//! requests that name the folder they are in. The window edits the tree and
//! sends the whole profile back; [`tidy`] makes whatever it sent (or an old
//! or hand-edited file holds) a tree again before it is stored: every
//! reference points at a folder that exists, no folder is its own ancestor,
//! ids are unique and names are not blank.

use super::profile::{Profile, SavedFolder};
use std::collections::{HashMap, HashSet};

/// The name a folder gets when it has none.
pub const UNNAMED_FOLDER: &str = "New folder";

/// Repairs the saved-request tree of `profile` in place (see the module).
/// A request or folder whose folder is unknown moves to the top level; a
/// parent link that would close a loop is cut, which moves that folder to
/// the top level; a second folder with an id already used is dropped and
/// its contents move to the first.
pub fn tidy(profile: &mut Profile) {
    let mut seen = HashSet::new();
    profile.saved_folders.retain(|f| !f.id.is_empty() && seen.insert(f.id.clone()));
    for folder in &mut profile.saved_folders {
        let name = folder.name.trim();
        folder.name = if name.is_empty() { UNNAMED_FOLDER.to_owned() } else { name.to_owned() };
    }
    let ids: HashSet<String> = seen;
    for folder in &mut profile.saved_folders {
        if folder.parent.as_ref().is_some_and(|p| !ids.contains(p) || *p == folder.id) {
            folder.parent = None;
        }
    }
    // Cut loops: walk up from each folder; a walk that comes back to a
    // folder it passed cuts the link that closed the loop.
    let mut parents: HashMap<String, Option<String>> =
        profile.saved_folders.iter().map(|f| (f.id.clone(), f.parent.clone())).collect();
    let order: Vec<String> = profile.saved_folders.iter().map(|f| f.id.clone()).collect();
    for start in &order {
        let mut path = vec![start.clone()];
        let mut at = start.clone();
        while let Some(Some(parent)) = parents.get(&at).cloned() {
            if path.contains(&parent) {
                parents.insert(at.clone(), None);
                break;
            }
            path.push(parent.clone());
            at = parent;
        }
    }
    for folder in &mut profile.saved_folders {
        folder.parent = parents.get(&folder.id).cloned().flatten();
    }
    for request in &mut profile.saved_requests {
        if request.folder.as_ref().is_some_and(|f| !ids.contains(f)) {
            request.folder = None;
        }
    }
}

/// The names from the top level down to `folder` ("OIC / Integrations").
pub fn path_of(profile: &Profile, folder: &str) -> Vec<String> {
    let by_id: HashMap<&str, &SavedFolder> = profile.saved_folders.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut names = Vec::new();
    let mut at = by_id.get(folder).copied();
    while let Some(f) = at {
        if names.len() > by_id.len() {
            break; // not tidied: a loop
        }
        names.push(f.name.clone());
        at = f.parent.as_deref().and_then(|p| by_id.get(p).copied());
    }
    names.reverse();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::profile::SavedRequest;

    fn folder(id: &str, name: &str, parent: Option<&str>) -> SavedFolder {
        SavedFolder { id: id.into(), name: name.into(), parent: parent.map(Into::into) }
    }

    fn request(id: &str, folder: Option<&str>) -> SavedRequest {
        SavedRequest { id: id.into(), name: id.into(), folder: folder.map(Into::into), ..Default::default() }
    }

    #[test]
    fn a_tree_that_is_already_tidy_is_left_as_it_is() {
        let mut profile = Profile::default();
        profile.saved_folders = vec![folder("a", "OIC", None), folder("b", "Integrations", Some("a"))];
        profile.saved_requests = vec![request("r1", Some("b")), request("r2", None)];
        let before = profile.clone();
        tidy(&mut profile);
        assert_eq!(profile, before);
        assert_eq!(path_of(&profile, "b"), ["OIC", "Integrations"]);
    }

    #[test]
    fn references_to_unknown_folders_move_to_the_top_level() {
        let mut profile = Profile::default();
        profile.saved_folders = vec![folder("a", "OIC", Some("gone"))];
        profile.saved_requests = vec![request("r1", Some("gone")), request("r2", Some("a"))];
        tidy(&mut profile);
        assert_eq!(profile.saved_folders[0].parent, None);
        assert_eq!(profile.saved_requests[0].folder, None);
        assert_eq!(profile.saved_requests[1].folder.as_deref(), Some("a"));
    }

    #[test]
    fn a_loop_of_folders_is_cut_and_every_folder_is_kept() {
        let mut profile = Profile::default();
        profile.saved_folders =
            vec![folder("a", "A", Some("c")), folder("b", "B", Some("a")), folder("c", "C", Some("b"))];
        tidy(&mut profile);
        assert_eq!(profile.saved_folders.len(), 3);
        assert_eq!(profile.saved_folders.iter().filter(|f| f.parent.is_none()).count(), 1);
        for f in &profile.saved_folders {
            assert!(path_of(&profile, &f.id).len() <= 3);
        }
    }

    #[test]
    fn blank_names_and_repeated_ids_are_mended() {
        let mut profile = Profile::default();
        profile.saved_folders = vec![folder("a", "  ", None), folder("a", "Again", None), folder("", "No id", None)];
        tidy(&mut profile);
        assert_eq!(profile.saved_folders, vec![folder("a", UNNAMED_FOLDER, None)]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn profiles() -> impl Strategy<Value = Profile> {
            let id = prop::sample::select(vec!["a", "b", "c", "d", "e", "", "x"]);
            let folders = prop::collection::vec(
                (id.clone(), "[ a-z]{0,4}", prop::option::of(id.clone())),
                0..8,
            );
            let requests = prop::collection::vec(prop::option::of(id), 0..8);
            (folders, requests).prop_map(|(folders, requests)| {
                let mut profile = Profile::default();
                profile.saved_folders =
                    folders.into_iter().map(|(i, n, p)| folder(i, &n, p)).collect();
                profile.saved_requests =
                    requests.into_iter().enumerate().map(|(n, f)| request(&format!("r{n}"), f)).collect();
                profile
            })
        }

        proptest! {
            #[test]
            fn after_tidy_every_folder_reaches_the_top_and_every_reference_exists(mut profile in profiles()) {
                let requests = profile.saved_requests.len();
                tidy(&mut profile);
                let ids: HashSet<&str> = profile.saved_folders.iter().map(|f| f.id.as_str()).collect();
                prop_assert_eq!(ids.len(), profile.saved_folders.len());
                prop_assert_eq!(profile.saved_requests.len(), requests, "no request is lost");
                for f in &profile.saved_folders {
                    prop_assert!(!f.name.trim().is_empty());
                    // Walking up ends at the top within as many steps as there are folders.
                    let mut at = f.parent.clone();
                    let mut steps = 0;
                    while let Some(p) = at {
                        prop_assert!(ids.contains(p.as_str()));
                        steps += 1;
                        prop_assert!(steps <= ids.len());
                        at = profile.saved_folders.iter().find(|g| g.id == p).and_then(|g| g.parent.clone());
                    }
                }
                for r in &profile.saved_requests {
                    if let Some(f) = &r.folder {
                        prop_assert!(ids.contains(f.as_str()));
                    }
                }
            }

            #[test]
            fn tidy_twice_is_tidy_once(mut profile in profiles()) {
                tidy(&mut profile);
                let once = profile.clone();
                tidy(&mut profile);
                prop_assert_eq!(profile, once);
            }
        }
    }
}
