# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ftpchat_global_optspecs
    string join \n q/quiet v/verbose timeout= h/help V/version
end

function __fish_ftpchat_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ftpchat_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ftpchat_using_subcommand
    set -l cmd (__fish_ftpchat_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ftpchat -n "__fish_ftpchat_needs_command" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_needs_command" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "keygen" -d 'Create a device identity, or a room key with --room'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "encrypt" -d 'Turn plaintext into signed, encrypted record lines'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "decrypt" -d 'Turn record lines into messages, verifying signatures and chains'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "push" -d 'Upload record lines (stdin, or the pending outbox) to a relay'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "pull" -d 'Download new record lines from a relay'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "send" -d 'Encrypt and push a message in one step'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "watch" -d 'Show a room live: pull and decrypt until interrupted'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "chat" -d 'Read and write a room in one full-screen terminal (a TTY is required)'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "outbox" -d 'List records waiting for delivery, or deliver them'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "relay" -d 'Run an FTP relay inside ftpchat (a quick start on 127.0.0.1 with no arguments)'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "init" -d 'Set up a profile: relay, credentials, room, name, keys (a wizard on a terminal)'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "profile" -d 'List, show, remove profiles or pick the default one'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "room" -d 'Rooms and their signed roster: create, invite, join, add, members, remove, rotate'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "verify" -d 'Audit a whole room: descriptor, roster, every feed\'s signatures and chain'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "verify-member" -d 'Check a member\'s key with them in person: compare the code they read you'
complete -c ftpchat -n "__fish_ftpchat_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -s o -l output -d 'Where to write the key [default: identity.key or room.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -l room -d 'Make a room key instead of a device identity'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -l force -d 'Replace an existing key file (the old key is lost)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s i -l room-key -d 'Room key file; the newest key in it is encrypted to' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s r -l recipient -d 'Post write-only to the room with this public recipient (age1...)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s R -l recipients-file -d 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l name -d 'Display name shown with the messages [default: $USER]' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s m -l message -d 'The message (instead of stdin)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l legacy-layout -d 'Layout of legacy lines: dated (v1, the app\'s default) or short ([HH:MM], newest app)' -r -f -a "dated\t'`YYYY-MM-DD HH:MM:<name>: <message>`'
short\t'`[HH:MM] <name>: <message>`'"
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l legacy-format -d 'Write legacy lines as this version of the original app does: v16 (1.6, base64-wrapped), v17 (1.7) or v23 (2.3, `[HH:MM]` layout); instead of the two above' -r -f -a "v16\t''
v17\t''
v23\t''"
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l legacy-passphrase-file -d 'File holding the original app\'s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l lines -d 'One record per input line instead of one for the whole input'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l json -d 'One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l legacy -d 'Write lines of the original FTPChat app (unauthenticated; needs its passphrase)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -l legacy-base64 -d 'Wrap legacy tokens in base64 once more, as app version 1.6 did'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand encrypt" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -s i -l room-key -d 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -l legacy-passphrase-file -d 'File holding the original app\'s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -l color -d 'When to colour output' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t'Always'
never\t'Never'"
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -l age -d 'Do not decrypt: write the one record\'s ciphertext as the age file it is (binary), for `age -d -i ROOMKEY`. Needs exactly one native record in the input'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -l json -d 'One JSON object per record on stdout'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -l utc -d 'Show times in UTC instead of local time'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -l verify -d 'Treat every chain irregularity (gap, fork, reorder, duplicate, late start) as a failure'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand decrypt" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -s i -l room-key -d 'Room key whose journals (this device\'s feeds in that room) to deliver [default: room.key, if present]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -l outbox -d 'Deliver the pending outbox only; do not read stdin'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand push" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l since -d 'Only records written at or after TIME (RFC 3339, or an age like 30m, 2h, 7d); needs the room key; implies --all --no-advance' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l poll-max -d 'With --follow: the longest wait between polls when the room is idle (polls are fast right after activity)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l cursor -d 'Name of the cursor to use, so several readers can keep their own places' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l attachments -d 'Download the attachments of the records pulled into DIR (checked against their signed hashes; names are sanitised so nothing is written outside DIR). Needs the room key' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -s i -l room-key -d 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l all -d 'Everything in the room, not just what is new'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l no-advance -d 'Do not move the cursor (peek)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -s f -l follow -d 'Keep going: print new record lines as they appear, until interrupted (like `watch`, without decrypting), so `pull --follow | push --relay B` mirrors live'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -l json -d 'One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand pull" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -s i -l room-key -d 'Room key file; the newest key in it is encrypted to' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -s r -l recipient -d 'Post write-only to the room with this public recipient (age1...)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -s R -l recipients-file -d 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l name -d 'Display name shown with the messages [default: $USER]' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l legacy-passphrase-file -d 'File holding the original app\'s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l file -d 'Attach a file: encrypted to a key of its own, uploaded (resumably) to the room\'s blobs/, announced by the record. The message becomes its caption' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l max-attachment -d 'Largest attachment accepted, in bytes' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l owner -d 'Write-only posters: the room owner\'s key (as `room create` prints it). The recipient is then checked against the owner-signed recipient.txt on the relay, and nothing is sent to a recipient the owner rotated out. A `# owner: KEY` line in the -R file does the same' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l legacy-format -d 'Legacy rooms: write lines as this version of the original app does: v16 (1.6, base64-wrapped), v17 (1.7, the default) or v23 (2.3, `[HH:MM]` layout)' -r -f -a "v16\t''
v17\t''
v23\t''"
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -l json -d 'Print what was sent as one JSON object on stdout: feed, seq, relay, ts, kind'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand send" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -s i -l room-key -d 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l color -d 'When to colour output' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t'Always'
never\t'Never'"
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l poll-min -d 'Shortest time between polls, in seconds (used while the room is active and 3 s after)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l poll-max -d 'Longest time between polls, in seconds (reached when idle)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l since -d 'Show history written at or after TIME first (RFC 3339, or an age like 30m, 2h, 7d), then follow; implies --all (older records are read, verified, not shown)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l cursor -d 'Name of the cursor to use' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l exec -d 'Run CMD (with sh -c) for each message: the message on stdin, its fields in FTPCHAT_MSG_BODY, _NAME, _LABEL (the name with its standing, e.g. `mallory [not a member]`), _SENDER, _TS, _ROOM, _FEED, _SEQ, _KIND, _FORMAT, _VERIFIED, _ROSTER' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l attachments -d 'Download attachments into DIR as they arrive' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l exec-timeout -d 'Seconds a --exec command may run before it is killed' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l legacy-passphrase-file -d 'File holding the original app\'s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l json -d 'One JSON object per record on stdout'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l utc -d 'Show times in UTC instead of local time'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l once -d 'Poll once, print what is new, and exit'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -l all -d 'Start from the beginning of the room instead of the saved cursor'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand watch" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l name -d 'Display name shown with your messages [default: the profile\'s, or $USER]' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l scrollback -d 'Messages of history kept for scrolling back (the oldest are dropped beyond it)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l poll-min -d 'Shortest time between polls, in seconds (used right after activity)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l poll-max -d 'Longest time between polls, in seconds (reached when idle)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l exec -d 'Run CMD (with sh -c) for each message, as `watch --exec` does' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l exec-timeout -d 'Seconds a --exec command may run before it is killed' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l color -d 'When to colour the screen' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t'Always'
never\t'Never'"
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l legacy-passphrase-file -d 'File holding the original app\'s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -l utc -d 'Show times in UTC instead of local time'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand chat" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -l json -d 'List as JSON lines'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -f -a "list" -d 'List pending records per room, feed and relay'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -f -a "flush" -d 'Deliver every pending record to the relay it was meant for'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -f -a "drop" -d 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device\'s feeds stay whole; a legacy room\'s undelivered lines are deleted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and not __fish_seen_subcommand_from list flush drop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from list" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l ca-file -d 'Trust the certificates in this PEM file for ftps://' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l relay -d 'Only what is owed to this relay (as `outbox` lists it)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l feed -d 'Only this feed\'s records' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l all -d 'Everything pending, for every relay'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s y -l yes -d 'Do not ask (needed without a terminal)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List pending records per room, feed and relay'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "flush" -d 'Deliver every pending record to the relay it was meant for'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "drop" -d 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device\'s feeds stay whole; a legacy room\'s undelivered lines are deleted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l listen -d 'Address to listen on' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l root -d 'Directory to serve [default: relay/ in the state directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l user -d 'User name clients log in with' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l password-file -d 'File holding the password (mode 0600)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l passive-ports -d 'Passive data ports, as FIRST-LAST (at least 100 ports are advised)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l tls-cert -d 'Serve FTPS with this certificate chain (PEM); requires --tls-key' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l tls-key -d 'Private key for --tls-cert (PEM)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l max-sessions -d 'Sessions served at once; more are answered 421' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l max-per-address -d 'Sessions served at once to one IP address; more are answered 421' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l login-timeout -d 'Seconds a client has to log in before it is disconnected' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l tls-required -d 'With TLS: refuse clients that do not use it'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -l no-setup -d 'Do not create keys, a room or a profile; only serve'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand relay" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l profile -d 'Profile to create or edit' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://..., or file:///path for a folder)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l mirror -d 'Another relay holding the same room (repeatable): sends go to every relay, reads merge them' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l room -d 'Room directory on the relay' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l name -d 'Display name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l password-file -d 'Read the FTP password from this file (mode 0600)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l password-command -d 'Run this command to get the FTP password (e.g. `pass show ftp/relay`)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -s i -l room-key -d 'Use this room key file (default: room.key in the config directory, created if missing)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l identity -d 'Use this device identity (default: identity.key, created if missing)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l ca-file -d 'Trust this PEM file\'s certificates for ftps://' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l legacy-passphrase-file -d 'File with the original app\'s chat passphrase (for --legacy)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l import -d 'Make profiles from the original FTPChat app\'s saved_setups.json (one per setup; passwords and chat passphrases go to 0600 files, not into the profiles)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l insecure -d 'Skip TLS certificate verification for this relay (testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l legacy -d 'The room is a chat file of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l default -d 'Make this the default profile'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -l no-test -d 'Do not test the connection'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -s y -l yes -d 'Never prompt; take everything from the flags'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand init" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -f -a "list" -d 'List profiles (the default one is marked with *)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -f -a "show" -d 'Show a profile\'s settings (never a password)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -f -a "remove" -d 'Remove a profile (keys and state are kept)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -f -a "use" -d 'Make a profile the default'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and not __fish_seen_subcommand_from list show remove use help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from list" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per profile'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from list" -l names -d 'Only the names, one per line (for scripts and shell completion)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from show" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from show" -l json -d 'One JSON object'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from remove" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from use" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'List profiles (the default one is marked with *)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a profile\'s settings (never a password)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a profile (keys and state are kept)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a profile the default'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "create" -d 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "invite" -d 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "join" -d 'Store a room from an invite (and print your public identity line for the owner to add)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "add" -d '(Owner) Add a member by their public identity line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "members" -d 'List the roster as the ledger shows it: who was added or removed, when, by whom'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "remove" -d '(Owner) Remove a member and rotate the room key so they cannot read what follows'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "rotate" -d '(Owner) Rotate the room key: a new key for the remaining members only'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "relays" -d 'List the relays the room is on, as its owner\'s signed descriptor names them, and bring your profile\'s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and not __fish_seen_subcommand_from create invite join add members remove rotate relays help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l name -d 'Your display name in the roster' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l profile -d 'Profile to store the room in [default: the default profile, or "default"]' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l expires -d 'The invite stops working after this: an age (`30m`, `12h`, `7d`) or an RFC 3339 time. `room join` refuses it afterwards (older ftpchat ignores it)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from invite" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -l profile -d 'Profile to store the room in [default: a new profile named after the room]' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -l name -d 'Your display name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from join" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l name -d 'The name to list them under' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l fingerprints -d 'Show each member\'s verification code (to compare in person) and whether you verified them (`ftpchat verify-member`)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from members" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from relays" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "invite" -d 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "join" -d 'Store a room from an invite (and print your public identity line for the owner to add)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "add" -d '(Owner) Add a member by their public identity line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "members" -d 'List the roster as the ledger shows it: who was added or removed, when, by whom'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "remove" -d '(Owner) Remove a member and rotate the room key so they cannot read what follows'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "rotate" -d '(Owner) Rotate the room key: a new key for the remaining members only'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "relays" -d 'List the relays the room is on, as its owner\'s signed descriptor names them, and bring your profile\'s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand room; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -s i -l room-key -d 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l stdin -d 'Audit record lines on stdin instead of a room on a relay'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -l json -d 'Findings and the summary as JSON lines'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l code -d 'The code they read you (without it, you are asked on a terminal)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l relay -d 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l mirror -d 'Another relay holding the same room (a URL; repeatable; replaces the profile\'s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room\'s directory there; without one, --room applies' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l room -d 'Room directory, relative to the URL\'s path (absolute when it starts with /)' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l ca-file -d 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l netrc-file -d 'Read logins and passwords from FILE instead of ~/.netrc (as curl\'s --netrc-file)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l connect-timeout -d 'Seconds to wait for a TCP connection' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l io-timeout -d 'Seconds to wait for any reply or transfer progress before giving up' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l ssh-key -d 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config\'s and the default ones; an encrypted or RSA key must be in ssh-agent)' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l identity -d 'Device identity file [default: identity.key in the config directory]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -s i -l room-key -d 'Room key file [default: the profile\'s, or room.key]' -r -F
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l timeout -d 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5' -r
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l insecure -d 'Do not verify the relay\'s TLS certificate (prints a warning; testing only)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l implicit-tls -d 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l active -d 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l legacy -d 'The room is a chat file (<room>.txt) of the original FTPChat app'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l accept-new-host-key -d 'sftp://: record an unknown server\'s host key in ~/.ssh/known_hosts and go on (as ssh\'s StrictHostKeyChecking=accept-new); a changed key is still refused'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -l json -d 'One JSON object per line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -s q -l quiet -d 'Print only errors on stderr (no notes, warnings or progress)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -s v -l verbose -d 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -s h -l help -d 'Print help'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand verify-member" -s V -l version -d 'Print version'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "keygen" -d 'Create a device identity, or a room key with --room'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "encrypt" -d 'Turn plaintext into signed, encrypted record lines'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "decrypt" -d 'Turn record lines into messages, verifying signatures and chains'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "push" -d 'Upload record lines (stdin, or the pending outbox) to a relay'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "pull" -d 'Download new record lines from a relay'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "send" -d 'Encrypt and push a message in one step'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "watch" -d 'Show a room live: pull and decrypt until interrupted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "chat" -d 'Read and write a room in one full-screen terminal (a TTY is required)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "outbox" -d 'List records waiting for delivery, or deliver them'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "relay" -d 'Run an FTP relay inside ftpchat (a quick start on 127.0.0.1 with no arguments)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "init" -d 'Set up a profile: relay, credentials, room, name, keys (a wizard on a terminal)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "profile" -d 'List, show, remove profiles or pick the default one'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "room" -d 'Rooms and their signed roster: create, invite, join, add, members, remove, rotate'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "verify" -d 'Audit a whole room: descriptor, roster, every feed\'s signatures and chain'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "verify-member" -d 'Check a member\'s key with them in person: compare the code they read you'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt push pull send watch chat outbox relay init profile room verify verify-member help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "list" -d 'List pending records per room, feed and relay'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "flush" -d 'Deliver every pending record to the relay it was meant for'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "drop" -d 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device\'s feeds stay whole; a legacy room\'s undelivered lines are deleted'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List profiles (the default one is marked with *)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'Show a profile\'s settings (never a password)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "remove" -d 'Remove a profile (keys and state are kept)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "use" -d 'Make a profile the default'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "create" -d 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "invite" -d 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "join" -d 'Store a room from an invite (and print your public identity line for the owner to add)'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "add" -d '(Owner) Add a member by their public identity line'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "members" -d 'List the roster as the ledger shows it: who was added or removed, when, by whom'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "remove" -d '(Owner) Remove a member and rotate the room key so they cannot read what follows'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "rotate" -d '(Owner) Rotate the room key: a new key for the remaining members only'
complete -c ftpchat -n "__fish_ftpchat_using_subcommand help; and __fish_seen_subcommand_from room" -f -a "relays" -d 'List the relays the room is on, as its owner\'s signed descriptor names them, and bring your profile\'s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one'

# Profile names after --relay and `profile show|use|remove` (added by ftpchat's generator).
complete -c ftpchat -l relay -f -a '(ftpchat profile list --names 2>/dev/null)'
complete -c ftpchat -n '__fish_seen_subcommand_from profile; and __fish_seen_subcommand_from show use remove' -f -a '(ftpchat profile list --names 2>/dev/null)'
