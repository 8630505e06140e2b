//! The interface every driver's module implements: what the
//! driver-independent code (`ops`, and the glue's dispatch in `mod.rs`)
//! asks of a database library. The operations are written once, as the
//! steps each one runs (execute, fetch one, fetch all, count, read a miss,
//! a transaction, a unique violation); a driver gives the form of each
//! step, and of its table glue. Adding a driver is a module implementing
//! [`Driver`], whose required methods the compiler lists, and its line in
//! `driver()`.

use attesto_schema::{Backend, Column, Schema, Table};
use proc_macro2::TokenStream;

use super::Binding;
use super::value::Source;
use crate::code::Code;
use crate::expand::dialects::Dialects;
use crate::types::RustTypes;

/// One value a statement binds, with what each driver needs to bind it.
pub struct Bound<'a> {
    /// Where the value comes from.
    pub source: Source<'a>,
    /// How it travels between Rust and the database.
    pub binding: Binding,
    /// The prefixed table name, for refusals.
    pub table_name: &'a str,
    /// The column it is a value of, or the parameter's name: for refusals.
    pub label: &'a str,
    /// The column it is a value of (`None`: a number of seconds).
    pub column: Option<&'a Column>,
    /// The schema of the invocation.
    pub schema: &'a Schema,
    /// The table of the operation.
    pub table: &'a Table,
    /// The row structs' field types.
    pub types: &'a RustTypes<'a>,
}

/// One statement of an operation, bound, for a driver's step.
pub struct Query<'a> {
    /// The path of the statement's constant, e.g. `Self::TAKE_SQL`.
    pub sql: &'a str,
    /// The driver's expression of each bind, in order.
    pub values: &'a [String],
    /// Whether it runs in the operation's transaction.
    pub tx: bool,
    /// The table it reads rows of.
    pub table: &'a Table,
    /// The family of servers it runs on.
    pub backend: Backend,
}

/// How a unique violation of one key is reported, by each kind of server:
/// a driver's test of an error compares what it can read of it.
pub struct Violation<'a> {
    /// PostgreSQL's constraint name (the index, or the primary key).
    pub constraint: &'a str,
    /// MySQL's key name, quoted as its message quotes it.
    pub mysql_key: &'a str,
    /// SQLite's `table.column` list, as its message names it.
    pub sqlite_columns: &'a str,
}

/// The signature's parts a driver decides: generics, the connection
/// parameter and the error type.
pub struct Signature {
    /// Generic parameters, with their angle brackets, or nothing.
    pub generics: String,
    /// The connection parameter, e.g. `db: &::rusqlite::Connection`.
    pub connection: String,
    /// The error type of the `Result`.
    pub error: String,
}

/// What the generated code uses, which decides the features it needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    /// chrono's types (the expansion's timestamps wrap them).
    pub chrono: bool,
    /// uuid's `Uuid`.
    pub uuid: bool,
    /// JSON columns bound through serde.
    pub json: bool,
    /// JSON columns of `serde_json::Value`, bound as the driver's own JSON.
    pub json_value: bool,
}

/// A feature the generated code needs: the one to add, and the one that
/// shows it is on once the crate's features are closed over
/// [`FeatureGraph::implies`] (sqlx's `sqlite` enables `_sqlite`, as do
/// `sqlite-bundled` and `sqlite-unbundled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feature {
    /// The feature a `[dependencies]` line should name.
    pub add: &'static str,
    /// The feature whose presence satisfies the need.
    pub satisfied_by: &'static str,
}

impl Feature {
    /// A feature that is its own evidence.
    pub const fn plain(name: &'static str) -> Feature {
        Feature {
            add: name,
            satisfied_by: name,
        }
    }
}

/// What a crate's features enable, as far as [`Driver::features`] needs
/// to know, for the releases that [`FeatureGraph::release`] matches.
#[derive(Debug, Clone, Copy)]
pub struct FeatureGraph {
    /// The release line the graph describes (`0.9` for sqlx 0.9.x): a
    /// declaration that asks for another is not checked.
    pub release: &'static str,
    /// The `default` feature's list.
    pub defaults: &'static [&'static str],
    /// Features that enable others.
    pub implies: &'static [(&'static str, &'static [&'static str])],
}

