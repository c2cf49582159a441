
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ftpchat' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ftpchat'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ftpchat' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a device identity, or a room key with --room')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Turn plaintext into signed, encrypted record lines')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Turn record lines into messages, verifying signatures and chains')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Upload record lines (stdin, or the pending outbox) to a relay')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Download new record lines from a relay')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Encrypt and push a message in one step')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Show a room live: pull and decrypt until interrupted')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Read and write a room in one full-screen terminal (a TTY is required)')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'List records waiting for delivery, or deliver them')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run an FTP relay inside ftpchat (a quick start on 127.0.0.1 with no arguments)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set up a profile: relay, credentials, room, name, keys (a wizard on a terminal)')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, show, remove profiles or pick the default one')
            [CompletionResult]::new('room', 'room', [CompletionResultType]::ParameterValue, 'Rooms and their signed roster: create, invite, join, add, members, remove, rotate')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Audit a whole room: descriptor, roster, every feed''s signatures and chain')
            [CompletionResult]::new('verify-member', 'verify-member', [CompletionResultType]::ParameterValue, 'Check a member''s key with them in person: compare the code they read you')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;keygen' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the key [default: identity.key or room.key in the config directory]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the key [default: identity.key or room.key in the config directory]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Make a room key instead of a device identity')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing key file (the old key is lost)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;encrypt' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file; the newest key in it is encrypted to')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file; the newest key in it is encrypted to')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Post write-only to the room with this public recipient (age1...)')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Post write-only to the room with this public recipient (age1...)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name shown with the messages [default: $USER]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The message (instead of stdin)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The message (instead of stdin)')
            [CompletionResult]::new('--legacy-layout', '--legacy-layout', [CompletionResultType]::ParameterName, 'Layout of legacy lines: dated (v1, the app''s default) or short ([HH:MM], newest app)')
            [CompletionResult]::new('--legacy-format', '--legacy-format', [CompletionResultType]::ParameterName, 'Write legacy lines as this version of the original app does: v16 (1.6, base64-wrapped), v17 (1.7) or v23 (2.3, `[HH:MM]` layout); instead of the two above')
            [CompletionResult]::new('--legacy-passphrase-file', '--legacy-passphrase-file', [CompletionResultType]::ParameterName, 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'One record per input line instead of one for the whole input')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'Write lines of the original FTPChat app (unauthenticated; needs its passphrase)')
            [CompletionResult]::new('--legacy-base64', '--legacy-base64', [CompletionResultType]::ParameterName, 'Wrap legacy tokens in base64 once more, as app version 1.6 did')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;decrypt' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--legacy-passphrase-file', '--legacy-passphrase-file', [CompletionResultType]::ParameterName, 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'Do not decrypt: write the one record''s ciphertext as the age file it is (binary), for `age -d -i ROOMKEY`. Needs exactly one native record in the input')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per record on stdout')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC instead of local time')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Treat every chain irregularity (gap, fork, reorder, duplicate, late start) as a failure')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;push' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key whose journals (this device''s feeds in that room) to deliver [default: room.key, if present]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key whose journals (this device''s feeds in that room) to deliver [default: room.key, if present]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--outbox', '--outbox', [CompletionResultType]::ParameterName, 'Deliver the pending outbox only; do not read stdin')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;pull' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records written at or after TIME (RFC 3339, or an age like 30m, 2h, 7d); needs the room key; implies --all --no-advance')
            [CompletionResult]::new('--poll-max', '--poll-max', [CompletionResultType]::ParameterName, 'With --follow: the longest wait between polls when the room is idle (polls are fast right after activity)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Name of the cursor to use, so several readers can keep their own places')
            [CompletionResult]::new('--attachments', '--attachments', [CompletionResultType]::ParameterName, 'Download the attachments of the records pulled into DIR (checked against their signed hashes; names are sanitised so nothing is written outside DIR). Needs the room key')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Everything in the room, not just what is new')
            [CompletionResult]::new('--no-advance', '--no-advance', [CompletionResultType]::ParameterName, 'Do not move the cursor (peek)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep going: print new record lines as they appear, until interrupted (like `watch`, without decrypting), so `pull --follow | push --relay B` mirrors live')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep going: print new record lines as they appear, until interrupted (like `watch`, without decrypting), so `pull --follow | push --relay B` mirrors live')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;send' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file; the newest key in it is encrypted to')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file; the newest key in it is encrypted to')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Post write-only to the room with this public recipient (age1...)')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Post write-only to the room with this public recipient (age1...)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name shown with the messages [default: $USER]')
            [CompletionResult]::new('--legacy-passphrase-file', '--legacy-passphrase-file', [CompletionResultType]::ParameterName, 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Attach a file: encrypted to a key of its own, uploaded (resumably) to the room''s blobs/, announced by the record. The message becomes its caption')
            [CompletionResult]::new('--max-attachment', '--max-attachment', [CompletionResultType]::ParameterName, 'Largest attachment accepted, in bytes')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Write-only posters: the room owner''s key (as `room create` prints it). The recipient is then checked against the owner-signed recipient.txt on the relay, and nothing is sent to a recipient the owner rotated out. A `# owner: KEY` line in the -R file does the same')
            [CompletionResult]::new('--legacy-format', '--legacy-format', [CompletionResultType]::ParameterName, 'Legacy rooms: write lines as this version of the original app does: v16 (1.6, base64-wrapped), v17 (1.7, the default) or v23 (2.3, `[HH:MM]` layout)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was sent as one JSON object on stdout: feed, seq, relay, ts, kind')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;watch' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--poll-min', '--poll-min', [CompletionResultType]::ParameterName, 'Shortest time between polls, in seconds (used while the room is active and 3 s after)')
            [CompletionResult]::new('--poll-max', '--poll-max', [CompletionResultType]::ParameterName, 'Longest time between polls, in seconds (reached when idle)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Show history written at or after TIME first (RFC 3339, or an age like 30m, 2h, 7d), then follow; implies --all (older records are read, verified, not shown)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Name of the cursor to use')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run CMD (with sh -c) for each message: the message on stdin, its fields in FTPCHAT_MSG_BODY, _NAME, _LABEL (the name with its standing, e.g. `mallory [not a member]`), _SENDER, _TS, _ROOM, _FEED, _SEQ, _KIND, _FORMAT, _VERIFIED, _ROSTER')
            [CompletionResult]::new('--attachments', '--attachments', [CompletionResultType]::ParameterName, 'Download attachments into DIR as they arrive')
            [CompletionResult]::new('--exec-timeout', '--exec-timeout', [CompletionResultType]::ParameterName, 'Seconds a --exec command may run before it is killed')
            [CompletionResult]::new('--legacy-passphrase-file', '--legacy-passphrase-file', [CompletionResultType]::ParameterName, 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per record on stdout')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC instead of local time')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Poll once, print what is new, and exit')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Start from the beginning of the room instead of the saved cursor')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;chat' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name shown with your messages [default: the profile''s, or $USER]')
            [CompletionResult]::new('--scrollback', '--scrollback', [CompletionResultType]::ParameterName, 'Messages of history kept for scrolling back (the oldest are dropped beyond it)')
            [CompletionResult]::new('--poll-min', '--poll-min', [CompletionResultType]::ParameterName, 'Shortest time between polls, in seconds (used right after activity)')
            [CompletionResult]::new('--poll-max', '--poll-max', [CompletionResultType]::ParameterName, 'Longest time between polls, in seconds (reached when idle)')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run CMD (with sh -c) for each message, as `watch --exec` does')
            [CompletionResult]::new('--exec-timeout', '--exec-timeout', [CompletionResultType]::ParameterName, 'Seconds a --exec command may run before it is killed')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the screen')
            [CompletionResult]::new('--legacy-passphrase-file', '--legacy-passphrase-file', [CompletionResultType]::ParameterName, 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC instead of local time')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;outbox' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'List as JSON lines')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pending records per room, feed and relay')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Deliver every pending record to the relay it was meant for')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device''s feeds stay whole; a legacy room''s undelivered lines are deleted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;outbox;list' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;outbox;flush' {
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps://')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;outbox;drop' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Only what is owed to this relay (as `outbox` lists it)')
            [CompletionResult]::new('--feed', '--feed', [CompletionResultType]::ParameterName, 'Only this feed''s records')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Everything pending, for every relay')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (needed without a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;outbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pending records per room, feed and relay')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Deliver every pending record to the relay it was meant for')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device''s feeds stay whole; a legacy room''s undelivered lines are deleted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;outbox;help;list' {
            break
        }
        'ftpchat;outbox;help;flush' {
            break
        }
        'ftpchat;outbox;help;drop' {
            break
        }
        'ftpchat;outbox;help;help' {
            break
        }
        'ftpchat;relay' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Directory to serve [default: relay/ in the state directory]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name clients log in with')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'File holding the password (mode 0600)')
            [CompletionResult]::new('--passive-ports', '--passive-ports', [CompletionResultType]::ParameterName, 'Passive data ports, as FIRST-LAST (at least 100 ports are advised)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve FTPS with this certificate chain (PEM); requires --tls-key')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'Private key for --tls-cert (PEM)')
            [CompletionResult]::new('--max-sessions', '--max-sessions', [CompletionResultType]::ParameterName, 'Sessions served at once; more are answered 421')
            [CompletionResult]::new('--max-per-address', '--max-per-address', [CompletionResultType]::ParameterName, 'Sessions served at once to one IP address; more are answered 421')
            [CompletionResult]::new('--login-timeout', '--login-timeout', [CompletionResultType]::ParameterName, 'Seconds a client has to log in before it is disconnected')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--tls-required', '--tls-required', [CompletionResultType]::ParameterName, 'With TLS: refuse clients that do not use it')
            [CompletionResult]::new('--no-setup', '--no-setup', [CompletionResultType]::ParameterName, 'Do not create keys, a room or a profile; only serve')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;init' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to create or edit')
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://..., or file:///path for a folder)')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (repeatable): sends go to every relay, reads merge them')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory on the relay')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the FTP password from this file (mode 0600)')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Run this command to get the FTP password (e.g. `pass show ftp/relay`)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Use this room key file (default: room.key in the config directory, created if missing)')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Use this room key file (default: room.key in the config directory, created if missing)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Use this device identity (default: identity.key, created if missing)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust this PEM file''s certificates for ftps://')
            [CompletionResult]::new('--legacy-passphrase-file', '--legacy-passphrase-file', [CompletionResultType]::ParameterName, 'File with the original app''s chat passphrase (for --legacy)')
            [CompletionResult]::new('--import', '--import', [CompletionResultType]::ParameterName, 'Make profiles from the original FTPChat app''s saved_setups.json (one per setup; passwords and chat passphrases go to 0600 files, not into the profiles)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification for this relay (testing only)')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file of the original FTPChat app')
            [CompletionResult]::new('--default', '--default', [CompletionResultType]::ParameterName, 'Make this the default profile')
            [CompletionResult]::new('--no-test', '--no-test', [CompletionResultType]::ParameterName, 'Do not test the connection')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt; take everything from the flags')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt; take everything from the flags')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;profile' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles (the default one is marked with *)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile''s settings (never a password)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile (keys and state are kept)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;profile;list' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per profile')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Only the names, one per line (for scripts and shell completion)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;profile;show' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;profile;remove' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;profile;use' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;profile;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles (the default one is marked with *)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile''s settings (never a password)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile (keys and state are kept)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;profile;help;list' {
            break
        }
        'ftpchat;profile;help;show' {
            break
        }
        'ftpchat;profile;help;remove' {
            break
        }
        'ftpchat;profile;help;use' {
            break
        }
        'ftpchat;profile;help;help' {
            break
        }
        'ftpchat;room' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner')
            [CompletionResult]::new('invite', 'invite', [CompletionResultType]::ParameterValue, 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band')
            [CompletionResult]::new('join', 'join', [CompletionResultType]::ParameterValue, 'Store a room from an invite (and print your public identity line for the owner to add)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, '(Owner) Add a member by their public identity line')
            [CompletionResult]::new('members', 'members', [CompletionResultType]::ParameterValue, 'List the roster as the ledger shows it: who was added or removed, when, by whom')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, '(Owner) Remove a member and rotate the room key so they cannot read what follows')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, '(Owner) Rotate the room key: a new key for the remaining members only')
            [CompletionResult]::new('relays', 'relays', [CompletionResultType]::ParameterValue, 'List the relays the room is on, as its owner''s signed descriptor names them, and bring your profile''s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;room;create' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Your display name in the roster')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to store the room in [default: the default profile, or "default"]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;invite' {
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'The invite stops working after this: an age (`30m`, `12h`, `7d`) or an RFC 3339 time. `room join` refuses it afterwards (older ftpchat ignores it)')
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;join' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to store the room in [default: a new profile named after the room]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Your display name')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The name to list them under')
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;members' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--fingerprints', '--fingerprints', [CompletionResultType]::ParameterName, 'Show each member''s verification code (to compare in person) and whether you verified them (`ftpchat verify-member`)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;remove' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;rotate' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;relays' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;room;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner')
            [CompletionResult]::new('invite', 'invite', [CompletionResultType]::ParameterValue, 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band')
            [CompletionResult]::new('join', 'join', [CompletionResultType]::ParameterValue, 'Store a room from an invite (and print your public identity line for the owner to add)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, '(Owner) Add a member by their public identity line')
            [CompletionResult]::new('members', 'members', [CompletionResultType]::ParameterValue, 'List the roster as the ledger shows it: who was added or removed, when, by whom')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, '(Owner) Remove a member and rotate the room key so they cannot read what follows')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, '(Owner) Rotate the room key: a new key for the remaining members only')
            [CompletionResult]::new('relays', 'relays', [CompletionResultType]::ParameterValue, 'List the relays the room is on, as its owner''s signed descriptor names them, and bring your profile''s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;room;help;create' {
            break
        }
        'ftpchat;room;help;invite' {
            break
        }
        'ftpchat;room;help;join' {
            break
        }
        'ftpchat;room;help;add' {
            break
        }
        'ftpchat;room;help;members' {
            break
        }
        'ftpchat;room;help;remove' {
            break
        }
        'ftpchat;room;help;rotate' {
            break
        }
        'ftpchat;room;help;relays' {
            break
        }
        'ftpchat;room;help;help' {
            break
        }
        'ftpchat;verify' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Audit record lines on stdin instead of a room on a relay')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Findings and the summary as JSON lines')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;verify-member' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'The code they read you (without it, you are asked on a terminal)')
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'Room directory, relative to the URL''s path (absolute when it starts with /)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a TCP connection')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any reply or transfer progress before giving up')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Device identity file [default: identity.key in the config directory]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--room-key', '--room-key', [CompletionResultType]::ParameterName, 'Room key file [default: the profile''s, or room.key]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the relay''s TLS certificate (prints a warning; testing only)')
            [CompletionResult]::new('--implicit-tls', '--implicit-tls', [CompletionResultType]::ParameterName, 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The room is a chat file (<room>.txt) of the original FTPChat app')
            [CompletionResult]::new('--accept-new-host-key', '--accept-new-host-key', [CompletionResultType]::ParameterName, 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr (no notes, warnings or progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ftpchat;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a device identity, or a room key with --room')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Turn plaintext into signed, encrypted record lines')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Turn record lines into messages, verifying signatures and chains')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Upload record lines (stdin, or the pending outbox) to a relay')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Download new record lines from a relay')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Encrypt and push a message in one step')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Show a room live: pull and decrypt until interrupted')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Read and write a room in one full-screen terminal (a TTY is required)')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'List records waiting for delivery, or deliver them')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run an FTP relay inside ftpchat (a quick start on 127.0.0.1 with no arguments)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set up a profile: relay, credentials, room, name, keys (a wizard on a terminal)')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, show, remove profiles or pick the default one')
            [CompletionResult]::new('room', 'room', [CompletionResultType]::ParameterValue, 'Rooms and their signed roster: create, invite, join, add, members, remove, rotate')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Audit a whole room: descriptor, roster, every feed''s signatures and chain')
            [CompletionResult]::new('verify-member', 'verify-member', [CompletionResultType]::ParameterValue, 'Check a member''s key with them in person: compare the code they read you')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpchat;help;keygen' {
            break
        }
        'ftpchat;help;encrypt' {
            break
        }
        'ftpchat;help;decrypt' {
            break
        }
        'ftpchat;help;push' {
            break
        }
        'ftpchat;help;pull' {
            break
        }
        'ftpchat;help;send' {
            break
        }
        'ftpchat;help;watch' {
            break
        }
        'ftpchat;help;chat' {
            break
        }
        'ftpchat;help;outbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pending records per room, feed and relay')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Deliver every pending record to the relay it was meant for')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device''s feeds stay whole; a legacy room''s undelivered lines are deleted')
            break
        }
        'ftpchat;help;outbox;list' {
            break
        }
        'ftpchat;help;outbox;flush' {
            break
        }
        'ftpchat;help;outbox;drop' {
            break
        }
        'ftpchat;help;relay' {
            break
        }
        'ftpchat;help;init' {
            break
        }
        'ftpchat;help;profile' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles (the default one is marked with *)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile''s settings (never a password)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile (keys and state are kept)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            break
        }
        'ftpchat;help;profile;list' {
            break
        }
        'ftpchat;help;profile;show' {
            break
        }
        'ftpchat;help;profile;remove' {
            break
        }
        'ftpchat;help;profile;use' {
            break
        }
        'ftpchat;help;room' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner')
            [CompletionResult]::new('invite', 'invite', [CompletionResultType]::ParameterValue, 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band')
            [CompletionResult]::new('join', 'join', [CompletionResultType]::ParameterValue, 'Store a room from an invite (and print your public identity line for the owner to add)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, '(Owner) Add a member by their public identity line')
            [CompletionResult]::new('members', 'members', [CompletionResultType]::ParameterValue, 'List the roster as the ledger shows it: who was added or removed, when, by whom')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, '(Owner) Remove a member and rotate the room key so they cannot read what follows')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, '(Owner) Rotate the room key: a new key for the remaining members only')
            [CompletionResult]::new('relays', 'relays', [CompletionResultType]::ParameterValue, 'List the relays the room is on, as its owner''s signed descriptor names them, and bring your profile''s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one')
            break
        }
        'ftpchat;help;room;create' {
            break
        }
        'ftpchat;help;room;invite' {
            break
        }
        'ftpchat;help;room;join' {
            break
        }
        'ftpchat;help;room;add' {
            break
        }
        'ftpchat;help;room;members' {
            break
        }
        'ftpchat;help;room;remove' {
            break
        }
        'ftpchat;help;room;rotate' {
            break
        }
        'ftpchat;help;room;relays' {
            break
        }
        'ftpchat;help;verify' {
            break
        }
        'ftpchat;help;verify-member' {
            break
        }
        'ftpchat;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
