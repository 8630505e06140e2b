//! A line diff, for `attesto check`'s report.

use std::fmt::Write as _;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff of `expected` (the generated text) against `found` (the
/// file on disk), or an empty string when they are equal.
pub fn unified(expected: &str, found: &str, expected_name: &str, found_name: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = found.lines().collect();
    let ops = edit_script(&a, &b);
    if ops.iter().all(|op| matches!(op, Op::Same(..))) {
        return String::new();
    }
    let mut out = format!("--- {expected_name}\n+++ {found_name}\n");
    // Group the script into hunks with CONTEXT lines around changes.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut start = 0;
    while start < changed.len() {
        let mut end = start;
        while end + 1 < changed.len() && changed[end + 1] - changed[end] <= 2 * CONTEXT + 1 {
            end += 1;
        }
        let from = changed[start].saturating_sub(CONTEXT);
        let to = (changed[end] + CONTEXT + 1).min(ops.len());
        let (a_line, b_line) = ops[..from].iter().fold((1, 1), |(x, y), op| match op {
            Op::Same(_) => (x + 1, y + 1),
            Op::Removed(_) => (x + 1, y),
            Op::Added(_) => (x, y + 1),
        });
        let a_len = ops[from..to]
            .iter()
            .filter(|o| !matches!(o, Op::Added(_)))
            .count();
        let b_len = ops[from..to]
            .iter()
            .filter(|o| !matches!(o, Op::Removed(_)))
            .count();
        let _ = writeln!(out, "@@ -{a_line},{a_len} +{b_line},{b_len} @@");
        for op in &ops[from..to] {
            let _ = match op {
                Op::Same(line) => writeln!(out, " {line}"),
                Op::Removed(line) => writeln!(out, "-{line}"),
                Op::Added(line) => writeln!(out, "+{line}"),
            };
        }
        start = end + 1;
    }
    out
}

enum Op<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The shortest edit script by longest common subsequence; migrations are
/// a few hundred lines, so the quadratic table is small.
fn edit_script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same(a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(Op::Removed(a[i]));
            i += 1;
        } else {
            ops.push(Op::Added(b[j]));
            j += 1;
        }
    }
    ops
}
