//! Quoting text that came from the user in messages, with a bound on how
//! much of it a message repeats.

/// The most characters of a user's text a message quotes.
pub const QUOTED_CHARS: usize = 80;

/// `text` quoted for a message (escaped as Rust's `Debug` does), cut after
/// 80 characters with a note of its full length.
pub fn shown(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}... ({} bytes in all)", &text[..cut], text.len()),
    }
}

/// `text` quoted for a message, showing at most 80
/// characters around the byte offset `at` (where it differs from
/// something), with `...` where it was cut.
pub fn shown_around(text: &str, at: usize) -> String {
    if text.chars().count() <= QUOTED_CHARS {
        return format!("{text:?}");
    }
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before: Vec<(usize, char)> = text[..at].char_indices().collect();
    let start = before.len().saturating_sub(QUOTED_CHARS / 4);
    let start = before.get(start).map_or(at, |(i, _)| *i);
    let end = text[start..]
        .char_indices()
        .nth(QUOTED_CHARS)
        .map_or(text.len(), |(i, _)| start + i);
    format!(
        "{}{:?}{}",
        if start > 0 { "..." } else { "" },
        &text[start..end],
        if end < text.len() { "..." } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_quoted_whole() {
        assert_eq!(shown("oauth_"), "\"oauth_\"");
        assert_eq!(shown("a\"b\n"), "\"a\\\"b\\n\"");
    }

    #[test]
    fn the_window_shows_the_difference() {
        let line = format!("{}X{}", "a".repeat(200), "b".repeat(200));
        let shown = shown_around(&line, 200);
        assert!(shown.starts_with("...\""), "{shown}");
        assert!(shown.contains('X'), "{shown}");
        assert!(shown.len() < 100, "{shown}");
        assert_eq!(shown_around("short", 2), "\"short\"");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "é".repeat(1_000_000);
        let message = shown(&long);
        assert!(message.len() < 250, "{}", message.len());
        assert!(message.ends_with("... (2000000 bytes in all)"), "{message}");
    }
}
