//! The timestamp types of an expansion with an integration: `Timestamp`
//! for `timestamp(0)` columns (Ecto's `:utc_datetime`, whole seconds) and
//! `TimestampUsec` for `timestamp` columns (`:utc_datetime_usec`,
//! microseconds), each a `chrono::NaiveDateTime` that holds the column's
//! precision and a year from 1 to 9999, the range every dialect stores and
//! compares alike (MariaDB turns year 10000 into `0000-00-00`, SQLite's
//! text of it sorts before year 2026).
//!
//! A value of the wrong precision or out of range cannot be built, so no
//! binding needs a check at run time, and passing a microsecond value where
//! a column keeps seconds is a type error. Each driver binds and reads them
//! as `NaiveDateTime` (`Driver::timestamp_glue`), and refuses, when
//! reading, a stored value they could not hold.

use std::fmt::Write as _;

use attesto_schema::Schema;
use proc_macro2::TokenStream;

use crate::args::path_segments;
use crate::code::Code;
use crate::types::{RustType, RustTypes};

/// A timestamp type the expansion defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Newtype {
    /// Its name in the expansion's module.
    pub name: &'static str,
    /// The nanoseconds its values are whole multiples of.
    unit: u32,
    /// What its columns keep, for docs and messages.
    keeps: &'static str,
    /// The column type, for docs.
    column: &'static str,
}

/// `Timestamp`: whole seconds.
pub const SECONDS: Newtype = Newtype {
    name: "Timestamp",
    unit: 1_000_000_000,
    keeps: "whole seconds",
    column: "`timestamp(0)` (Ecto's `:utc_datetime`)",
};

/// `TimestampUsec`: microseconds.
pub const MICROS: Newtype = Newtype {
    name: "TimestampUsec",
    unit: 1_000,
    keeps: "microseconds",
    column: "`timestamp` (Ecto's `:utc_datetime_usec`)",
};

/// Whether `ty` is one of the expansion's timestamp types.
pub fn is_newtype(ty: RustType<'_>) -> bool {
    matches!(ty, RustType::Default(name) if name == SECONDS.name || name == MICROS.name)
}

/// The timestamp types the fields of `schema` use, in order.
pub fn used(schema: &Schema, types: &RustTypes<'_>) -> Vec<Newtype> {
    let mut used = Vec::new();
    for newtype in [SECONDS, MICROS] {
        let uses = schema.tables().into_iter().any(|table| {
            schema.columns(table).iter().any(
                |c| matches!(types.of(table, c), RustType::Default(name) if name == newtype.name),
            )
        });
        if uses {
            used.push(newtype);
        }
    }
    used
}

/// Whether the host derives `name` (`Serialize`, `Deserialize`) on the
/// rows, which then need it of their fields.
fn derives(derives: &[TokenStream], name: &str) -> bool {
    derives
        .iter()
        .any(|path| path_segments(path).last().is_some_and(|s| s == name))
}

/// The definitions of `used`, and of their error type.
pub fn definitions(code: &mut Code, used: &[Newtype], host_derives: &[TokenStream]) {
    if used.is_empty() {
        return;
    }
    code.push_str(
        r#"
        /// Why a value is not a timestamp of a column: it has more precision than the
        /// column keeps, or falls outside years 1 to 9999, the range every dialect
        /// stores and compares alike.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct TimestampError {
            value: ::std::string::String,
            reason: &'static str,
        }
        impl ::core::fmt::Display for TimestampError {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "attesto: {} {}", self.value, self.reason)
            }
        }
        impl ::std::error::Error for TimestampError {}
        /// The first and last second of years 1 to 9999, in Unix seconds.
        const __ATTESTO_TIMESTAMP_RANGE: (i64, i64) = (-62_135_596_800, 253_402_300_799);
        /// Why a value out of range is refused.
        const __ATTESTO_OUT_OF_RANGE: &str = "is outside years 1 to 9999, the range every dialect stores and compares alike";
"#,
    );
    for newtype in used {
        definition(code, *newtype);
        if derives(host_derives, "Serialize") {
            let _ = write!(
                code,
                "impl ::serde::Serialize for {name} {{\n\
                 fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {{\n\
                 ::serde::Serialize::serialize(&self.0, serializer)\n}}\n}}\n",
                name = newtype.name
            );
        }
        if derives(host_derives, "Deserialize") {
            let _ = write!(
                code,
                "impl<'de> ::serde::Deserialize<'de> for {name} {{\n\
                 fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {{\n\
                 let value = <::chrono::NaiveDateTime as ::serde::Deserialize<'de>>::deserialize(deserializer)?;\n\
                 Self::new(value).map_err(::serde::de::Error::custom)\n}}\n}}\n",
                name = newtype.name
            );
        }
    }
    if used.contains(&SECONDS) && used.contains(&MICROS) {
        code.push_str(
            "impl ::core::convert::From<Timestamp> for TimestampUsec {\n\
             /// The same instant: whole seconds are whole microseconds.\n\
             fn from(value: Timestamp) -> Self { Self(value.0) }\n}\n",
        );
    }
}

