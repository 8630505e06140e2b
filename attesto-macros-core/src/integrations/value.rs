//! Where a bound value comes from, in the generated code: a field of the
//! row, or a parameter of a method. Each driver turns one into the
//! expression it binds.

/// A value to bind.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// `<owner>.<column>`, of the field's type (in `Option` when
    /// `nullable`): a field of `self`, the row a method writes, or of
    /// `row`, a row it read.
    Field {
        /// The column, which names the field.
        column: &'a str,
        /// Whether the field is an `Option`.
        nullable: bool,
        /// The row: `self`, or `row`.
        owner: &'a str,
    },
    /// A parameter of type `&T` (`&str` for text).
    Ref(&'a str),
    /// A parameter of type `Option<&T>`.
    OptRef(&'a str),
    /// A parameter of type `i64` (seconds).
    Seconds(&'a str),
}

impl Source<'_> {
    /// The value as a place of its own type: `self.c`, or the parameter.
    pub fn place(&self) -> String {
        match self {
            Source::Field { column, owner, .. } => format!("{owner}.{column}"),
            Source::Ref(name) | Source::OptRef(name) | Source::Seconds(name) => (*name).to_owned(),
        }
    }

    /// A reference to the value: `&self.c`, or the parameter, which is a
    /// reference already (`&T`), or `&` of one that is not.
    pub fn reference(&self) -> String {
        match self {
            Source::Field { column, owner, .. } => format!("&{owner}.{column}"),
            Source::Ref(name) => (*name).to_owned(),
            Source::OptRef(name) | Source::Seconds(name) => format!("&{name}"),
        }
    }

    /// Whether the value may be absent (an `Option`).
    pub fn optional(&self) -> bool {
        match self {
            Source::Field { nullable, .. } => *nullable,
            Source::OptRef(_) => true,
            Source::Ref(_) | Source::Seconds(_) => false,
        }
    }
}
