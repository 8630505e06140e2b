//! postgres 0.19 and tokio-postgres 0.7 (the first re-exports the second's
//! types, so one set of impls serves both): `TryFrom<&Row>` by column name,
//! `params()` in `COLUMNS` order for `INSERT_SQL`, and the operations over
//! `GenericClient` (a client or a transaction), sync or async.
//!
//! `client.execute` takes `&[&(dyn ToSql + Sync)]`, so each parameter is a
//! reference to a field. A timestamp with more precision than its column
//! keeps is refused by putting, in its place, a reference to a constant
//! whose `to_sql` fails with a message naming the column: the statement is
//! never sent.

use std::fmt::Write as _;

use attesto_schema::{Backend, OUTCOME_COLUMN, Schema, Table};

use super::driver::{
    Bound, Driver, Feature, FeatureGraph, Query, Signature, Uses, Violation, transaction_block,
};
use super::value::Source;
use super::{Binding, field_values, is_path};
use crate::code::{Code, str_literal};
use crate::expand::dialects::Dialects;
use crate::types::RustTypes;

/// postgres or tokio-postgres: the operations over `GenericClient`, sync
/// or async.
pub struct Postgres {
    /// The name in `integrations(...)`.
    name: &'static str,
    /// The crate's path.
    krate: &'static str,
    /// Whether the client is async.
    asynchronous: bool,
    /// The `[dependencies]` line.
    dependency: &'static str,
}

/// postgres 0.19, sync.
pub const POSTGRES: Postgres = Postgres {
    name: "postgres",
    krate: "::postgres",
    asynchronous: false,
    dependency: "postgres = { version = \"0.19\", features = [\"with-chrono-0_4\", \"with-uuid-1\", \"with-serde_json-1\"] }",
};

/// tokio-postgres 0.7, async.
pub const TOKIO_POSTGRES: Postgres = Postgres {
    name: "tokio_postgres",
    krate: "::tokio_postgres",
    asynchronous: true,
    dependency: "tokio-postgres = { version = \"0.7\", features = [\"with-chrono-0_4\", \"with-uuid-1\", \"with-serde_json-1\"] }",
};

impl Postgres {
    /// `.await` for the async client.
    fn wait(&self) -> &'static str {
        if self.asynchronous { ".await" } else { "" }
    }
}

/// The client of a statement: the method's, or the operation's
/// transaction.
fn on(tx: bool) -> &'static str {
    if tx { "tx" } else { "db" }
}

