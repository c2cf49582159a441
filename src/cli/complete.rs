//! Shell completion extras: profile names where a profile is asked for (`--relay`, and
//! `profile show|use|remove`), read at completion time from `ftpchat profile list --names`.
//!
//! clap's generated scripts complete flags and subcommands from the definitions, which
//! cannot know the user's profiles; the generator (tests/generated.rs) passes each script
//! through [`with_profile_names`] before writing it to completions/.

/// The script for `shell` (`bash`, `zsh`, `fish`; others are returned unchanged) with
/// profile-name completion added.
pub fn with_profile_names(shell: &str, script: &str) -> String {
    match shell {
        "bash" => format!("{script}{BASH}"),
        "zsh" => {
            let script = script
                .replace(":URL|PROFILE:_default'", ":URL|PROFILE:_ftpchat_profiles'")
                .replace(
                    ":name -- The profile:_default'",
                    ":name -- The profile:_ftpchat_profiles'",
                )
                .replace(
                    ":name -- The profile \\[default\\: the default profile\\]:_default'",
                    ":name -- The profile \\[default\\: the default profile\\]:_ftpchat_profiles'",
                );
            // After the `#compdef` line, which zsh needs first, and before the script's
            // last line runs `_ftpchat`.
            match script.split_once('\n') {
                Some((first, rest)) if first.starts_with("#compdef") => {
                    format!("{first}\n\n{ZSH}{rest}")
                }
                _ => format!("{ZSH}{script}"),
            }
        }
        "fish" => format!("{script}{FISH}"),
        _ => script.to_string(),
    }
}

const BASH: &str = r#"
# Profile names after --relay and `profile show|use|remove` (added by ftpchat's generator).
_ftpchat_with_profiles() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ "$prev" == "--relay" ]] || [[ "${COMP_WORDS[1]}" == "profile" && $COMP_CWORD -eq 3 && "$prev" =~ ^(show|use|remove)$ ]]; then
        local names
        names="$("${COMP_WORDS[0]}" profile list --names 2>/dev/null)"
        COMPREPLY=($(compgen -W "$names" -- "$cur"))
        [[ ${#COMPREPLY[@]} -gt 0 ]] && return 0
    fi
    _ftpchat "$@"
}
complete -F _ftpchat_with_profiles -o bashdefault -o default ftpchat
"#;

const ZSH: &str = r#"# Profile names (added by ftpchat's generator).
_ftpchat_profiles() {
    local -a names
    names=(${(f)"$(ftpchat profile list --names 2>/dev/null)"})
    _describe -t profiles 'profile' names
    _default
}

"#;

const FISH: &str = r#"
# Profile names after --relay and `profile show|use|remove` (added by ftpchat's generator).
complete -c ftpchat -l relay -f -a '(ftpchat profile list --names 2>/dev/null)'
complete -c ftpchat -n '__fish_seen_subcommand_from profile; and __fish_seen_subcommand_from show use remove' -f -a '(ftpchat profile list --names 2>/dev/null)'
"#;
