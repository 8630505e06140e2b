//! The one comparison of a migration file with what attesto generates,
//! shared by `attesto check` and the macro's drift guard, so that both
//! reach the same verdict on the same file.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::text::shown_around;

/// How a file on disk differs from the generated migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The file, as the user named it.
    pub path: PathBuf,
    /// What differs.
    pub kind: DriftKind,
}

/// What differs between a file and the generated migration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriftKind {
    /// The text differs first at `line`.
    Line {
        /// The 1-based line number.
        line: usize,
        /// The line generated there (`None` past the generated text's end).
        expected: Option<String>,
        /// The line on disk there (`None` past the file's end).
        found: Option<String>,
    },
    /// The text is the same, but the file ends its lines with CRLF.
    LineEndings {
        /// The first line that ends with CRLF.
        line: usize,
    },
    /// The text is the same, but the file lacks the final newline.
    MissingFinalNewline,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            DriftKind::Line {
                line,
                expected,
                found,
            } => {
                // Both lines quoted around where they first differ.
                let at = match (expected, found) {
                    (Some(e), Some(f)) => e
                        .bytes()
                        .zip(f.bytes())
                        .position(|(a, b)| a != b)
                        .unwrap_or_else(|| e.len().min(f.len())),
                    _ => 0,
                };
                let show = |line: &Option<String>| {
                    line.as_deref()
                        .map_or_else(|| "(end of file)".to_owned(), |l| shown_around(l, at))
                };
                write!(
                    f,
                    "{path} differs from the generated migration at line {line}: expected {}, found {}",
                    show(expected),
                    show(found)
                )
            }
            DriftKind::LineEndings { line } => write!(
                f,
                "{path} ends its lines with CRLF (the first at line {line}) where the generated \
                 migration has LF; only the line endings differ (check Git's `core.autocrlf` or \
                 `.gitattributes`)"
            ),
            DriftKind::MissingFinalNewline => write!(
                f,
                "{path} lacks the final newline of the generated migration; only that differs"
            ),
        }
    }
}

/// How `found` (the text of `path`) differs from `expected`, or `None` when
/// they are equal byte for byte.
pub fn compare(path: &Path, expected: &str, found: &str) -> Option<Drift> {
    if expected == found {
        return None;
    }
    let drift = |kind| {
        Some(Drift {
            path: path.to_owned(),
            kind,
        })
    };
    if found.contains("\r\n") && found.replace("\r\n", "\n") == expected {
        let line = found
            .split_inclusive('\n')
            .position(|l| l.ends_with("\r\n"))
            .map_or(1, |i| i + 1);
        return drift(DriftKind::LineEndings { line });
    }
    if expected.strip_suffix('\n') == Some(found) {
        return drift(DriftKind::MissingFinalNewline);
    }
    let mut expected_lines = expected.split_inclusive('\n');
    let mut found_lines = found.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (expected_lines.next(), found_lines.next()) {
            (Some(e), Some(f)) if e == f => line += 1,
            (e, f) => {
                let trim = |l: &str| l.trim_end_matches('\n').to_owned();
                return drift(DriftKind::Line {
                    line,
                    expected: e.map(trim),
                    found: f.map(trim),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(expected: &str, found: &str) -> Option<DriftKind> {
        compare(Path::new("m.sql"), expected, found).map(|d| d.kind)
    }

    #[test]
    fn equal_text_is_no_drift() {
        assert_eq!(kind("a\nb\n", "a\nb\n"), None);
    }

    #[test]
    fn line_endings_and_final_newline_are_named() {
        assert_eq!(
            kind("a\nb\n", "a\r\nb\r\n"),
            Some(DriftKind::LineEndings { line: 1 })
        );
        assert_eq!(
            kind("a\nb\n", "a\nb\r\n"),
            Some(DriftKind::LineEndings { line: 2 })
        );
        assert_eq!(kind("a\nb\n", "a\nb"), Some(DriftKind::MissingFinalNewline));
        let message = compare(Path::new("m.sql"), "a\n", "a").map(|d| d.to_string());
        assert_eq!(
            message.as_deref(),
            Some("m.sql lacks the final newline of the generated migration; only that differs")
        );
    }

    #[test]
    fn the_first_differing_line_is_reported_and_quoted_within_bounds() {
        assert_eq!(
            kind("a\nb\n", "a\nc\n"),
            Some(DriftKind::Line {
                line: 2,
                expected: Some("b".to_owned()),
                found: Some("c".to_owned())
            })
        );
        let long = format!("a\n{}\n", "x".repeat(5_000_000));
        let message = compare(Path::new("m.sql"), "a\n", &long).map(|d| d.to_string());
        assert!(message.is_some_and(|m| m.len() < 300));
    }
}
