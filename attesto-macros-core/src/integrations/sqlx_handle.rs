//! What the sqlx methods take their connection as: `Handle`, a pool or a
//! connection of one of the invocation's dialects, which every operation,
//! `verify`, `ensure` and `sweep_all` takes as `impl IntoHandle`; and, for
//! an invocation of several dialects, the `Pool`, `Transaction` and
//! `Connection` of a database chosen at run time.
//!
//! Every type a method's future holds across an `.await` is concrete (a
//! `PoolConnection`, a `&mut PgConnection`, a `Transaction`), never a
//! projection of a trait implemented for one lifetime only, such as
//! `<&'c mut PgConnection as Acquire<'c>>::Connection`: the compiler
//! proves such a future `Send` for every lifetime, and fails
//! (rust-lang/rust#64552), so it could not be spawned.

use std::fmt::Write as _;

use attesto_schema::{Backend, Dialect};

use super::sqlx::paths;
use crate::code::Code;
use crate::expand::dialects::Dialects;

/// The name of a dialect's variant: `Postgres`, `Mariadb`.
pub fn variant(dialect: Dialect) -> String {
    let name = dialect.name();
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// sqlx's connection type of a backend.
fn connection(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "::sqlx::PgConnection",
        Backend::Sqlite => "::sqlx::SqliteConnection",
        Backend::Mysql => "::sqlx::MySqlConnection",
    }
}

/// `Handle`, `SqlxHandle`, `IntoHandle` and the impls that make a pool, a
/// connection, a `PoolConnection` and a `Transaction` of each dialect one.
pub fn handle(code: &mut Code, layout: &Dialects<'_>) {
    let products: Vec<&str> = layout.dialects().map(|d| d.product()).collect();
    let products = products.join(", ");
    let mut variants = String::new();
    for dialect in layout.dialects() {
        let (db, _) = paths(dialect.backend());
        let _ = write!(
            variants,
            "/// A pool or a connection of {}.\n{}(SqlxHandle<'a, {db}>),\n",
            dialect.product(),
            variant(dialect)
        );
    }
    let _ = write!(
        code,
        r#"
        /// Where an operation, `verify`, `ensure` or `sweep_all` runs: a pool or a
        /// connection of a database of this invocation ({products}). Each takes
        /// `impl IntoHandle`: pass `&pool`, `&mut *conn` (a `PoolConnection`), `&mut *tx`
        /// (a `Transaction`), or `&mut conn` and `&mut tx` themselves. On a pool, it
        /// acquires one connection for all its statements; on a connection, it runs on it,
        /// inside its transaction if it is in one (an operation of several statements then
        /// takes a savepoint, and never commits or rolls back the caller's work).
        pub enum Handle<'a> {{
            {variants}
        }}
        /// A pool of one database, or a connection of one: a [`Handle`]'s part.
        pub enum SqlxHandle<'a, DB: ::sqlx::Database> {{
            /// A pool: the operation acquires one connection of it.
            Pool(&'a ::sqlx::Pool<DB>),
            /// A connection, in a transaction or not.
            Connection(&'a mut DB::Connection),
        }}
        impl<'a, DB: ::sqlx::Database> SqlxHandle<'a, DB> {{
            /// The connection every statement of an operation runs on.
            #[doc(hidden)]
            pub async fn acquire(self) -> ::core::result::Result<__AttestoSqlxConnection<'a, DB>, ::sqlx::Error> {{
                ::core::result::Result::Ok(match self {{
                    SqlxHandle::Pool(pool) => __AttestoSqlxConnection::Pooled(pool.acquire().await?),
                    SqlxHandle::Connection(connection) => __AttestoSqlxConnection::Borrowed(connection),
                }})
            }}
        }}
        /// The connection an operation runs on: one it acquired from a pool, or the
        /// caller's.
        #[doc(hidden)]
        pub enum __AttestoSqlxConnection<'a, DB: ::sqlx::Database> {{
            Pooled(::sqlx::pool::PoolConnection<DB>),
            Borrowed(&'a mut DB::Connection),
        }}
        impl<DB: ::sqlx::Database> ::core::ops::Deref for __AttestoSqlxConnection<'_, DB> {{
            type Target = DB::Connection;
            fn deref(&self) -> &DB::Connection {{
                match self {{
                    __AttestoSqlxConnection::Pooled(connection) => connection,
                    __AttestoSqlxConnection::Borrowed(connection) => connection,
                }}
            }}
        }}
        impl<DB: ::sqlx::Database> ::core::ops::DerefMut for __AttestoSqlxConnection<'_, DB> {{
            fn deref_mut(&mut self) -> &mut DB::Connection {{
                match self {{
                    __AttestoSqlxConnection::Pooled(connection) => connection,
                    __AttestoSqlxConnection::Borrowed(connection) => connection,
                }}
            }}
        }}
        /// What an operation runs on: a pool, a connection, a `PoolConnection` or a
        /// `Transaction` of a database of this invocation ({products}).
        #[diagnostic::on_unimplemented(
            message = "`{{Self}}` is not a pool or a connection of this invocation's databases ({products})",
            label = "not a pool or connection of {products}",
            note = "pass `&pool`, `&mut *conn` or `&mut *tx` of a {products} pool; for another database, name its dialect in the invocation (`dialect = \"...\"`, or `dialects(...)` for several)"
        )]
        pub trait IntoHandle<'a> {{
            /// The handle.
            fn into_handle(self) -> Handle<'a>;
        }}
        impl<'a> IntoHandle<'a> for Handle<'a> {{
            fn into_handle(self) -> Handle<'a> {{
                self
            }}
        }}
