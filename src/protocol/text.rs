//! Untrusted text on its way to a terminal or a file name: whatever a relay or a sender
//! wrote is shown inert, so it cannot move the cursor, recolour the screen or fake a line.

/// Escapes control characters (everything a terminal could act on).
pub fn sanitize(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("tab\there"), "tab\\there");
    }
}