/// A database library the expansion writes glue and operations for.
pub trait Driver: Sync {
    /// The name in `integrations(...)`, which is also the crate's name.
    fn name(&self) -> &'static str;

    /// Whether the library drives `backend`'s databases.
    fn supports(&self, backend: Backend) -> bool;

    /// The `[dependencies]` line that gives the library with every feature
    /// the generated code uses.
    fn dependency(&self, backend: Backend) -> String;

    /// What its features enable, for the check of the host's declaration.
    fn feature_graph(&self) -> FeatureGraph;

    /// The features its generated code needs on `backend`, given `uses`.
    fn features(&self, backend: Backend, uses: Uses) -> Vec<Feature>;

    /// Whether its glue writes JSON text itself, with serde_json.
    fn writes_json_text(&self) -> bool;

    /// Whether its binding refuses a timestamp with more precision than its
    /// column keeps, through the expansion's `AttestoTimestamp` trait.
    fn checks_timestamps(&self) -> bool;

    /// Whether it binds PostgreSQL's `jsonb` only from a serde type, never
    /// from a `String`.
    fn refuses_string_for_jsonb(&self) -> bool;

    /// The error under a derive it writes itself, e.g. sqlx's `FromRow`.
    fn refused_derive(&self, _derive: &TokenStream) -> Option<String> {
        None
    }

    /// Whether it writes a module per table, named after it: two such
    /// libraries cannot share an invocation.
    fn module_per_table(&self) -> bool {
        false
    }

