//! Untrusted text on its way to a terminal or a file name: whatever a relay or a sender
//! wrote is shown inert, so it cannot move the cursor, recolour the screen, fake a line or
//! reorder what is shown around it.

/// Whether `c` is an invisible formatting character that changes how the text around it
/// is shown: bidirectional overrides, embeddings and isolates (the `report\u{202E}fdp.sh`
/// trick), zero-width characters, line and paragraph separators, the byte-order mark,
/// interlinear annotations and tag characters (Unicode general categories Cf, Zl, Zp).
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Escapes control characters (everything a terminal could act on) and formatting
/// characters (everything that could reorder or hide text), as `\u{...}`.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || is_format(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("tab\there"), "tab\\there");
    }

    #[test]
    fn bidi_and_invisible_characters_are_escaped() {
        assert_eq!(sanitize("report\u{202E}fdp.sh"), "report\\u{202e}fdp.sh");
        assert_eq!(sanitize("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
        assert_eq!(sanitize("zero\u{200B}width"), "zero\\u{200b}width");
        assert_eq!(sanitize("line\u{2028}sep"), "line\\u{2028}sep");
        assert_eq!(sanitize("grüße, 日本"), "grüße, 日本");
    }
}