"#
    );
    for dialect in layout.dialects() {
        let (db, _) = paths(dialect.backend());
        let conn = connection(dialect.backend());
        let name = variant(dialect);
        let _ = write!(
            code,
            r#"
        impl<'a> IntoHandle<'a> for &'a ::sqlx::Pool<{db}> {{
            fn into_handle(self) -> Handle<'a> {{
                Handle::{name}(SqlxHandle::Pool(self))
            }}
        }}
        impl<'a> IntoHandle<'a> for &'a mut {conn} {{
            fn into_handle(self) -> Handle<'a> {{
                Handle::{name}(SqlxHandle::Connection(self))
            }}
        }}
        impl<'a> IntoHandle<'a> for &'a mut ::sqlx::pool::PoolConnection<{db}> {{
            fn into_handle(self) -> Handle<'a> {{
                Handle::{name}(SqlxHandle::Connection(&mut **self))
            }}
        }}
        impl<'a, 'c> IntoHandle<'a> for &'a mut ::sqlx::Transaction<'c, {db}> {{
            fn into_handle(self) -> Handle<'a> {{
                Handle::{name}(SqlxHandle::Connection(&mut **self))
            }}
        }}
"#
        );
    }
}

/// A method's body: the arm of the handle's dialect, on the connection it
/// gives (`conn`); `map` maps the error of acquiring it.
pub fn dispatch(layout: &Dialects<'_>, arms: &[String], map: Option<&str>) -> String {
    let map = map.map(|m| format!(".map_err({m})")).unwrap_or_default();
    let mut out = String::from("match IntoHandle::into_handle(db) {");
    for (dialect, arm) in layout.dialects().zip(arms) {
        let _ = write!(
            out,
            "Handle::{}(db) => {{ let mut conn = db.acquire().await{map}?; {arm} }}",
            variant(dialect)
        );
    }
    out.push('}');
    out
}

/// `Pool`, `Transaction` and `Connection` of an invocation for several
/// dialects: a database chosen at run time, whose operations are the same
/// calls on any dialect. `path` names attesto-schema.
pub fn pools(code: &mut Code, layout: &Dialects<'_>, path: &str) {
    pool_enum(code, layout, path);
    transaction_enum(code, layout);
    connection_enum(code, layout);
    handles(code, layout);
}