    /// The key of its glue: two drivers with one key (postgres and
    /// tokio-postgres, whose types are one) share one set of impls.
    fn glue_key(&self) -> &'static str {
        self.name()
    }

    /// Attributes it puts on `table`'s row struct.
    fn row_attributes(&self, _code: &mut Code, _schema: &Schema, _table: &Table) {}

    /// Its glue: trait impls and statements of every table, for every
    /// dialect of the invocation. `named` is every driver of the
    /// invocation, in order.
    fn glue(
        &self,
        code: &mut Code,
        layout: &Dialects<'_>,
        types: &RustTypes<'_>,
        named: &[&dyn Driver],
    );

    /// Whether one invocation's methods can run on the databases of
    /// several dialects (`dialects(...)`), dispatching on the connection.
    fn several_dialects(&self) -> bool {
        false
    }

    /// What the methods take their connection as, written once before
    /// them (sqlx's `Handle`).
    fn handle(&self, _code: &mut Code, _layout: &Dialects<'_>) {}

    /// The pool, transaction and connection types of an invocation for
    /// several dialects, chosen at run time (sqlx's `Pool`).
    /// `path` names attesto-schema.
    fn pools(&self, _code: &mut Code, _layout: &Dialects<'_>, _path: &str) {}

    /// A method's body from the body of each dialect (`arms`, in the order
    /// of `layout`): the first statements that get the connection, then
    /// the arm of the connection's dialect. `map` maps the driver's error
    /// of getting a connection, for `verify` and `ensure`.
    fn dispatch(&self, _layout: &Dialects<'_>, arms: &[String], map: Option<&str>) -> String {
        let prologue = match map {
            Some(map) => self.live_prologue(map),
            None => self.prologue().to_owned(),
        };
        format!("{prologue}\n{}", arms.first().map_or("", String::as_str))
    }

    /// The impls that bind and read the expansion's timestamp type `name`
    /// (`Timestamp` or `TimestampUsec`, a `chrono::NaiveDateTime` holding
    /// its column's precision): as `NaiveDateTime`, refusing when reading a
    /// value the type cannot hold.
    fn timestamp_glue(&self, code: &mut Code, backend: Backend, name: &str);

    // --- The operations' methods ---

    /// Whether its methods are `async`.
    fn asynchronous(&self) -> bool;

    /// What the operations' methods need besides themselves, written once
    /// before them (diesel's rows of counts and misses).
    fn support(&self, _code: &mut Code, _schema: &Schema) {}

    /// Generics, connection parameter and error type of a method.
    fn signature(&self, backend: Backend) -> Signature;

    /// The connection, passed on from a function's body to a method of
    /// the rows (`sweep_all` to each `sweep`).
    fn reborrow(&self) -> &'static str {
        "db"
    }

    /// The first statement of every method's body.
    fn prologue(&self) -> &'static str {
        ""
    }

    /// The expression it binds for one value.
    fn value(&self, bound: &Bound<'_>) -> String;

    /// An expression: the number of rows the statement affected (`u64`).
    fn exec(&self, query: &Query<'_>) -> String;

    /// An expression: `Result<u64, Error>` of running the statement (outside
    /// a transaction), for a `match` on a unique violation.
    fn try_exec(&self, query: &Query<'_>) -> String;

    /// An expression: the row the statement reads, if any
    /// (`Option<Self>`).
    fn fetch_optional(&self, query: &Query<'_>) -> String;

    /// An expression: every row the statement reads (`Vec<Self>`).
    fn fetch_all(&self, query: &Query<'_>) -> String;

    /// An expression: the count the statement selects (`i64`).
    fn count(&self, query: &Query<'_>) -> String;

    /// An expression: the miss read (outside a transaction), the outcome's
    /// variant name and the row: `Option<(String, Self)>`.
    fn miss(&self, query: &Query<'_>) -> String;

    /// The pattern and guard of a `match` arm on an `Err` that is a unique
    /// violation of the key `violation` names.
    fn unique_violation(&self, violation: &Violation<'_>) -> String;

    /// `body` (statements, then a value of type `ty`) in a transaction, or
    /// a savepoint inside the caller's.
    fn in_transaction(&self, body: &str, ty: &str) -> String;

    /// As [`Driver::in_transaction`], committed when `keep` (an expression
    /// on the body's `value`) holds and rolled back otherwise: a claim that
    /// missed leaves no lock in the caller's transaction (PostgreSQL's
    /// `READ COMMITTED` locks the row an `UPDATE` re-checks after waiting,
    /// whether or not it then matches, until the transaction ends; a
    /// savepoint rolled back releases it).
    fn in_transaction_if(&self, body: &str, ty: &str, _keep: &str) -> String {
        self.in_transaction(body, ty)
    }

    // --- `verify` and `ensure` (see `super::live`) ---

    /// The first statements of `verify` and `ensure`, their errors mapped
    /// with `map` (sqlx's acquiring of one connection).
    fn live_prologue(&self, _map: &str) -> String {
        String::new()
    }

    /// An expression: `Result<Vec<String>, Error>`, the one text column of
    /// every row of `sql`, on the transaction (`tx`) or the connection.
    fn live_fetch(&self, sql: &str, tx: bool) -> String;

    /// An expression: `Result<_, Error>` of running `sql`, statements
    /// without binds, on the transaction (`tx`) or the connection.
    fn live_batch(&self, sql: &str, tx: bool) -> String;

    /// A statement that opens the transaction `tx`, errors mapped with
    /// `map`: SQLite's with `BEGIN IMMEDIATE` when `immediate`.
    fn live_begin(&self, immediate: bool, map: &str) -> String;

    /// An expression: `Result<(), Error>` of committing `tx`.
    fn live_commit(&self) -> String;

    /// A statement that rolls `tx` back, ignoring a failure (the error
    /// returned is the one that made it roll back).
    fn live_rollback(&self) -> String;
}

/// `body` between `open` and `commit`, as a block whose value is the
/// body's (of type `ty`): the form of a transaction whose handle commits.
pub fn transaction_block(open: &str, commit: &str, body: &str, ty: &str) -> String {
    format!("{{ {open} let value: {ty} = {{ {body} }}; {commit} value }}")
}
