#!/usr/bin/env python3
"""Runs a server confined to a network namespace of its own, reachable only through
Unix sockets: for ftpchat's tests of servers that listen on every address (rclone's
FTP server opens its passive data listeners on all of them).

Usage: unshare --net netns_bridge.py --sockets DIR --ports 2121,30000-30009 -- CMD...

Run inside a fresh network namespace (`unshare --net`, which needs root), where the
only interface is a loopback nobody else can reach: brings `lo` up, starts CMD, and
for each port listens on DIR/<port>.sock, joining every connection there to
127.0.0.1:<port> inside the namespace. The test on the other side forwards its own
loopback ports to these sockets. Prints "ready" once listening; exits, killing CMD,
when stdin reaches EOF (so nothing outlives the test that started it).
"""

import argparse
import fcntl
import os
import socket
import struct
import subprocess
import sys
import threading

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def loopback_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifreq = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH", b"lo", 0))
    flags = struct.unpack("16sH", ifreq[:18])[1]
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))
    s.close()


def ports(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
        try:
            s.shutdown(how)
        except OSError:
            pass


def join(client, port):
    try:
        server = socket.create_connection(("127.0.0.1", port), timeout=10)
        server.settimeout(None)
    except OSError:
        client.close()
        return
    a = threading.Thread(target=pump, args=(client, server), daemon=True)
    b = threading.Thread(target=pump, args=(server, client), daemon=True)
    a.start()
    b.start()
    a.join()
    b.join()
    client.close()
    server.close()


def serve(lsock, port):
    while True:
        client, _ = lsock.accept()
        threading.Thread(target=join, args=(client, port), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", required=True)
    parser.add_argument("--ports", required=True)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    loopback_up()
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    for port in ports(args.ports):
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(os.path.join(args.sockets, "%d.sock" % port))
        lsock.listen(64)
        threading.Thread(target=serve, args=(lsock, port), daemon=True).start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    child.kill()
    child.wait()
    os._exit(0)


if __name__ == "__main__":
    main()
