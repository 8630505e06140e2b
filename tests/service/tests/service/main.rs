//! attesto inside a real async service: every operation, `verify`,
//! `ensure` and `sweep_all` inside `tokio::spawn` and axum handlers, on a
//! pool, a connection and a transaction; operations inside the caller's
//! transaction, rolled back and committed; one invocation for several
//! dialects; the sweeper as a task; tracing. On PostgreSQL and MariaDB
//! (the servers `scripts/test.sh` starts) and SQLite.

mod forms;
mod several;
mod sweeper;
mod tracing_events;
mod transactions;

/// A SQLite database file of its own, removed when dropped.
pub struct SqliteFile(pub std::path::PathBuf);

impl SqliteFile {
    /// A new file name under the temporary directory.
    pub fn new(test: &str) -> SqliteFile {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        SqliteFile(std::env::temp_dir().join(format!(
            "attesto-service-{test}-{}-{n}.db",
            std::process::id()
        )))
    }

    /// Its URL, creating the file when missing.
    pub fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.0.display())
    }
}

impl Drop for SqliteFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}
