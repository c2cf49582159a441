//! `ftpchat verify-member`: compare a member's verification code with them, in person or
//! on a call, and keep a signed note of it, so that their messages show as verified by
//! you.

use crate::cli::Io;
use crate::cli::args::VerifyMemberArgs;
use crate::cli::commands::Context;
use crate::cli::commands::room::{one_member, open};
use crate::cli::output::{note, warner};
use crate::error::{Error, Result};
use crate::protocol::encoding::b64;
use crate::protocol::text::sanitize;
use crate::protocol::vouch::{fingerprint, fingerprint_of, same_code};
use crate::room::vouches;

/// Runs `verify-member`.
///
/// # Errors
///
/// No such member, or several; a code that does not match ([`Error::Audit`], exit 1);
/// no code and no terminal to ask on (exit 2); relay and key errors.
pub fn run(a: &VerifyMemberArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let (mut s, _) = open(&a.common, ctx, io)?;
    let reader = s.replay(&mut warner(io.stderr))?;
    let roster = reader.roster().ok_or_else(|| {
        Error::Usage(
            "this room key has no owner pinned, so the room has no roster to verify members \
             against"
                .into(),
        )
    })?;
    let me = b64(s.identity.signing_key().verifying_key().as_bytes());
    let member = one_member(roster, &a.member, None)?;
    if member.key == me {
        return Err(Error::Usage(
            "that is you: verify the other members, and read them your own code".into(),
        ));
    }
    let theirs = fingerprint_of(&member.key)
        .ok_or_else(|| Error::Usage(format!("{}'s key in the roster is malformed", member.name)))?;
    let mine = fingerprint(&s.identity.signing_key().verifying_key());
    let name = sanitize(&member.name);
    let w = |e| Error::io("cannot write", "stdout", e);
    writeln!(io.stdout, "your code (read it to {name}): {mine}").map_err(w)?;
    writeln!(io.stdout, "{name}'s code in this room:  {theirs}").map_err(w)?;
    let confirmed = match &a.code {
        Some(code) => same_code(code, &theirs),
        None if ctx.interactive => {
            use dialoguer::Confirm;
            Confirm::new()
                .with_prompt(format!(
                    "Does {name} read you exactly {theirs} (on a call or in person)?"
                ))
                .default(false)
                .interact()
                .map_err(|e| Error::Usage(format!("cannot ask on the terminal: {e}")))?
        }
        None => {
            return Err(Error::Usage(format!(
                "no code to compare: give the code {name} reads you with --code CODE (or run \
                 this on a terminal to be asked)"
            )));
        }
    };
    if !confirmed {
        writeln!(
            io.stdout,
            "NOT VERIFIED: the code does not match. The key the room shows for {name} may not \
             be theirs (a forged roster or a wrong invite): do not trust it until you know why."
        )
        .map_err(w)?;
        return Err(Error::Audit { findings: 1 });
    }
    let path = ctx.dirs.config.join(vouches::FILE);
    vouches::record(
        &path,
        &s.identity,
        s.key.room_id(),
        &member.key,
        &member.name,
    )?;
    note(
        io.stderr,
        &format!("verified {name}: their messages show a \u{2713} after the name from now on"),
    );
    Ok(())
}
