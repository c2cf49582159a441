# Loopback FTP server whose STAT <dir> reply has a non-ASCII byte inside the first
# 10 bytes of a listing-shaped line (as a hostile or misconfigured relay could send).
import sys, logging
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
logging.basicConfig(filename="server.log", level=logging.DEBUG)
a = DummyAuthorizer(); a.add_user('u', 'p', sys.argv[1], perm='elradfmwMT')
class H(FTPHandler):
    def ftp_STAT(self, path):
        # 213 multi-line reply: opener, one "listing" line, closer.
        self.push("213-Status follows:\r\n-rwxrwxrw\u00e9 1 0 0 2 Nov 22 03:11 x.log\r\n213 End of status\r\n")
H.authorizer = a
s = FTPServer(('127.0.0.1', int(sys.argv[2])), H)
s.serve_forever(timeout=0.5)
