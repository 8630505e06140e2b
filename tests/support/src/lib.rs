//! What attesto's test crates share: access to the PostgreSQL and MariaDB
//! servers that `scripts/test.sh` starts, one fresh database per test, and
//! a sample row of every table ([`samples`]).
//!
//! A test that needs a server and finds none panics with a message saying
//! how to run it: a database test never passes by skipping.

use std::sync::atomic::{AtomicUsize, Ordering};

pub mod operations;
pub mod samples;

// For the macros, which name them through this crate.
#[doc(hidden)]
pub use {chrono, serde_json, uuid};

/// The environment variable holding the PostgreSQL test server's URL.
pub const POSTGRES_VAR: &str = "ATTESTO_TEST_DATABASE_URL";
/// The environment variable holding the MariaDB test server's URL.
pub const MYSQL_VAR: &str = "ATTESTO_TEST_MYSQL_URL";

fn server(var: &str, product: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!(
            "{var} is not set: this test needs a real {product}; run the tests with \
             ./scripts/test.sh, which starts one"
        )
    })
}

/// A database name unique to this process and call.
fn unique(test: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "attesto_{test}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
    format!("{base}/{name}")
}

/// Runs `work` on a thread of its own: the blocking clients run their own
/// runtimes, which must not nest in the caller's.
fn on_own_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> T {
    match std::thread::spawn(work).join() {
        Ok(Ok(value)) => value,
        Ok(Err(message)) => panic!("{message}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Creates a new, empty PostgreSQL database for one test; returns its URL.
///
/// # Panics
///
/// When the server is not set up, cannot be reached, or refuses.
pub fn fresh_postgres(test: &str) -> String {
    let admin = server(POSTGRES_VAR, "PostgreSQL");
    let name = unique(test);
    let url = with_database(&admin, &name);
    on_own_thread(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .map_err(|e| format!("cannot connect to {admin}: {e}"))?;
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .map_err(|e| format!("cannot create database {name}: {e}"))
    });
    url
}

/// A connection to a new, empty PostgreSQL database, and its URL.
///
/// # Panics
///
/// As [`fresh_postgres`], or when the new database refuses the connection.
pub fn fresh_postgres_client(test: &str) -> (postgres::Client, String) {
    let url = fresh_postgres(test);
    let client = postgres::Client::connect(&url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    (client, url)
}

/// Creates a new, empty MariaDB database for one test; returns its URL.
///
/// # Panics
///
/// When the server is not set up, cannot be reached, or refuses.
pub fn fresh_mysql(test: &str) -> String {
    let admin = server(MYSQL_VAR, "MariaDB (or MySQL)");
    let name = unique(test);
    let url = with_database(&admin, &name);
    on_own_thread(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            use sqlx::Connection as _;
            let mut conn = sqlx::MySqlConnection::connect(&admin)
                .await
                .map_err(|e| format!("cannot connect to {admin}: {e}"))?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                .execute(&mut conn)
                .await
                .map_err(|e| format!("cannot create database {name}: {e}"))?;
            conn.close().await.map_err(|e| e.to_string())
        })
    });
    url
}
