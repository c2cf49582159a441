
use builtin;
use str;

set edit:completion:arg-completer[ftpchat] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ftpchat'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ftpchat'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Create a device identity, or a room key with --room'
            cand encrypt 'Turn plaintext into signed, encrypted record lines'
            cand decrypt 'Turn record lines into messages, verifying signatures and chains'
            cand push 'Upload record lines (stdin, or the pending outbox) to a relay'
            cand pull 'Download new record lines from a relay'
            cand send 'Encrypt and push a message in one step'
            cand watch 'Show a room live: pull and decrypt until interrupted'
            cand chat 'Read and write a room in one full-screen terminal (a TTY is required)'
            cand outbox 'List records waiting for delivery, or deliver them'
            cand relay 'Run an FTP relay inside ftpchat (a quick start on 127.0.0.1 with no arguments)'
            cand init 'Set up a profile: relay, credentials, room, name, keys (a wizard on a terminal)'
            cand profile 'List, show, remove profiles or pick the default one'
            cand room 'Rooms and their signed roster: create, invite, join, add, members, remove, rotate'
            cand verify 'Audit a whole room: descriptor, roster, every feed''s signatures and chain'
            cand verify-member 'Check a member''s key with them in person: compare the code they read you'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;keygen'= {
            cand -o 'Where to write the key [default: identity.key or room.key in the config directory]'
            cand --output 'Where to write the key [default: identity.key or room.key in the config directory]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --room 'Make a room key instead of a device identity'
            cand --force 'Replace an existing key file (the old key is lost)'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;encrypt'= {
            cand -i 'Room key file; the newest key in it is encrypted to'
            cand --room-key 'Room key file; the newest key in it is encrypted to'
            cand -r 'Post write-only to the room with this public recipient (age1...)'
            cand --recipient 'Post write-only to the room with this public recipient (age1...)'
            cand -R 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)'
            cand --recipients-file 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand --name 'Display name shown with the messages [default: $USER]'
            cand -m 'The message (instead of stdin)'
            cand --message 'The message (instead of stdin)'
            cand --legacy-layout 'Layout of legacy lines: dated (v1, the app''s default) or short ([HH:MM], newest app)'
            cand --legacy-format 'Write legacy lines as this version of the original app does: v16 (1.6, base64-wrapped), v17 (1.7) or v23 (2.3, `[HH:MM]` layout); instead of the two above'
            cand --legacy-passphrase-file 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --lines 'One record per input line instead of one for the whole input'
            cand --json 'One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines'
            cand --legacy 'Write lines of the original FTPChat app (unauthenticated; needs its passphrase)'
            cand --legacy-base64 'Wrap legacy tokens in base64 once more, as app version 1.6 did'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;decrypt'= {
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand -i 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --room-key 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --legacy-passphrase-file 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)'
            cand --color 'When to colour output'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --age 'Do not decrypt: write the one record''s ciphertext as the age file it is (binary), for `age -d -i ROOMKEY`. Needs exactly one native record in the input'
            cand --json 'One JSON object per record on stdout'
            cand --utc 'Show times in UTC instead of local time'
            cand --verify 'Treat every chain irregularity (gap, fork, reorder, duplicate, late start) as a failure'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;push'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand -i 'Room key whose journals (this device''s feeds in that room) to deliver [default: room.key, if present]'
            cand --room-key 'Room key whose journals (this device''s feeds in that room) to deliver [default: room.key, if present]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --outbox 'Deliver the pending outbox only; do not read stdin'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;pull'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --since 'Only records written at or after TIME (RFC 3339, or an age like 30m, 2h, 7d); needs the room key; implies --all --no-advance'
            cand --poll-max 'With --follow: the longest wait between polls when the room is idle (polls are fast right after activity)'
            cand --cursor 'Name of the cursor to use, so several readers can keep their own places'
            cand --attachments 'Download the attachments of the records pulled into DIR (checked against their signed hashes; names are sanitised so nothing is written outside DIR). Needs the room key'
            cand -i 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --room-key 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --all 'Everything in the room, not just what is new'
            cand --no-advance 'Do not move the cursor (peek)'
            cand -f 'Keep going: print new record lines as they appear, until interrupted (like `watch`, without decrypting), so `pull --follow | push --relay B` mirrors live'
            cand --follow 'Keep going: print new record lines as they appear, until interrupted (like `watch`, without decrypting), so `pull --follow | push --relay B` mirrors live'
            cand --json 'One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;send'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand -i 'Room key file; the newest key in it is encrypted to'
            cand --room-key 'Room key file; the newest key in it is encrypted to'
            cand -r 'Post write-only to the room with this public recipient (age1...)'
            cand --recipient 'Post write-only to the room with this public recipient (age1...)'
            cand -R 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)'
            cand --recipients-file 'Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand --name 'Display name shown with the messages [default: $USER]'
            cand --legacy-passphrase-file 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)'
            cand --file 'Attach a file: encrypted to a key of its own, uploaded (resumably) to the room''s blobs/, announced by the record. The message becomes its caption'
            cand --max-attachment 'Largest attachment accepted, in bytes'
            cand --owner 'Write-only posters: the room owner''s key (as `room create` prints it). The recipient is then checked against the owner-signed recipient.txt on the relay, and nothing is sent to a recipient the owner rotated out. A `# owner: KEY` line in the -R file does the same'
            cand --legacy-format 'Legacy rooms: write lines as this version of the original app does: v16 (1.6, base64-wrapped), v17 (1.7, the default) or v23 (2.3, `[HH:MM]` layout)'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'Print what was sent as one JSON object on stdout: feed, seq, relay, ts, kind'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;watch'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand -i 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --room-key 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --color 'When to colour output'
            cand --poll-min 'Shortest time between polls, in seconds (used while the room is active and 3 s after)'
            cand --poll-max 'Longest time between polls, in seconds (reached when idle)'
            cand --since 'Show history written at or after TIME first (RFC 3339, or an age like 30m, 2h, 7d), then follow; implies --all (older records are read, verified, not shown)'
            cand --cursor 'Name of the cursor to use'
            cand --exec 'Run CMD (with sh -c) for each message: the message on stdin, its fields in FTPCHAT_MSG_BODY, _NAME, _LABEL (the name with its standing, e.g. `mallory [not a member]`), _SENDER, _TS, _ROOM, _FEED, _SEQ, _KIND, _FORMAT, _VERIFIED, _ROSTER'
            cand --attachments 'Download attachments into DIR as they arrive'
            cand --exec-timeout 'Seconds a --exec command may run before it is killed'
            cand --legacy-passphrase-file 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per record on stdout'
            cand --utc 'Show times in UTC instead of local time'
            cand --once 'Poll once, print what is new, and exit'
            cand --all 'Start from the beginning of the room instead of the saved cursor'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;chat'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand --name 'Display name shown with your messages [default: the profile''s, or $USER]'
            cand --scrollback 'Messages of history kept for scrolling back (the oldest are dropped beyond it)'
            cand --poll-min 'Shortest time between polls, in seconds (used right after activity)'
            cand --poll-max 'Longest time between polls, in seconds (reached when idle)'
            cand --exec 'Run CMD (with sh -c) for each message, as `watch --exec` does'
            cand --exec-timeout 'Seconds a --exec command may run before it is killed'
            cand --color 'When to colour the screen'
            cand --legacy-passphrase-file 'File holding the original app''s chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE)'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --utc 'Show times in UTC instead of local time'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;outbox'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --json 'List as JSON lines'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List pending records per room, feed and relay'
            cand flush 'Deliver every pending record to the relay it was meant for'
            cand drop 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device''s feeds stay whole; a legacy room''s undelivered lines are deleted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;outbox;list'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;outbox;flush'= {
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ca-file 'Trust the certificates in this PEM file for ftps://'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;outbox;drop'= {
            cand --relay 'Only what is owed to this relay (as `outbox` lists it)'
            cand --feed 'Only this feed''s records'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --all 'Everything pending, for every relay'
            cand -y 'Do not ask (needed without a terminal)'
            cand --yes 'Do not ask (needed without a terminal)'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;outbox;help'= {
            cand list 'List pending records per room, feed and relay'
            cand flush 'Deliver every pending record to the relay it was meant for'
            cand drop 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device''s feeds stay whole; a legacy room''s undelivered lines are deleted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;outbox;help;list'= {
        }
        &'ftpchat;outbox;help;flush'= {
        }
        &'ftpchat;outbox;help;drop'= {
        }
        &'ftpchat;outbox;help;help'= {
        }
        &'ftpchat;relay'= {
            cand --listen 'Address to listen on'
            cand --root 'Directory to serve [default: relay/ in the state directory]'
            cand --user 'User name clients log in with'
            cand --password-file 'File holding the password (mode 0600)'
            cand --passive-ports 'Passive data ports, as FIRST-LAST (at least 100 ports are advised)'
            cand --tls-cert 'Serve FTPS with this certificate chain (PEM); requires --tls-key'
            cand --tls-key 'Private key for --tls-cert (PEM)'
            cand --max-sessions 'Sessions served at once; more are answered 421'
            cand --max-per-address 'Sessions served at once to one IP address; more are answered 421'
            cand --login-timeout 'Seconds a client has to log in before it is disconnected'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --tls-required 'With TLS: refuse clients that do not use it'
            cand --no-setup 'Do not create keys, a room or a profile; only serve'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;init'= {
            cand --profile 'Profile to create or edit'
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://..., or file:///path for a folder)'
            cand --mirror 'Another relay holding the same room (repeatable): sends go to every relay, reads merge them'
            cand --room 'Room directory on the relay'
            cand --name 'Display name'
            cand --password-file 'Read the FTP password from this file (mode 0600)'
            cand --password-command 'Run this command to get the FTP password (e.g. `pass show ftp/relay`)'
            cand -i 'Use this room key file (default: room.key in the config directory, created if missing)'
            cand --room-key 'Use this room key file (default: room.key in the config directory, created if missing)'
            cand --identity 'Use this device identity (default: identity.key, created if missing)'
            cand --ca-file 'Trust this PEM file''s certificates for ftps://'
            cand --legacy-passphrase-file 'File with the original app''s chat passphrase (for --legacy)'
            cand --import 'Make profiles from the original FTPChat app''s saved_setups.json (one per setup; passwords and chat passphrases go to 0600 files, not into the profiles)'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Skip TLS certificate verification for this relay (testing only)'
            cand --legacy 'The room is a chat file of the original FTPChat app'
            cand --default 'Make this the default profile'
            cand --no-test 'Do not test the connection'
            cand -y 'Never prompt; take everything from the flags'
            cand --yes 'Never prompt; take everything from the flags'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;profile'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List profiles (the default one is marked with *)'
            cand show 'Show a profile''s settings (never a password)'
            cand remove 'Remove a profile (keys and state are kept)'
            cand use 'Make a profile the default'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;profile;list'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --json 'One JSON object per profile'
            cand --names 'Only the names, one per line (for scripts and shell completion)'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;profile;show'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --json 'One JSON object'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;profile;remove'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;profile;use'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;profile;help'= {
            cand list 'List profiles (the default one is marked with *)'
            cand show 'Show a profile''s settings (never a password)'
            cand remove 'Remove a profile (keys and state are kept)'
            cand use 'Make a profile the default'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;profile;help;list'= {
        }
        &'ftpchat;profile;help;show'= {
        }
        &'ftpchat;profile;help;remove'= {
        }
        &'ftpchat;profile;help;use'= {
        }
        &'ftpchat;profile;help;help'= {
        }
        &'ftpchat;room'= {
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner'
            cand invite 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band'
            cand join 'Store a room from an invite (and print your public identity line for the owner to add)'
            cand add '(Owner) Add a member by their public identity line'
            cand members 'List the roster as the ledger shows it: who was added or removed, when, by whom'
            cand remove '(Owner) Remove a member and rotate the room key so they cannot read what follows'
            cand rotate '(Owner) Rotate the room key: a new key for the remaining members only'
            cand relays 'List the relays the room is on, as its owner''s signed descriptor names them, and bring your profile''s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;room;create'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --name 'Your display name in the roster'
            cand --profile 'Profile to store the room in [default: the default profile, or "default"]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;invite'= {
            cand --expires 'The invite stops working after this: an age (`30m`, `12h`, `7d`) or an RFC 3339 time. `room join` refuses it afterwards (older ftpchat ignores it)'
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;join'= {
            cand --profile 'Profile to store the room in [default: a new profile named after the room]'
            cand --name 'Your display name'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;add'= {
            cand --name 'The name to list them under'
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;members'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --fingerprints 'Show each member''s verification code (to compare in person) and whether you verified them (`ftpchat verify-member`)'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;remove'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;rotate'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;relays'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;room;help'= {
            cand create 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner'
            cand invite 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band'
            cand join 'Store a room from an invite (and print your public identity line for the owner to add)'
            cand add '(Owner) Add a member by their public identity line'
            cand members 'List the roster as the ledger shows it: who was added or removed, when, by whom'
            cand remove '(Owner) Remove a member and rotate the room key so they cannot read what follows'
            cand rotate '(Owner) Rotate the room key: a new key for the remaining members only'
            cand relays 'List the relays the room is on, as its owner''s signed descriptor names them, and bring your profile''s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;room;help;create'= {
        }
        &'ftpchat;room;help;invite'= {
        }
        &'ftpchat;room;help;join'= {
        }
        &'ftpchat;room;help;add'= {
        }
        &'ftpchat;room;help;members'= {
        }
        &'ftpchat;room;help;remove'= {
        }
        &'ftpchat;room;help;rotate'= {
        }
        &'ftpchat;room;help;relays'= {
        }
        &'ftpchat;room;help;help'= {
        }
        &'ftpchat;verify'= {
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand -i 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --room-key 'Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --stdin 'Audit record lines on stdin instead of a room on a relay'
            cand --json 'Findings and the summary as JSON lines'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;verify-member'= {
            cand --code 'The code they read you (without it, you are asked on a terminal)'
            cand --relay 'Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path, file:///path or /path for a folder) or profile name'
            cand --mirror 'Another relay holding the same room (a URL; repeatable; replaces the profile''s mirrors): records go to every relay, reads merge them and show each record once. A path in the URL is the room''s directory there; without one, --room applies'
            cand --room 'Room directory, relative to the URL''s path (absolute when it starts with /)'
            cand --ca-file 'Trust the certificates in this PEM file for ftps:// (instead of the system roots)'
            cand --netrc-file 'Read logins and passwords from FILE instead of ~/.netrc (as curl''s --netrc-file)'
            cand --connect-timeout 'Seconds to wait for a TCP connection'
            cand --io-timeout 'Seconds to wait for any reply or transfer progress before giving up'
            cand --ssh-key 'sftp://: log in with this private key file, Ed25519 or ECDSA (before ~/.ssh/config''s and the default ones; an encrypted or RSA key must be in ssh-agent)'
            cand --identity 'Device identity file [default: identity.key in the config directory]'
            cand -i 'Room key file [default: the profile''s, or room.key]'
            cand --room-key 'Room key file [default: the profile''s, or room.key]'
            cand --timeout 'Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their records queued; `watch` stops cleanly; others exit 5'
            cand --insecure 'Do not verify the relay''s TLS certificate (prints a warning; testing only)'
            cand --implicit-tls 'Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on port 990; other ftps:// ports use explicit AUTH TLS unless this is given)'
            cand --active 'Active-mode data connections (EPRT/PORT: the server connects back to this machine), for servers whose passive mode is broken'
            cand --legacy 'The room is a chat file (<room>.txt) of the original FTPChat app'
            cand --accept-new-host-key 'sftp://: record an unknown server''s host key in ~/.ssh/known_hosts and go on (as ssh''s StrictHostKeyChecking=accept-new); a changed key is still refused'
            cand --json 'One JSON object per line'
            cand -q 'Print only errors on stderr (no notes, warnings or progress)'
            cand --quiet 'Print only errors on stderr (no notes, warnings or progress)'
            cand -v 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand --verbose 'Print the FTP dialogue (commands and replies) on stderr, passwords redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ftpchat;help'= {
            cand keygen 'Create a device identity, or a room key with --room'
            cand encrypt 'Turn plaintext into signed, encrypted record lines'
            cand decrypt 'Turn record lines into messages, verifying signatures and chains'
            cand push 'Upload record lines (stdin, or the pending outbox) to a relay'
            cand pull 'Download new record lines from a relay'
            cand send 'Encrypt and push a message in one step'
            cand watch 'Show a room live: pull and decrypt until interrupted'
            cand chat 'Read and write a room in one full-screen terminal (a TTY is required)'
            cand outbox 'List records waiting for delivery, or deliver them'
            cand relay 'Run an FTP relay inside ftpchat (a quick start on 127.0.0.1 with no arguments)'
            cand init 'Set up a profile: relay, credentials, room, name, keys (a wizard on a terminal)'
            cand profile 'List, show, remove profiles or pick the default one'
            cand room 'Rooms and their signed roster: create, invite, join, add, members, remove, rotate'
            cand verify 'Audit a whole room: descriptor, roster, every feed''s signatures and chain'
            cand verify-member 'Check a member''s key with them in person: compare the code they read you'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpchat;help;keygen'= {
        }
        &'ftpchat;help;encrypt'= {
        }
        &'ftpchat;help;decrypt'= {
        }
        &'ftpchat;help;push'= {
        }
        &'ftpchat;help;pull'= {
        }
        &'ftpchat;help;send'= {
        }
        &'ftpchat;help;watch'= {
        }
        &'ftpchat;help;chat'= {
        }
        &'ftpchat;help;outbox'= {
            cand list 'List pending records per room, feed and relay'
            cand flush 'Deliver every pending record to the relay it was meant for'
            cand drop 'Give up delivering: drop what is owed to one relay, one feed, or everything. This device''s feeds stay whole; a legacy room''s undelivered lines are deleted'
        }
        &'ftpchat;help;outbox;list'= {
        }
        &'ftpchat;help;outbox;flush'= {
        }
        &'ftpchat;help;outbox;drop'= {
        }
        &'ftpchat;help;relay'= {
        }
        &'ftpchat;help;init'= {
        }
        &'ftpchat;help;profile'= {
            cand list 'List profiles (the default one is marked with *)'
            cand show 'Show a profile''s settings (never a password)'
            cand remove 'Remove a profile (keys and state are kept)'
            cand use 'Make a profile the default'
        }
        &'ftpchat;help;profile;list'= {
        }
        &'ftpchat;help;profile;show'= {
        }
        &'ftpchat;help;profile;remove'= {
        }
        &'ftpchat;help;profile;use'= {
        }
        &'ftpchat;help;room'= {
            cand create 'Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner'
            cand invite 'Print an invite (relay URL without password, room path, room keys, owner). An invite is a SECRET: anyone holding it can read the room. Pass it on out of band'
            cand join 'Store a room from an invite (and print your public identity line for the owner to add)'
            cand add '(Owner) Add a member by their public identity line'
            cand members 'List the roster as the ledger shows it: who was added or removed, when, by whom'
            cand remove '(Owner) Remove a member and rotate the room key so they cannot read what follows'
            cand rotate '(Owner) Rotate the room key: a new key for the remaining members only'
            cand relays 'List the relays the room is on, as its owner''s signed descriptor names them, and bring your profile''s mirrors in line; (owner) `add URL` puts the room on one more relay (every feed copied there), `remove URL` stops listing one'
        }
        &'ftpchat;help;room;create'= {
        }
        &'ftpchat;help;room;invite'= {
        }
        &'ftpchat;help;room;join'= {
        }
        &'ftpchat;help;room;add'= {
        }
        &'ftpchat;help;room;members'= {
        }
        &'ftpchat;help;room;remove'= {
        }
        &'ftpchat;help;room;rotate'= {
        }
        &'ftpchat;help;room;relays'= {
        }
        &'ftpchat;help;verify'= {
        }
        &'ftpchat;help;verify-member'= {
        }
        &'ftpchat;help;help'= {
        }
    ]
    $completions[$command]
}
