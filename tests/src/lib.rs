//! The host crate of attesto's tests: it uses `attesto_migration!` exactly
//! as a user would. Its library holds only what the tests and the README's
//! examples share: access to the PostgreSQL server that `scripts/test.sh`
//! starts.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable holding the test server's URL.
pub const URL_VAR: &str = "ATTESTO_TEST_DATABASE_URL";

/// The URL of the test server's maintenance database.
///
/// # Panics
///
/// When [`URL_VAR`] is not set: a database test never passes by skipping.
pub fn admin_url() -> String {
    std::env::var(URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{URL_VAR} is not set: this test needs a real PostgreSQL; \
             run the tests with ./scripts/test.sh, which starts one"
        )
    })
}

/// Creates a new, empty database for one test and returns its URL.
///
/// # Panics
///
/// When the server cannot be reached or the database cannot be created.
pub fn fresh_database(test: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "attesto_{test}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let admin = admin_url();
    // The blocking client runs its own runtime, which must not be nested in
    // the caller's async runtime: create the database on a thread of its own.
    let create = {
        let (admin, name) = (admin.clone(), name.clone());
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                .map_err(|e| format!("cannot connect to {admin}: {e}"))?;
            client
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .map_err(|e| format!("cannot create database {name}: {e}"))
        })
    };
    match create.join() {
        Ok(Ok(())) => {}
        Ok(Err(message)) => panic!("{message}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// A connection to a new, empty database, and its URL.
///
/// # Panics
///
/// As [`fresh_database`], or when the new database refuses the connection.
pub fn fresh_client(test: &str) -> (postgres::Client, String) {
    let url = fresh_database(test);
    let client = postgres::Client::connect(&url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    (client, url)
}

/// The README's examples, compiled and run as doctests, so that every
/// recipe it shows is tested exactly as written.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
