#!/usr/bin/env python3
"""warc_server.py: the web server tests/cli/test_warc.sh crawls with wget --warc-file.

Serves the files below the directory given as the first argument (examples/),
bound to 127.0.0.1 on a free port, which it prints as its first line of output.
A few paths behave like the awkward servers of real parliaments:

  /header-charset/NAME.html  examples/be-senate/NAME.html with its <meta> charset
                             removed, the charset sent only in the HTTP header
                             (Content-Type: text/html; charset=windows-1252)
  /chunked-gzip/SITE/NAME    the example file, gzip-compressed and sent with
                             Transfer-Encoding: chunked over HTTP/1.1
  /no-type/SITE/NAME         the example file without any Content-Type header
  /redirect                  301 to /be-senate/5-8916.html
  /style.css                 a stylesheet (not HTML)
  anything missing           404
"""
import gzip
import http.server
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "examples")


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *a, **kw):
        super().__init__(*a, directory=ROOT, **kw)

    def log_message(self, *a):
        pass

    def example(self, rel):
        path = os.path.normpath(os.path.join(ROOT, rel))
        if not path.startswith(ROOT + os.sep) or not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def send_bytes(self, body, headers):
        self.send_response(200)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path.split("?", 1)[0]
        if p.startswith("/header-charset/"):
            body = self.example("be-senate/" + p[len("/header-charset/"):])
            if body is None:
                return self.send_error(404)
            body = re.sub(rb'<meta http-equiv="Content-Type"[^>]*>\r?\n?', b"", body, flags=re.I)
            return self.send_bytes(body, [("Content-Type", "text/html; charset=windows-1252")])
        if p.startswith("/chunked-gzip/"):
            body = self.example(p[len("/chunked-gzip/"):])
            if body is None:
                return self.send_error(404)
            z = gzip.compress(body)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(z), 1000):
                piece = z[i:i + 1000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        if p.startswith("/no-type/"):
            body = self.example(p[len("/no-type/"):])
            if body is None:
                return self.send_error(404)
            return self.send_bytes(body, [])
        if p == "/redirect":
            self.send_response(301)
            self.send_header("Location", "/be-senate/5-8916.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if p == "/style.css":
            return self.send_bytes(b"body { color: black }\n", [("Content-Type", "text/css")])
        return super().do_GET()


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
