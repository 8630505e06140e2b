//! The dialects one invocation generates for, and where what differs
//! between them goes: with `dialect = "..."` (or none), on the row structs
//! and at the top of the module, as always; with `dialects(...)`, in a
//! module per dialect (`db::postgres::UP_SQL`,
//! `db::postgres::authorization_codes::TAKE_SQL`), beside one set of rows,
//! outcomes and timestamp types that every dialect shares.

use attesto_schema::{Dialect, Schema, Table};

/// The schemas of an invocation, one per dialect, in the order named.
pub struct Dialects<'a> {
    schemas: Vec<&'a Schema>,
    multi: bool,
}

impl<'a> Dialects<'a> {
    /// The dialects of `schemas`; `multi` when `dialects(...)` named them.
    pub fn new(schemas: Vec<&'a Schema>, multi: bool) -> Dialects<'a> {
        Dialects { schemas, multi }
    }

    /// The first dialect's schema, whose tables, columns and operations
    /// every dialect shares.
    pub fn primary(&self) -> &'a Schema {
        self.schemas[0]
    }

    /// Every dialect's schema, in the order named.
    pub fn schemas(&self) -> &[&'a Schema] {
        &self.schemas
    }

    /// Whether `dialects(...)` named them: a module per dialect.
    pub fn multi(&self) -> bool {
        self.multi
    }

    /// The path, from inside the invocation's module (or an `impl` in it),
    /// of `table`'s statement constants in `schema`: the row struct's
    /// `Self`, or the table's module in the dialect's.
    pub fn table_consts(&self, schema: &Schema, table: &Table) -> String {
        if self.multi {
            format!("self::{}::{}", schema.dialect().name(), table.short_name())
        } else {
            "Self".to_owned()
        }
    }

    /// The prefix of the paths of `schema`'s module-level constants
    /// (`TARGET`, `CATALOG_SQL`): nothing, or `self::postgres::`.
    pub fn module(&self, schema: &Schema) -> String {
        if self.multi {
            format!("self::{}::", schema.dialect().name())
        } else {
            String::new()
        }
    }

    /// The dialects.
    pub fn dialects(&self) -> impl Iterator<Item = Dialect> + Clone + '_ {
        self.schemas.iter().map(|s| s.dialect())
    }
}
