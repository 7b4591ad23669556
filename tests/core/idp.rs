//! The test identity server's address and seeded (fake) credentials, from the
//! environment that `scripts/idp.sh start` writes and `make test` exports.

pub fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the suite with `make test`, which starts the test identity server (scripts/idp.sh)")
    })
}

pub fn token_url() -> String {
    var("OC_IDP_TOKEN_URL")
}

pub fn scope() -> String {
    var("OC_IDP_SCOPE")
}

pub fn base() -> String {
    var("OC_IDP_BASE")
}