fn definition(code: &mut Code, newtype: Newtype) {
    let Newtype {
        name,
        unit,
        keeps,
        column,
    } = newtype;
    let _ = write!(
        code,
        r#"
        /// A value of a {column} column: a UTC date and time in {keeps}, from year 1 to
        /// year 9999, as every dialect stores, compares and reads it back. A value of
        /// another precision, or out of that range, cannot be built, so it is never
        /// written: take [`{name}::now`], or check a `chrono::NaiveDateTime` with
        /// [`{name}::new`] (or drop its excess precision with [`{name}::truncate`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct {name}(::chrono::NaiveDateTime);
        impl {name} {{
            /// The nanoseconds the sub-second part is a whole multiple of.
            const UNIT: u32 = {unit};

            /// Now, by the system clock, in {keeps} (the excess precision dropped); a
            /// clock outside years 1 to 9999 gives the nearest end of the range.
            pub fn now() -> Self {{
                let (seconds, nanos) = match ::std::time::SystemTime::now().duration_since(::std::time::UNIX_EPOCH) {{
                    ::core::result::Result::Ok(since) => (
                        i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
                        since.subsec_nanos(),
                    ),
                    ::core::result::Result::Err(before) => {{
                        let before = before.duration();
                        let seconds = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                        match before.subsec_nanos() {{
                            0 => (-seconds, 0),
                            nanos => (-seconds - 1, 1_000_000_000 - nanos),
                        }}
                    }}
                }};
                let (first, last) = __ATTESTO_TIMESTAMP_RANGE;
                let (seconds, nanos) = if seconds < first {{
                    (first, 0)
                }} else if seconds > last {{
                    (last, 0)
                }} else {{
                    (seconds, nanos - nanos % Self::UNIT)
                }};
                match ::chrono::DateTime::from_timestamp(seconds, nanos) {{
                    ::core::option::Option::Some(now) => Self(now.naive_utc()),
                    // Inside the range, chrono has every second.
                    ::core::option::Option::None => Self(::chrono::NaiveDateTime::default()),
                }}
            }}

            /// `value`, if it is in {keeps} and within years 1 to 9999.
            pub fn new(value: ::chrono::NaiveDateTime) -> ::core::result::Result<Self, TimestampError> {{
                let (first, last) = __ATTESTO_TIMESTAMP_RANGE;
                let utc = value.and_utc();
                if utc.timestamp() < first || utc.timestamp() > last {{
                    return ::core::result::Result::Err(TimestampError {{
                        value: ::std::string::ToString::to_string(&value),
                        reason: __ATTESTO_OUT_OF_RANGE,
                    }});
                }}
                // A leap second (`23:59:60`) is not a time the databases keep.
                let nanos = utc.timestamp_subsec_nanos();
                if nanos >= 1_000_000_000 || nanos % Self::UNIT != 0 {{
                    return ::core::result::Result::Err(TimestampError {{
                        value: ::std::string::ToString::to_string(&value),
                        reason: {refusal:?},
                    }});
                }}
                ::core::result::Result::Ok(Self(value))
            }}

            /// `value` without what is finer than {keeps}, if it is within years 1 to
            /// 9999.
            pub fn truncate(value: ::chrono::NaiveDateTime) -> ::core::result::Result<Self, TimestampError> {{
                let nanos = value.and_utc().timestamp_subsec_nanos() % 1_000_000_000;
                let whole = value
                    .checked_sub_signed(::chrono::TimeDelta::nanoseconds(i64::from(nanos % Self::UNIT)))
                    .unwrap_or(value);
                Self::new(whole)
            }}

            /// The second `seconds` after the Unix epoch (before it, when negative).
            pub fn from_unix(seconds: i64) -> ::core::result::Result<Self, TimestampError> {{
                match ::chrono::DateTime::from_timestamp(seconds, 0) {{
                    ::core::option::Option::Some(value) => Self::new(value.naive_utc()),
                    ::core::option::Option::None => ::core::result::Result::Err(TimestampError {{
                        value: ::std::format!("{{seconds}} seconds after the Unix epoch"),
                        reason: __ATTESTO_OUT_OF_RANGE,
                    }}),
                }}
            }}

            /// The whole seconds since the Unix epoch (negative before it).
            pub fn unix(self) -> i64 {{
                self.0.and_utc().timestamp()
            }}

            /// The date and time.
            pub fn naive(self) -> ::chrono::NaiveDateTime {{
                self.0
            }}

            /// `self` moved by `delta`, if the result is in {keeps} and within years 1
            /// to 9999.
            pub fn checked_add(self, delta: ::chrono::TimeDelta) -> ::core::option::Option<Self> {{
                self.0.checked_add_signed(delta).and_then(|value| Self::new(value).ok())
            }}

            /// `self` moved by `seconds` (back, when negative), if within years 1 to
            /// 9999.
            pub fn checked_add_seconds(self, seconds: i64) -> ::core::option::Option<Self> {{
                self.checked_add(::chrono::TimeDelta::try_seconds(seconds)?)
            }}
        }}
        impl ::core::convert::TryFrom<::chrono::NaiveDateTime> for {name} {{
            type Error = TimestampError;
            /// [`{name}::new`].
            fn try_from(value: ::chrono::NaiveDateTime) -> ::core::result::Result<Self, TimestampError> {{
                Self::new(value)
            }}
        }}
        impl ::core::convert::From<{name}> for ::chrono::NaiveDateTime {{
            fn from(value: {name}) -> Self {{
                value.0
            }}
        }}
        impl ::core::default::Default for {name} {{
            /// The Unix epoch, 1970-01-01 00:00:00.
            fn default() -> Self {{
                Self(::chrono::NaiveDateTime::default())
            }}
        }}
        impl ::core::fmt::Display for {name} {{
            /// As chrono writes it: `2026-12-02 10:21:28`.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{
                ::core::fmt::Display::fmt(&self.0, f)
            }}
        }}
"#,
        refusal = format!(
            "has a finer fraction of a second than {keeps}, which its column does not keep; \
             drop it first ({name}::truncate)"
        ),
    );
}