/// `Pool`: a variant per dialect, `connect` by URL, `begin`, `acquire`,
/// `close`, and `From` each sqlx pool.
fn pool_enum(code: &mut Code, layout: &Dialects<'_>, path: &str) {
    let names: Vec<String> = layout
        .dialects()
        .map(|d| format!("`{}`", d.name()))
        .collect();
    let names = names.join(", ");
    let mut pool_variants = String::new();
    let mut connect = String::new();
    let mut dialect_arms = String::new();
    let mut begin_arms = String::new();
    let mut acquire_arms = String::new();
    let mut close_arms = String::new();
    let mut froms = String::new();
    for dialect in layout.dialects() {
        let backend = dialect.backend();
        let (db, _) = paths(backend);
        let name = variant(dialect);
        let product = dialect.product();
        let _ = write!(
            pool_variants,
            "/// A pool of {product}.\n{name}(::sqlx::Pool<{db}>),\n"
        );
        // SQLite: the file is created when missing; WAL lets readers run
        // beside the writer; writers wait for each other (sqlx's busy
        // timeout, 5 s) rather than fail.
        let open = match backend {
            Backend::Sqlite => format!(
                "{{ let options: ::sqlx::sqlite::SqliteConnectOptions = ::core::str::FromStr::from_str(url)?; \
                 let options = options.create_if_missing(true).journal_mode(::sqlx::sqlite::SqliteJournalMode::Wal); \
                 ::sqlx::Pool::<{db}>::connect_with(options).await? }}"
            ),
            _ => format!("::sqlx::Pool::<{db}>::connect(url).await?"),
        };
        let _ = write!(
            connect,
            "::core::option::Option::Some({path}::Backend::{backend:?}) => ::core::result::Result::Ok(Pool::{name}({open})),"
        );
        let _ = write!(dialect_arms, "Pool::{name}(_) => {:?},", dialect.name());
        // SQLite's `BEGIN IMMEDIATE` takes the write lock at once: a
        // transaction that reads first and writes later would otherwise
        // fail with `database is locked` when another writer came first.
        let begin = match backend {
            Backend::Sqlite => "pool.begin_with(\"BEGIN IMMEDIATE\").await?",
            _ => "pool.begin().await?",
        };
        let _ = write!(
            begin_arms,
            "Pool::{name}(pool) => Transaction::{name}({begin}),"
        );
        let _ = write!(
            acquire_arms,
            "Pool::{name}(pool) => Connection::{name}(pool.acquire().await?),"
        );
        let _ = write!(close_arms, "Pool::{name}(pool) => pool.close().await,");
        let _ = write!(
            froms,
            "impl ::core::convert::From<::sqlx::Pool<{db}>> for Pool {{\n\
             /// A {product} pool you configured yourself.\n\
             fn from(pool: ::sqlx::Pool<{db}>) -> Pool {{ Pool::{name}(pool) }}\n\
             }}\n"
        );
    }
    let schemes: Vec<String> = layout
        .dialects()
        .flat_map(|d| d.backend().url_schemes().iter())
        .map(|s| format!("`{s}:`"))
        .collect();
    let schemes = schemes.join(", ");
    let _ = write!(
        code,
        r#"
        /// A pool of any database of this invocation (dialects {names}), chosen at run
        /// time: by URL with [`Pool::connect`], or from a sqlx pool you configured, with
        /// `From`. Every operation, `verify`, `ensure` and `sweep_all` takes `&pool`, and
        /// [`Pool::begin`] gives the transaction they take as `&mut tx`: a service's
        /// storage code is written once for every dialect.
        #[derive(Debug, Clone)]
        pub enum Pool {{
            {pool_variants}
        }}
        impl Pool {{
            /// Connects to the database `url` names, its scheme ({schemes}) choosing the
            /// dialect, with sqlx's defaults; on SQLite, the file is created when missing and
            /// put in WAL mode (readers run beside the writer; a writer waits for another
            /// up to sqlx's busy timeout, 5 s).
            ///
            /// # Errors
            ///
            /// `sqlx::Error::Configuration` for a URL of no dialect of this invocation; the
            /// driver's error when it cannot connect.
            pub async fn connect(url: &str) -> ::core::result::Result<Pool, ::sqlx::Error> {{
                match {path}::Backend::of_url(url) {{
                    {connect}
                    _ => ::core::result::Result::Err(::sqlx::Error::Configuration(::std::format!(
                        "attesto: {{:?}} is not the URL of a database of this invocation's dialects ({names}); its scheme must be one of {schemes}",
                        url.split(':').next().unwrap_or_default()
                    ).into())),
                }}
            }}
            /// The dialect of its database, one of [`DIALECTS`].
            pub fn dialect(&self) -> &'static str {{
                match self {{ {dialect_arms} }}
            }}
            /// Begins a transaction, which every operation takes as `&mut tx`; on SQLite with
            /// `BEGIN IMMEDIATE`, which takes the write lock at once, so that concurrent
            /// writers queue instead of failing with `database is locked`.
            ///
            /// # Errors
            ///
            /// The driver's error.
            pub async fn begin(&self) -> ::core::result::Result<Transaction<'static>, ::sqlx::Error> {{
                ::core::result::Result::Ok(match self {{ {begin_arms} }})
            }}
            /// Acquires a connection, which every operation takes as `&mut conn`.
            ///
            /// # Errors
            ///
            /// The driver's error.
            pub async fn acquire(&self) -> ::core::result::Result<Connection, ::sqlx::Error> {{
                ::core::result::Result::Ok(match self {{ {acquire_arms} }})
            }}
            /// Closes the pool (sqlx's `Pool::close`).
            pub async fn close(&self) {{
                match self {{ {close_arms} }}
            }}
        }}
        {froms}
"#
    );
}

