//! Prompts, behind a trait: a terminal implementation (dialoguer) and one for scripts and
//! cron that never prompts and says which flag to use instead.

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Asking the user things.
pub trait Ui {
    /// A line of text; `flag` names the option that gives it without a prompt.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when there is no terminal to ask on.
    fn input(&self, prompt: &str, default: Option<&str>, flag: &str) -> Result<String>;
    /// A hidden secret.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when there is no terminal to ask on.
    fn password(&self, prompt: &str, flag: &str) -> Result<Secret>;
    /// Yes or no.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when there is no terminal to ask on.
    fn confirm(&self, prompt: &str, default: bool) -> Result<bool>;
    /// One of `items`, by index.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when there is no terminal to ask on.
    fn select(&self, prompt: &str, items: &[&str], default: usize, flag: &str) -> Result<usize>;
}

/// Prompts on the terminal (stdin and stderr must both be terminals).
#[derive(Debug)]
pub struct Terminal;

fn ui_err(e: dialoguer::Error) -> Error {
    Error::Usage(format!("prompt failed: {e}"))
}

impl Ui for Terminal {
    fn input(&self, prompt: &str, default: Option<&str>, _flag: &str) -> Result<String> {
        let theme = dialoguer::theme::SimpleTheme;
        let mut input = dialoguer::Input::<String>::with_theme(&theme).with_prompt(prompt);
        if let Some(d) = default {
            input = input.default(d.to_string());
        }
        input.interact_text().map_err(ui_err)
    }

    fn password(&self, prompt: &str, _flag: &str) -> Result<Secret> {
        dialoguer::Password::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(prompt)
            .interact()
            .map(Secret::new)
            .map_err(ui_err)
    }

    fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        dialoguer::Confirm::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(ui_err)
    }

    fn select(&self, prompt: &str, items: &[&str], default: usize, _flag: &str) -> Result<usize> {
        dialoguer::Select::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()
            .map_err(ui_err)
    }
}

/// Never prompts: every question is an error naming the flag that answers it.
#[derive(Debug)]
pub struct NoPrompts;

impl Ui for NoPrompts {
    fn input(&self, prompt: &str, _default: Option<&str>, flag: &str) -> Result<String> {
        Err(Error::Usage(format!(
            "{prompt}: not a terminal, so not asking; give {flag}"
        )))
    }

    fn password(&self, prompt: &str, flag: &str) -> Result<Secret> {
        Err(Error::Usage(format!(
            "{prompt}: not a terminal, so not asking; {flag}"
        )))
    }

    fn confirm(&self, _prompt: &str, default: bool) -> Result<bool> {
        Ok(default)
    }

    fn select(&self, prompt: &str, _items: &[&str], _default: usize, flag: &str) -> Result<usize> {
        Err(Error::Usage(format!(
            "{prompt}: not a terminal, so not asking; give {flag}"
        )))
    }
}
