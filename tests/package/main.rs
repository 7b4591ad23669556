//! The package: the .deb installed on this machine, launched and removed
//! (`deb`, run by `make test`, which bundles its dev build into the .deb first
//! and passes its path in `OC_PACKAGE_DEB`), and `make bench`'s measurements of the
//! release app through its real window (`bench`, ignored in the normal run).
//! Both drive the window through tauri-driver with the e2e harness.

#[path = "../e2e/app.rs"]
#[allow(dead_code)]
mod app;
mod bench;
mod deb;
mod procs;
