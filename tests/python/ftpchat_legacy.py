#!/usr/bin/env python3
"""Small reimplementation of the legacy Python "FTPChat" wire format, for tests.

Written from the published format description (not copied from the app):

* key   = urlsafe_b64encode(PBKDF2-HMAC-SHA256(passphrase, SALT, 100_000, 32))
          used as a Fernet key;
* line  = Fernet(zlib.compress(plaintext.encode("utf-8")))            (v1, v3)
          or standard base64 of that token, lines start "Z0FBQUFB"    (v2, app 1.6)
* plaintext layouts:
          "YYYY-MM-DD HH:MM:<name>: <message>"   (v1, v2; local time, no zone)
          "[HH:MM] <name>: <message>"            (v3, newest app)
* transport: one line per message, appended with APPE to "<chat>.txt";
  readers poll SIZE (binary mode) and RETR with REST from their last offset,
  consuming complete lines only.

Only the Python standard library and `cryptography` are used.

Line splitting rule used by `decrypt`, `read` and the fixtures: input is split
on b"\\n"; one trailing b"\\r" is removed from each line; the empty fragment
after a final b"\\n" is not a line, but an empty line in the middle is (it is
reported as a bad line).

Passphrase files: UTF-8; one trailing "\\n" (or "\\r\\n") is stripped.

Run `ftpchat_legacy.py -h` / `ftpchat_legacy.py SUBCOMMAND -h` for the CLI.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as _dt
import ftplib
import hashlib
import io
import json
import os
import re
import sys
import zlib

from cryptography.fernet import Fernet, InvalidToken

SALT = b"q6334#Q0q8294%E$(#$%^&^%$#@!#%^YHB>$W#CX>E"
assert len(SALT) == 42, "legacy FTPChat PBKDF2 salt must be 42 bytes"
ITERATIONS = 100_000
KEY_LEN = 32

FERNET_PREFIX = "gAAAAA"
WRAPPED_PREFIX = "Z0FBQUFB"  # base64("gAAAAA")
VERSIONS = ("v1", "v2", "v3")

DATED_RE = re.compile(r"\A(\d{4}-\d{2}-\d{2} \d{2}:\d{2}):(.*?): (.*)\Z", re.DOTALL)
CLOCK_RE = re.compile(r"\A\[(\d{2}:\d{2})\] (.*?): (.*)\Z", re.DOTALL)
FULL_TIME_RE = re.compile(r"\A\d{4}-\d{2}-\d{2} \d{2}:\d{2}\Z")
HHMM_RE = re.compile(r"\A\d{2}:\d{2}\Z")


class CliError(Exception):
    """An error reported on stderr with exit status 1."""


# --------------------------------------------------------------------------
# crypto / format
# --------------------------------------------------------------------------

def read_passphrase(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise CliError(f"cannot read passphrase file {path!r}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"passphrase file {path!r} is not valid UTF-8") from exc
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise CliError(f"passphrase file {path!r} is empty")
    return text


def derive_key(passphrase: str) -> bytes:
    """Return the urlsafe-base64 (padded) Fernet key for a passphrase."""
    raw = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), SALT, ITERATIONS, KEY_LEN)
    return base64.urlsafe_b64encode(raw)


def make_plaintext(version: str, name: str, message: str, when: str) -> str:
    """Build the plaintext layout for a version. `when` is "YYYY-MM-DD HH:MM"
    (any version) or "HH:MM" (v3 only)."""
    if version not in VERSIONS:
        raise CliError(f"unknown version {version!r} (expected v1, v2 or v3)")
    if version == "v3":
        if FULL_TIME_RE.match(when):
            hhmm = when[-5:]
        elif HHMM_RE.match(when):
            hhmm = when
        else:
            raise CliError(f"bad --time {when!r}: expected 'YYYY-MM-DD HH:MM' or 'HH:MM'")
        return f"[{hhmm}] {name}: {message}"
    if not FULL_TIME_RE.match(when):
        raise CliError(f"bad --time {when!r}: {version} needs 'YYYY-MM-DD HH:MM'")
    return f"{when}:{name}: {message}"


def encrypt_line(key: bytes, version: str, plaintext: str, crlf: bool = False) -> bytes:
    """Return one complete line (with its line end) for the chat file."""
    token = Fernet(key).encrypt(zlib.compress(plaintext.encode("utf-8")))
    if version == "v2":
        token = base64.b64encode(token)
    return token + (b"\r\n" if crlf else b"\n")


def parse_plaintext(text: str) -> dict:
    """Split a plaintext into layout/time/name/message (None when unknown)."""
    m = DATED_RE.match(text)
    if m:
        return {"layout": "dated", "time": m.group(1), "name": m.group(2), "message": m.group(3)}
    m = CLOCK_RE.match(text)
    if m:
        return {"layout": "clock", "time": m.group(1), "name": m.group(2), "message": m.group(3)}
    return {"layout": None, "time": None, "name": None, "message": None}


def decrypt_line(fernet: Fernet, line: bytes) -> dict:
    """Decode one line (without line end). Never raises."""
    try:
        return _decrypt_line(fernet, line)
    except Exception as exc:  # defensive: garbage must never crash a reader
        return {"ok": False, "error": f"unexpected error: {type(exc).__name__}: {exc}"}


def _decrypt_line(fernet: Fernet, line: bytes) -> dict:
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line.strip():
        return {"ok": False, "error": "empty line"}
    try:
        text = line.decode("ascii").strip()
    except UnicodeDecodeError:
        return {"ok": False, "error": "line is not ASCII (invalid token bytes)"}
    wrapped = False
    if text.startswith(WRAPPED_PREFIX):
        try:
            text = base64.b64decode(text, validate=True).decode("ascii")
        except (binascii.Error, ValueError):
            return {"ok": False, "error": "invalid base64 wrapping (v2 line)"}
        wrapped = True
    if not text.startswith(FERNET_PREFIX):
        return {"ok": False, "error": "not a Fernet token"}
    try:
        compressed = fernet.decrypt(text.encode("ascii"))
    except InvalidToken:
        return {"ok": False, "error": "invalid Fernet token (wrong passphrase, truncated or corrupted)"}
    try:
        raw = zlib.decompress(compressed)
    except zlib.error as exc:
        return {"ok": False, "error": f"zlib decompression failed: {exc}"}
    try:
        plaintext = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {"ok": False, "error": "plaintext is not valid UTF-8"}
    parsed = parse_plaintext(plaintext)
    if wrapped:
        version = "v2"
    elif parsed["layout"] == "clock":
        version = "v3"
    else:
        version = "v1"
    return {
        "ok": True,
        "version": version,
        "text": plaintext,
        "time": parsed["time"],
        "name": parsed["name"],
        "message": parsed["message"],
    }


def split_lines(data: bytes) -> tuple[list[bytes], int]:
    """Split into complete lines. Returns (lines, consumed_bytes); bytes after
    the last b"\\n" are an incomplete line and are not consumed."""
    end = data.rfind(b"\n")
    if end < 0:
        return [], 0
    return data[:end].split(b"\n"), end + 1


def emit(obj: dict) -> None:
    sys.stdout.buffer.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


def chat_filename(chat: str) -> str:
    if not chat:
        raise CliError("chat name is empty")
    return chat if chat.endswith(".txt") else chat + ".txt"


# --------------------------------------------------------------------------
# FTP
# --------------------------------------------------------------------------

def ftp_connect(args) -> ftplib.FTP:
    password = ""
    if args.password_env:
        if args.password_env not in os.environ:
            raise CliError(f"environment variable {args.password_env} is not set")
        password = os.environ[args.password_env]
    ftp = ftplib.FTP(timeout=args.timeout)
    ftp.encoding = "utf-8"
    try:
        ftp.connect(args.host, args.port)
        ftp.login(args.user, password)
        if args.cwd:
            ftp.cwd(args.cwd)
        ftp.voidcmd("TYPE I")
    except BaseException:
        ftp.close()
        raise
    return ftp


def ftp_quit(ftp: ftplib.FTP) -> None:
    try:
        ftp.quit()
    except (ftplib.all_errors):
        ftp.close()


# --------------------------------------------------------------------------
# subcommands
# --------------------------------------------------------------------------

def now_minute() -> str:
    return _dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def cmd_derive_key(args) -> int:
    print(derive_key(read_passphrase(args.passphrase_file)).decode("ascii"))
    return 0


def cmd_encrypt(args) -> int:
    key = derive_key(read_passphrase(args.passphrase_file))
    data = sys.stdin.buffer.read()
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    try:
        message = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError("message on stdin is not valid UTF-8") from exc
    plaintext = make_plaintext(args.version, args.name, message, args.time or now_minute())
    sys.stdout.buffer.write(encrypt_line(key, args.version, plaintext, args.crlf))
    sys.stdout.buffer.flush()
    return 0


def cmd_decrypt(args) -> int:
    fernet = Fernet(derive_key(read_passphrase(args.passphrase_file)))
    data = sys.stdin.buffer.read()
    lines, consumed = split_lines(data)
    if consumed < len(data):  # last line without line end: still a line here
        lines.append(data[consumed:])
    for line in lines:
        emit(decrypt_line(fernet, line))
    return 0


def cmd_send(args) -> int:
    key = derive_key(read_passphrase(args.passphrase_file))
    plaintext = make_plaintext(args.version, args.name, args.message, args.time or now_minute())
    line = encrypt_line(key, args.version, plaintext, args.crlf)
    fname = chat_filename(args.chat)
    ftp = ftp_connect(args)
    try:
        ftp.storbinary(f"APPE {fname}", io.BytesIO(line))
    finally:
        ftp_quit(ftp)
    return 0


def cmd_read(args) -> int:
    if args.offset < 0:
        raise CliError("--offset must be >= 0")
    fernet = Fernet(derive_key(read_passphrase(args.passphrase_file)))
    fname = chat_filename(args.chat)
    ftp = ftp_connect(args)
    try:
        try:
            size = ftp.size(fname)
        except ftplib.error_perm as exc:
            raise CliError(f"SIZE {fname} failed: {exc}") from exc
        if size is None:
            raise CliError(f"SIZE {fname}: no size in reply")
        if size < args.offset:
            raise CliError(f"offset {args.offset} is beyond the size of {fname} ({size}); file was truncated?")
        buf = bytearray()
        if size > args.offset:
            ftp.retrbinary(f"RETR {fname}", buf.extend, rest=args.offset if args.offset else None)
    finally:
        ftp_quit(ftp)
    lines, consumed = split_lines(bytes(buf))
    for line in lines:
        emit(decrypt_line(fernet, line))
    emit({"offset": args.offset + consumed})
    return 0


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------

FIXTURE_PASSPHRASE = "correct horse battery staple"
FIXTURE_MESSAGES = [  # (time, name, message)
    ("2026-11-20 09:15", "alice", "hello bob, are you there?"),
    ("2026-11-20 09:16", "bob", "grüße ✓ from the café"),
    ("2026-11-20 09:17", "alice", "ping: 10:30 ok"),
]


def _good(version: str, when: str, name: str, message: str) -> dict:
    text = make_plaintext(version, name, message, when)
    return {
        "version": version,
        "text": text,
        "name": name,
        "message": message,
        "time": when[-5:] if version == "v3" else when,
    }


def cmd_make_fixtures(args) -> int:
    out = args.out
    os.makedirs(out, exist_ok=True)
    pp_path = os.path.join(out, "passphrase.txt")
    with open(pp_path, "wb") as fh:
        fh.write(FIXTURE_PASSPHRASE.encode("utf-8"))
    os.chmod(pp_path, 0o600)
    key = derive_key(FIXTURE_PASSPHRASE)
    other_key = derive_key("not the right passphrase")

    def line(version: str, when: str, name: str, message: str, crlf: bool = False, k: bytes = key):
        return encrypt_line(k, version, make_plaintext(version, name, message, when), crlf)

    files: dict[str, bytes] = {}
    expected: dict[str, list] = {}
    for version, crlf in (("v1", False), ("v2", True), ("v3", False)):
        files[f"chat-{version}.txt"] = b"".join(line(version, *m, crlf=crlf) for m in FIXTURE_MESSAGES)
        expected[f"chat-{version}.txt"] = [_good(version, *m) for m in FIXTURE_MESSAGES]

    good_v1 = line("v1", "2026-11-20 10:00", "alice", "mixed one (v1)")
    truncated = good_v1[: len(good_v1) // 2] + b"\n"
    mixed = [
        (line("v1", "2026-11-20 10:00", "alice", "mixed one (v1)"), _good("v1", "2026-11-20 10:00", "alice", "mixed one (v1)")),
        (b"this is not a token at all\n", {"bad": True}),
        (line("v2", "2026-11-20 10:01", "bob", "mixed two (v2) grüße ✓", crlf=True),
         _good("v2", "2026-11-20 10:01", "bob", "mixed two (v2) grüße ✓")),
        (b"\n", {"bad": True}),
        (line("v3", "2026-11-20 10:02", "alice", "mixed three (v3): 10:30 ok"),
         _good("v3", "2026-11-20 10:02", "alice", "mixed three (v3): 10:30 ok")),
        (b"\xff\xfe\x80gAAAAA\xc3\x28invalid utf-8\n", {"bad": True}),
        (truncated, {"bad": True}),
        (b"Z0FBQUFB!!not*base64\n", {"bad": True}),
        (line("v1", "2026-11-20 10:03", "bob", "encrypted with another passphrase", k=other_key), {"bad": True}),
        (line("v2", "2026-11-20 10:04", "bob", "last (v2, LF)"), _good("v2", "2026-11-20 10:04", "bob", "last (v2, LF)")),
    ]
    files["mixed.txt"] = b"".join(raw for raw, _ in mixed)
    expected["mixed.txt"] = [exp for _, exp in mixed]

    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)
    with open(os.path.join(out, "expected.json"), "wb") as fh:
        fh.write(json.dumps(expected, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    print(f"wrote {', '.join(sorted(files))}, expected.json, passphrase.txt to {out}", file=sys.stderr)
    return 0


def cmd_check_fixtures(args) -> int:
    d = args.dir
    fernet = Fernet(derive_key(read_passphrase(os.path.join(d, "passphrase.txt"))))
    with open(os.path.join(d, "expected.json"), "rb") as fh:
        expected = json.loads(fh.read().decode("utf-8"))
    failures = 0
    for fname, exp_list in expected.items():
        with open(os.path.join(d, fname), "rb") as fh:
            data = fh.read()
        lines, consumed = split_lines(data)
        if consumed != len(data):
            print(f"{fname}: trailing incomplete line", file=sys.stderr)
            failures += 1
        got = []
        for raw in lines:
            r = decrypt_line(fernet, raw)
            if r["ok"]:
                got.append({k: r[k] for k in ("version", "text", "name", "message", "time")})
            else:
                got.append({"bad": True})
        if got != exp_list:
            failures += 1
            print(f"{fname}: MISMATCH", file=sys.stderr)
            for i in range(max(len(got), len(exp_list))):
                g = got[i] if i < len(got) else None
                e = exp_list[i] if i < len(exp_list) else None
                if g != e:
                    print(f"  line {i + 1}: got {g!r} expected {e!r}", file=sys.stderr)
        else:
            print(f"{fname}: {len(got)} lines OK", file=sys.stderr)
    if failures:
        raise CliError(f"{failures} fixture file(s) failed")
    return 0


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ftpchat_legacy.py",
        description="Reference implementation of the legacy FTPChat line format (test helper).",
    )
    sub = p.add_subparsers(dest="cmd", required=True, metavar="SUBCOMMAND")

    def passphrase(sp):
        sp.add_argument("--passphrase-file", required=True, metavar="F",
                        help="UTF-8 passphrase file (one trailing newline stripped)")

    def ftp_opts(sp):
        sp.add_argument("--host", default="127.0.0.1")
        sp.add_argument("--port", type=int, default=21)
        sp.add_argument("--user", default="anonymous")
        sp.add_argument("--password-env", metavar="VAR",
                        help="name of the environment variable holding the FTP password (default: empty password)")
        sp.add_argument("--cwd", metavar="DIR", help="CWD to this directory after login")
        sp.add_argument("--chat", required=True, metavar="NAME", help="chat name; '.txt' is appended when missing")
        sp.add_argument("--timeout", type=float, default=10.0, help="socket timeout in seconds (default 10)")
        passphrase(sp)

    def line_opts(sp, version_required: bool):
        sp.add_argument("--name", required=True, help="sender name")
        if version_required:
            sp.add_argument("--version", required=True, choices=VERSIONS)
        else:
            sp.add_argument("--version", default="v1", choices=VERSIONS, help="line version (default v1)")
        sp.add_argument("--crlf", action="store_true", help="end the line with CRLF instead of LF")
        sp.add_argument("--time", metavar="'YYYY-MM-DD HH:MM'",
                        help="message time (default: now, local); v3 also accepts 'HH:MM'")

    sp = sub.add_parser("derive-key", help="print the Fernet key derived from the passphrase")
    passphrase(sp)
    sp.set_defaults(func=cmd_derive_key)

    sp = sub.add_parser("encrypt", help="encrypt the message on stdin into one chat line on stdout")
    passphrase(sp)
    line_opts(sp, version_required=True)
    sp.set_defaults(func=cmd_encrypt)

    sp = sub.add_parser("decrypt", help="decrypt chat lines on stdin, one JSON object per line")
    passphrase(sp)
    sp.set_defaults(func=cmd_decrypt)

    sp = sub.add_parser("send", help="append one encrypted line to <chat>.txt with APPE")
    ftp_opts(sp)
    line_opts(sp, version_required=False)
    sp.add_argument("--message", required=True)
    sp.set_defaults(func=cmd_send)

    sp = sub.add_parser("read", help="SIZE + REST/RETR from --offset, decrypt complete lines")
    ftp_opts(sp)
    sp.add_argument("--offset", type=int, default=0, help="byte offset to resume from (default 0)")
    sp.set_defaults(func=cmd_read)

    sp = sub.add_parser("make-fixtures", help="(re)generate the golden fixtures into --out")
    sp.add_argument("--out", required=True, metavar="DIR")
    sp.set_defaults(func=cmd_make_fixtures)

    sp = sub.add_parser("check-fixtures", help="decrypt the fixtures in --dir and compare with expected.json")
    sp.add_argument("--dir", required=True, metavar="DIR")
    sp.set_defaults(func=cmd_check_fixtures)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"ftpchat_legacy: error: {exc}", file=sys.stderr)
        return 1
    except ftplib.all_errors as exc:
        print(f"ftpchat_legacy: FTP error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
