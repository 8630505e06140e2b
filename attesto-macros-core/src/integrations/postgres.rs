//! postgres 0.19 and tokio-postgres 0.7 (the first re-exports the second's
//! types, so one set of impls serves both): `TryFrom<&Row>` by column name,
//! and `params()` in [`COLUMNS`] order for `INSERT_SQL`.
//!
//! `client.execute` takes `&[&(dyn ToSql + Sync)]`, so each parameter is a
//! reference to a field. A timestamp with more precision than its column
//! keeps is refused by putting, in its place, a reference to a constant
//! whose `to_sql` fails with a message naming the column: the statement is
//! never sent.

use std::fmt::Write as _;

use attesto_schema::{Schema, Table};

use super::value::Source;
use super::{Binding, field_values};
use crate::code::{Code, str_literal};
use crate::types::RustTypes;

pub fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>, krate: &str) {
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
    let values = field_values(schema, table, types, |binding, source, name, column| {
        value(binding, source, name, column, krate)
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
/// as `binding`; `table` names the column in a refusal.
pub fn value(
    binding: Binding,
    source: Source<'_>,
    table: &str,
    column: &str,
    krate: &str,
) -> String {
    // A reference to the value, which the driver's own ToSql encodes:
    // jsonb and arrays bind as the field's own type (serde_json::Value,
    // postgres_types::Json<T>, Vec<String>); `&&str` encodes as `&str`.
    let plain = format!("&{}", source.place());
    match binding {
        Binding::Timestamp(precision) => format!(
            "if AttestoTimestamp::attesto_subsec_nanos({plain}) % {unit} == 0 {{ {plain} as &(dyn {krate}::types::ToSql + ::core::marker::Sync) }} \
             else {{ &__AttestoPostgresRefused({msg}) }}",
            unit = precision.unit(),
            msg = str_literal(&precision.message(table, column)),
        ),
        Binding::Json | Binding::Plain => plain,
    }
}
