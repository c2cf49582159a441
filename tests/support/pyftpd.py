#!/usr/bin/env python3
"""Throwaway pyftpdlib server for ftpchat's integration tests.

Usage: pyftpd.py --dir DIR --user USER --password PASSWORD --log FILE [--banner TEXT]
                 [--appe-replaces]

Binds 127.0.0.1 on an ephemeral port, prints that port on the first line of
stdout (flushed), then serves until killed or until its stdin reaches EOF
(so the server never outlives the test process that started it, even when
that process is SIGKILLed).

Every command received and every reply sent is logged (DEBUG level) to FILE.
pyftpdlib's defaults are kept on purpose: e.g. SIZE is refused in ASCII mode.

--appe-replaces makes APPE store only the bytes sent, replacing the file, and answer
success: what gateways in front of object storage do (Debian's rclone 1.60 `serve sftp`
treats an SFTP append that way), so ftpchat's append probe can be tested on FTP.
"""

import argparse
import logging
import os
import sys
import threading

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def watch_stdin():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--banner", default="ftpchat test pyftpdlib ready")
    parser.add_argument("--appe-replaces", action="store_true")
    args = parser.parse_args()

    logging.basicConfig(
        filename=args.log,
        level=logging.DEBUG,
        format="%(asctime)s %(message)s",
    )

    authorizer = DummyAuthorizer()
    authorizer.add_user(args.user, args.password, args.dir, perm="elradfmwMT")

    class Handler(FTPHandler):
        if args.appe_replaces:

            def ftp_APPE(self, file):
                return self.ftp_STOR(file, mode="w")

    Handler.authorizer = authorizer
    Handler.banner = args.banner

    server = FTPServer(("127.0.0.1", 0), Handler)
    port = server.socket.getsockname()[1]
    sys.stdout.write("%d\n" % port)
    sys.stdout.flush()

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever(handle_exit=True)


if __name__ == "__main__":
    main()