impl Driver for Postgres {
    fn name(&self) -> &'static str {
        self.name
    }

    fn supports(&self, backend: Backend) -> bool {
        backend == Backend::Postgres
    }

    fn dependency(&self, _backend: Backend) -> String {
        self.dependency.to_owned()
    }

    fn feature_graph(&self) -> FeatureGraph {
        FeatureGraph {
            release: if self.asynchronous { "0.7" } else { "0.19" },
            defaults: &[],
            implies: &[],
        }
    }

    fn features(&self, _backend: Backend, uses: Uses) -> Vec<Feature> {
        [
            (uses.chrono, "with-chrono-0_4"),
            (uses.uuid, "with-uuid-1"),
            (uses.json, "with-serde_json-1"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, feature)| Feature::plain(feature))
        .collect()
    }

    fn writes_json_text(&self) -> bool {
        false
    }

    fn checks_timestamps(&self) -> bool {
        true
    }

    fn refuses_string_for_jsonb(&self) -> bool {
        true
    }

    /// postgres re-exports tokio-postgres's types: one set of impls serves
    /// both.
    fn glue_key(&self) -> &'static str {
        "postgres-types"
    }

    /// Named through `::postgres` when the invocation names postgres, as it
    /// then certainly depends on it.
    fn glue(
        &self,
        code: &mut Code,
        layout: &Dialects<'_>,
        types: &RustTypes<'_>,
        named: &[&dyn Driver],
    ) {
        let schema = layout.primary();
        let krate = if named.iter().any(|d| d.name() == POSTGRES.name) {
            POSTGRES.krate
        } else {
            self.krate
        };
        generate(code, schema, types, krate);
    }

    fn timestamp_glue(&self, code: &mut Code, _backend: Backend, name: &str) {
        let krate = self.krate;
        let _ = write!(
            code,
            r#"
            impl {krate}::types::ToSql for {name} {{
                fn to_sql(
                    &self,
                    ty: &{krate}::types::Type,
                    out: &mut {krate}::types::private::BytesMut,
                ) -> ::core::result::Result<
                    {krate}::types::IsNull,
                    ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>,
                > {{
                    {krate}::types::ToSql::to_sql(&self.0, ty, out)
                }}
                fn accepts(ty: &{krate}::types::Type) -> bool {{
                    <::chrono::NaiveDateTime as {krate}::types::ToSql>::accepts(ty)
                }}
                fn to_sql_checked(
                    &self,
                    ty: &{krate}::types::Type,
                    out: &mut {krate}::types::private::BytesMut,
                ) -> ::core::result::Result<
                    {krate}::types::IsNull,
                    ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>,
                > {{
                    {krate}::types::ToSql::to_sql_checked(&self.0, ty, out)
                }}
            }}
            impl<'a> {krate}::types::FromSql<'a> for {name} {{
                fn from_sql(
                    ty: &{krate}::types::Type,
                    raw: &'a [u8],
                ) -> ::core::result::Result<
                    Self,
                    ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>,
                > {{
                    let value = <::chrono::NaiveDateTime as {krate}::types::FromSql<'a>>::from_sql(ty, raw)?;
                    ::core::result::Result::Ok(Self::new(value)?)
                }}
                fn accepts(ty: &{krate}::types::Type) -> bool {{
                    <::chrono::NaiveDateTime as {krate}::types::FromSql<'a>>::accepts(ty)
                }}
            }}
"#
        );
    }

    fn asynchronous(&self) -> bool {
        self.asynchronous
    }

    fn reborrow(&self) -> &'static str {
        "&mut *db"
    }

    fn signature(&self, _backend: Backend) -> Signature {
        Signature {
            generics: String::new(),
            connection: format!("db: &mut impl {}::GenericClient", self.krate),
            error: format!("{}::Error", self.krate),
        }
    }

    fn value(&self, bound: &Bound<'_>) -> String {
        let json_value = bound
            .column
            .is_some_and(|c| is_path(bound.types.of(bound.table, c), &["serde_json", "Value"]));
        value(
            bound.binding,
            bound.source,
            bound.table_name,
            bound.label,
            self.krate,
            json_value,
        )
    }

    fn exec(&self, q: &Query<'_>) -> String {
        format!(
            "{}.execute({}, &[{}]){}?",
            on(q.tx),
            q.sql,
            q.values.join(", "),
            self.wait()
        )
    }

    fn try_exec(&self, q: &Query<'_>) -> String {
        format!(
            "db.execute({}, &[{}]){}",
            q.sql,
            q.values.join(", "),
            self.wait()
        )
    }

    fn fetch_optional(&self, q: &Query<'_>) -> String {
        format!(
            "match {}.query_opt({}, &[{}]){}? {{ ::core::option::Option::Some(row) => ::core::option::Option::Some(Self::try_from(&row)?), ::core::option::Option::None => ::core::option::Option::None }}",
            on(q.tx),
            q.sql,
            q.values.join(", "),
            self.wait()
        )
    }

    fn fetch_all(&self, q: &Query<'_>) -> String {
        format!(
            "{}.query({}, &[{}]){}?.iter().map(Self::try_from).collect::<::core::result::Result<::std::vec::Vec<Self>, _>>()?",
            on(q.tx),
            q.sql,
            q.values.join(", "),
            self.wait()
        )
    }

    fn count(&self, q: &Query<'_>) -> String {
        format!(
            "{}.query_one({}, &[{}]){}?.try_get::<_, i64>(0)?",
            on(q.tx),
            q.sql,
            q.values.join(", "),
            self.wait()
        )
    }

    fn miss(&self, q: &Query<'_>) -> String {
        format!(
            "match db.query_opt({}, &[{}]){}? {{ \
             ::core::option::Option::Some(row) => ::core::option::Option::Some((row.try_get::<_, ::std::string::String>({OUTCOME_COLUMN:?})?, Self::try_from(&row)?)), \
             ::core::option::Option::None => ::core::option::Option::None }}",
            q.sql,
            q.values.join(", "),
            self.wait()
        )
    }

    fn unique_violation(&self, v: &Violation<'_>) -> String {
        format!(
            "::core::result::Result::Err(e) if e.as_db_error().is_some_and(|d| *d.code() == {}::error::SqlState::UNIQUE_VIOLATION && d.constraint() == ::core::option::Option::Some({:?}))",
            self.krate, v.constraint
        )
    }

    fn in_transaction(&self, body: &str, ty: &str) -> String {
        let wait = self.wait();
        transaction_block(
            &format!("let mut tx = db.transaction(){wait}?;"),
            &format!("tx.commit(){wait}?;"),
            body,
            ty,
        )
    }

    fn live_fetch(&self, sql: &str, tx: bool) -> String {
        format!(
            "{}.query({sql}, &[]){}.and_then(|rows| rows.iter().map(|row| row.try_get::<_, ::std::string::String>(0)).collect::<::core::result::Result<::std::vec::Vec<_>, _>>())",
            on(tx),
            self.wait()
        )
    }

    fn live_batch(&self, sql: &str, tx: bool) -> String {
        format!("{}.batch_execute({sql}){}", on(tx), self.wait())
    }

    /// PostgreSQL only: no `BEGIN IMMEDIATE`.
    fn live_begin(&self, _immediate: bool, map: &str) -> String {
        format!(
            "let mut tx = db.transaction(){}.map_err({map})?;",
            self.wait()
        )
    }

    fn live_commit(&self) -> String {
        format!("tx.commit(){}", self.wait())
    }

    fn live_rollback(&self) -> String {
        format!("let _ = tx.rollback(){};", self.wait())
    }
}

fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>, krate: &str) {
    let _ = write!(
        code,
        r#"
        /// Stands in `params()` for a timestamp with more precision than its column keeps:
        /// encoding it fails with a message naming the column, so nothing is written.
        #[doc(hidden)]
        #[derive(Debug)]
        pub struct __AttestoPostgresRefused(&'static str);
        impl {krate}::types::ToSql for __AttestoPostgresRefused {{
            fn to_sql(
                &self,
                _: &{krate}::types::Type,
                _: &mut {krate}::types::private::BytesMut,
            ) -> ::core::result::Result<
                {krate}::types::IsNull,
                ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>,
            > {{
                ::core::result::Result::Err(self.0.into())
            }}
            fn accepts(_: &{krate}::types::Type) -> bool {{
                true
            }}
            fn to_sql_checked(
                &self,
                ty: &{krate}::types::Type,
                out: &mut {krate}::types::private::BytesMut,
            ) -> ::core::result::Result<
                {krate}::types::IsNull,
                ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>,
            > {{
                self.to_sql(ty, out)
            }}
        }}
"#
    );
    for table in schema.tables() {
        table_glue(code, schema, table, types, krate);
    }
}

fn table_glue(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>, krate: &str) {
    let row = table.row_name();
    let columns = schema.columns(table);
    let count = columns.len();
    let _ = write!(
        code,
        r#"
        impl {row} {{
            /// The values of [`Self::INSERT_SQL`]'s parameters, in [`Self::COLUMNS`] order:
            /// `client.execute({row}::INSERT_SQL, &row.params())?`. A timestamp with more
            /// precision than its column keeps makes the statement fail, naming the column.
            pub fn params(&self) -> [&(dyn {krate}::types::ToSql + ::core::marker::Sync); {count}] {{
                [
"#
    );
    let values = field_values(schema, table, types, |binding, source, name, column, ty| {
        value(
            binding,
            source,
            name,
            column,
            krate,
            is_path(ty, &["serde_json", "Value"]),
        )
    });
    for bound in values {
        let _ = writeln!(code, "{bound},");
    }
    code.push_str("]\n}\n}\n");
    let _ = write!(
        code,
        "impl ::core::convert::TryFrom<&{krate}::Row> for {row} {{\n\
         type Error = {krate}::Error;\n\
         /// Reads the row by column name, whatever the order of the columns selected.\n\
         fn try_from(row: &{krate}::Row) -> ::core::result::Result<Self, Self::Error> {{\n\
         ::core::result::Result::Ok(Self {{\n"
    );
    for column in &columns {
        let c = column.name();
        let _ = writeln!(code, "{c}: row.try_get({c:?})?,");
    }
    code.push_str("})\n}\n}\n");
}

/// The `&(dyn ToSql + Sync)` the postgres crates bind for `source`, bound
/// as `binding`; `table` names the column in a refusal. `json_value`: the
/// field is a `serde_json::Value`, measured before it is bound.
fn value(
    binding: Binding,
    source: Source<'_>,
    table: &str,
    column: &str,
    krate: &str,
    json_value: bool,
) -> String {
    // A reference to the value, which the driver's own ToSql encodes:
    // jsonb and arrays bind as the field's own type (serde_json::Value,
    // postgres_types::Json<T>, Vec<String>); `&&str` encodes as `&str`.
    // A refusal stands in for it: a constant, so that the reference to it
    // lives as long as the array of parameters.
    let plain = format!("&{}", source.place());
    let dyn_sql = format!("&(dyn {krate}::types::ToSql + ::core::marker::Sync)");
    match binding {
        Binding::Timestamp(precision) => format!(
            "match __attesto_timestamp_refusal({plain}, {unit}) {{ \
             ::core::option::Option::None => {plain} as {dyn_sql}, \
             ::core::option::Option::Some(__AttestoTimestampRefusal::Precision) => &__AttestoPostgresRefused({precise}), \
             ::core::option::Option::Some(__AttestoTimestampRefusal::Range) => &__AttestoPostgresRefused({range}) }}",
            unit = precision.unit(),
            precise = str_literal(&precision.message(table, column)),
            range = str_literal(&super::range_message(table, column)),
        ),
        Binding::Json if json_value => format!(
            "if {} {{ {plain} as {dyn_sql} }} else {{ &__AttestoPostgresRefused({}) }}",
            super::json_reads_back(&plain),
            str_literal(&super::json_message(table, column)),
        ),
        Binding::Text(limit) => format!(
            "if {} {{ &__AttestoPostgresRefused({}) }} else {{ {plain} as {dyn_sql} }}",
            super::too_long(limit, source),
            str_literal(&super::length_message(limit, table, column)),
        ),
        Binding::Json | Binding::Plain => plain,
    }
}
