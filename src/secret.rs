//! A string that is a secret: zeroed on drop, redacted in `Debug` and `Display`.

use std::fmt;

use zeroize::Zeroizing;

/// A password or passphrase.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(Zeroizing::new(s.into()))
    }

    /// The secret itself; call only where it is sent or used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_redacts() {
        assert_eq!(
            format!("{:?}", super::Secret::new("hunter2")),
            "Secret([redacted])"
        );
    }
}
