#!/usr/bin/env python3
"""The original FTPChat app's relay behaviour, for `benches/relay.rs` (side-by-side figures).

Uses the line format of tests/python/ftpchat_legacy.py (imported, not copied) and adds what
the app does around it that the test helper does not:

* `send-stor`: the app's fallback when APPE is missing: derive the key (PBKDF2, once per
  message, as the app does), RETR the whole chat file (550: start empty), append the new
  line locally and STOR the file back. Two writers doing this at once lose one line: this is
  the race the benchmark counts.
* `watch`: a reader polling every --poll seconds, one connection per poll as
  ftpchat_legacy.py `read` does (USER, PASS, TYPE I, SIZE, REST + RETR of the new bytes,
  QUIT); each complete new line is decoded with a fresh PBKDF2 key derivation, as the app
  does per message. Prints one JSON object per line: {"message", "ok", "at"} (at = the
  reader's wall clock when decoded; the benchmark stamps receipt itself too). Stops after
  --duration seconds or when stdin reaches EOF.
* `decode`: decode-rate figure: lines on stdin, with (--per-line-derive) or without a
  PBKDF2 per line; prints {"lines", "ok", "seconds"}.

Only 127.0.0.1 is ever contacted by the benchmark that runs this.
"""

from __future__ import annotations

import argparse
import ftplib
import io
import json
import os
import select
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "python"))

import ftpchat_legacy as legacy  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402


def connect(args) -> ftplib.FTP:
    ftp = ftplib.FTP(timeout=args.timeout)
    ftp.connect(args.host, args.port)
    ftp.login(args.user, os.environ.get(args.password_env, "") if args.password_env else "")
    ftp.voidcmd("TYPE I")
    return ftp


def quit_quietly(ftp: ftplib.FTP) -> None:
    try:
        ftp.quit()
    except ftplib.all_errors:
        ftp.close()


def cmd_send_stor(args) -> int:
    key = legacy.derive_key(legacy.read_passphrase(args.passphrase_file))
    plaintext = legacy.make_plaintext("v1", args.name, args.message, legacy.now_minute())
    line = legacy.encrypt_line(key, "v1", plaintext)
    ftp = connect(args)
    try:
        buf = bytearray()
        try:
            ftp.retrbinary(f"RETR {args.file}", buf.extend)
        except ftplib.error_perm as exc:
            if not str(exc).startswith("550"):
                raise
            buf = bytearray()
        if buf and not buf.endswith(b"\n"):
            buf.extend(b"\n")
        buf.extend(line)
        ftp.storbinary(f"STOR {args.file}", io.BytesIO(bytes(buf)))
    finally:
        quit_quietly(ftp)
    return 0


def stdin_closed() -> bool:
    ready, _, _ = select.select([sys.stdin], [], [], 0)
    return bool(ready) and not sys.stdin.buffer.read1(4096)


def cmd_watch(args) -> int:
    passphrase = legacy.read_passphrase(args.passphrase_file)
    offset = 0
    pending = b""
    deadline = time.monotonic() + args.duration
    while time.monotonic() < deadline and not stdin_closed():
        started = time.monotonic()
        try:
            ftp = connect(args)
            try:
                size = ftp.size(args.file)
                buf = bytearray()
                if size is not None and size > offset:
                    ftp.retrbinary(f"RETR {args.file}", buf.extend, rest=offset or None)
            finally:
                quit_quietly(ftp)
        except ftplib.error_perm:
            buf = bytearray()  # no chat file yet
        except (ftplib.all_errors) as exc:
            print(f"legacy watch: {exc}", file=sys.stderr, flush=True)
            buf = bytearray()
        offset += len(buf)
        data = pending + bytes(buf)
        lines, consumed = legacy.split_lines(data)
        pending = data[consumed:]
        for raw in lines:
            # The app derives the Fernet key from the passphrase for every message.
            fernet = Fernet(legacy.derive_key(passphrase))
            r = legacy.decrypt_line(fernet, raw)
            out = {"ok": r["ok"], "message": r.get("message"), "at": time.time()}
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()
        time.sleep(max(0.0, args.poll - (time.monotonic() - started)))
    return 0


def cmd_decode(args) -> int:
    passphrase = legacy.read_passphrase(args.passphrase_file)
    data = sys.stdin.buffer.read()
    lines, _ = legacy.split_lines(data)
    t = time.perf_counter()
    fernet = Fernet(legacy.derive_key(passphrase))
    ok = 0
    for raw in lines:
        if args.per_line_derive:
            fernet = Fernet(legacy.derive_key(passphrase))
        ok += bool(legacy.decrypt_line(fernet, raw)["ok"])
    seconds = time.perf_counter() - t
    print(json.dumps({"lines": len(lines), "ok": ok, "seconds": seconds}))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(prog="legacy_app.py")
    sub = p.add_subparsers(dest="cmd", required=True)

    def ftp_opts(sp):
        sp.add_argument("--host", default="127.0.0.1")
        sp.add_argument("--port", type=int, required=True)
        sp.add_argument("--user", required=True)
        sp.add_argument("--password-env", metavar="VAR")
        sp.add_argument("--file", required=True, help="chat file path on the server")
        sp.add_argument("--timeout", type=float, default=20.0)
        sp.add_argument("--passphrase-file", required=True)

    sp = sub.add_parser("send-stor")
    ftp_opts(sp)
    sp.add_argument("--name", required=True)
    sp.add_argument("--message", required=True)
    sp.set_defaults(func=cmd_send_stor)

    sp = sub.add_parser("watch")
    ftp_opts(sp)
    sp.add_argument("--poll", type=float, default=5.0)
    sp.add_argument("--duration", type=float, default=120.0)
    sp.set_defaults(func=cmd_watch)

    sp = sub.add_parser("decode")
    sp.add_argument("--passphrase-file", required=True)
    sp.add_argument("--per-line-derive", action="store_true")
    sp.set_defaults(func=cmd_decode)

    args = p.parse_args()
    try:
        return args.func(args)
    except ftplib.all_errors as exc:
        print(f"legacy_app: FTP error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
