//! What the generated code calls and that never varies from one invocation
//! to another: ordinary Rust, compiled once with this crate and tested
//! here, where the expansion would otherwise write it out as text in every
//! invocation (as serde's and thiserror's `__private` modules do).
//!
//! Not a public API: the generated code names it through the path it
//! already uses for this crate (`::attesto_schema` or `::attesto::schema`),
//! and its items may change in any release of attesto-schema with the
//! macro that emits the calls.

use std::io;

/// The deepest nesting of JSON that serde_json reads back (its recursion
/// limit): a value nested deeper is written but would not read.
pub const JSON_DEPTH: u32 = 127;

/// A sink that measures how deep the JSON written into it nests: a write
/// fails once it passes [`JSON_DEPTH`] levels, so that serialising a value
/// into it (`serde_json::to_writer`) tells whether the value reads back,
/// without a copy of the text or a recursion of its own.
#[derive(Debug, Default)]
pub struct JsonDepth {
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl io::Write for JsonDepth {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &byte in buf {
            if self.in_string {
                // Brackets inside a string do not nest; an escaped quote
                // does not end it.
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'[' | b'{' => {
                    self.depth += 1;
                    if self.depth > JSON_DEPTH {
                        return Err(io::Error::other("nested too deep"));
                    }
                }
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Why a timestamp would not read back as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampRefusal {
    /// More precision than the column keeps.
    Precision,
    /// Outside years 1 to 9999, the range every dialect stores and compares
    /// alike.
    Range,
}

/// The first second of year 1 (UTC), in seconds since the Unix epoch.
const FIRST_SECOND: i64 = -62_135_596_800;
/// The last second of year 9999 (UTC), in seconds since the Unix epoch.
const LAST_SECOND: i64 = 253_402_300_799;

/// Why a timestamp `seconds` since the Unix epoch and `subsec_nanos` past
/// that second, for a column that keeps whole multiples of `unit`
/// nanoseconds, would not read back as written; `None` when it would.
///
/// A leap second's nanoseconds (past 1e9) are kept as they are, so that a
/// column of whole seconds refuses them.
#[must_use]
pub const fn timestamp_refusal(
    seconds: i64,
    subsec_nanos: u32,
    unit: u32,
) -> Option<TimestampRefusal> {
    if seconds < FIRST_SECOND || seconds > LAST_SECOND {
        Some(TimestampRefusal::Range)
    } else if unit != 0 && subsec_nanos % unit != 0 {
        Some(TimestampRefusal::Precision)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn reads_back(json: &str) -> bool {
        JsonDepth::default().write_all(json.as_bytes()).is_ok()
    }

    #[test]
    fn json_depth_counts_brackets_outside_strings_only() {
        let deepest = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(reads_back(&deepest));
        let deeper = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(!reads_back(&deeper));
        // Brackets in strings, escaped quotes among them, do not nest.
        let quoted = format!("[\"{}\\\"{}\"]", "[".repeat(500), "{".repeat(500));
        assert!(reads_back(&quoted));
        // Siblings do not add up.
        let wide = format!("[{}[]]", "[],".repeat(500));
        assert!(reads_back(&wide));
    }

    #[test]
    fn json_depth_holds_across_writes() {
        let mut sink = JsonDepth::default();
        for _ in 0..127 {
            assert!(sink.write_all(b"{\"a\":").is_ok());
        }
        assert!(sink.write_all(b"[").is_err());
    }

    #[test]
    fn timestamps_outside_years_1_to_9999_are_refused() {
        assert_eq!(timestamp_refusal(FIRST_SECOND, 0, 1), None);
        assert_eq!(timestamp_refusal(LAST_SECOND, 999_999_999, 1), None);
        assert_eq!(
            timestamp_refusal(FIRST_SECOND - 1, 0, 1),
            Some(TimestampRefusal::Range)
        );
        assert_eq!(
            timestamp_refusal(LAST_SECOND + 1, 0, 1),
            Some(TimestampRefusal::Range)
        );
    }

    #[test]
    fn timestamps_finer_than_the_column_are_refused() {
        // Microseconds kept: a nanosecond more is refused.
        assert_eq!(timestamp_refusal(0, 1_000, 1_000), None);
        assert_eq!(
            timestamp_refusal(0, 1_001, 1_000),
            Some(TimestampRefusal::Precision)
        );
        // Whole seconds kept: a leap second's nanoseconds are refused.
        assert_eq!(timestamp_refusal(0, 0, 1_000_000_000), None);
        assert_eq!(
            timestamp_refusal(0, 1_000_000_000, 1_000_000_000),
            None,
            "a leap second is a whole second's multiple"
        );
        assert_eq!(
            timestamp_refusal(0, 1_500_000_000, 1_000_000_000),
            Some(TimestampRefusal::Precision)
        );
    }
}