/// `Transaction`: a variant per dialect, `commit` and `rollback`.
fn transaction_enum(code: &mut Code, layout: &Dialects<'_>) {
    let mut tx_variants = String::new();
    let mut commit_arms = String::new();
    let mut rollback_arms = String::new();
    for dialect in layout.dialects() {
        let (db, _) = paths(dialect.backend());
        let name = variant(dialect);
        let product = dialect.product();
        let _ = write!(
            tx_variants,
            "/// A transaction of {product}.\n{name}(::sqlx::Transaction<'c, {db}>),\n"
        );
        let _ = write!(commit_arms, "Transaction::{name}(tx) => tx.commit().await,");
        let _ = write!(
            rollback_arms,
            "Transaction::{name}(tx) => tx.rollback().await,"
        );
    }
    let _ = write!(
        code,
        r#"        /// A transaction of a [`Pool`]'s database: every operation takes it as `&mut tx`,
        /// and runs inside it. Dropped without [`Transaction::commit`], it rolls back.
        #[derive(Debug)]
        pub enum Transaction<'c> {{
            {tx_variants}
        }}
        impl Transaction<'_> {{
            /// Commits it.
            ///
            /// # Errors
            ///
            /// The driver's error.
            pub async fn commit(self) -> ::core::result::Result<(), ::sqlx::Error> {{
                match self {{ {commit_arms} }}
            }}
            /// Rolls it back.
            ///
            /// # Errors
            ///
            /// The driver's error.
            pub async fn rollback(self) -> ::core::result::Result<(), ::sqlx::Error> {{
                match self {{ {rollback_arms} }}
            }}
        }}
"#
    );
}

/// `Connection`: a variant per dialect, and `begin`.
fn connection_enum(code: &mut Code, layout: &Dialects<'_>) {
    let mut conn_variants = String::new();
    let mut conn_begin_arms = String::new();
    for dialect in layout.dialects() {
        let backend = dialect.backend();
        let (db, _) = paths(backend);
        let name = variant(dialect);
        let product = dialect.product();
        let _ = write!(
            conn_variants,
            "/// A connection of a {product} pool.\n{name}(::sqlx::pool::PoolConnection<{db}>),\n"
        );
        let conn_begin = match backend {
            Backend::Sqlite => {
                "::sqlx::Connection::begin_with(&mut **conn, \"BEGIN IMMEDIATE\").await?"
            }
            _ => "::sqlx::Connection::begin(&mut **conn).await?",
        };
        let _ = write!(
            conn_begin_arms,
            "Connection::{name}(conn) => Transaction::{name}({conn_begin}),"
        );
    }
    let _ = write!(
        code,
        r#"        /// A connection of a [`Pool`]: every operation takes it as `&mut conn`.
        #[derive(Debug)]
        pub enum Connection {{
            {conn_variants}
        }}
        impl Connection {{
            /// Begins a transaction on it (on SQLite with `BEGIN IMMEDIATE`).
            ///
            /// # Errors
            ///
            /// The driver's error.
            pub async fn begin(&mut self) -> ::core::result::Result<Transaction<'_>, ::sqlx::Error> {{
                ::core::result::Result::Ok(match self {{ {conn_begin_arms} }})
            }}
        }}
"#
    );
}

/// `IntoHandle` for `&Pool`, `&mut Transaction` and `&mut Connection`.
fn handles(code: &mut Code, layout: &Dialects<'_>) {
    let (mut pool_handle, mut tx_handle, mut conn_handle) =
        (String::new(), String::new(), String::new());
    for dialect in layout.dialects() {
        let name = variant(dialect);
        let _ = write!(
            pool_handle,
            "Pool::{name}(pool) => Handle::{name}(SqlxHandle::Pool(pool)),"
        );
        let _ = write!(
            tx_handle,
            "Transaction::{name}(tx) => Handle::{name}(SqlxHandle::Connection(&mut **tx)),"
        );
        let _ = write!(
            conn_handle,
            "Connection::{name}(conn) => Handle::{name}(SqlxHandle::Connection(&mut **conn)),"
        );
    }
    let _ = write!(
        code,
        r#"        impl<'a> IntoHandle<'a> for &'a Pool {{
            fn into_handle(self) -> Handle<'a> {{
                match self {{ {pool_handle} }}
            }}
        }}
        impl<'a, 'c> IntoHandle<'a> for &'a mut Transaction<'c> {{
            fn into_handle(self) -> Handle<'a> {{
                match self {{ {tx_handle} }}
            }}
        }}
        impl<'a> IntoHandle<'a> for &'a mut Connection {{
            fn into_handle(self) -> Handle<'a> {{
                match self {{ {conn_handle} }}
            }}
        }}
"#
    );
}
