"""What every fake server of this project shares: serving a WSGI app on loopback only, in a
thread (start/stop, `with`, `url`), and the `python -m …` loop that serves until Ctrl-C or
SIGTERM (how `make run` stops its children).

Standard library and Werkzeug only, so fakesms and any other fake can import it.
"""

import ipaddress
import signal
import socket
import sys
import threading
import time

from werkzeug.serving import WSGIRequestHandler, make_server


def is_loopback(host):
    """True when every address `host` resolves to is a loopback address."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(
        ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class LoopbackServer:
    """Serves `self.app` (set by the subclass) on a loopback address in a daemon thread.

    Subclasses set `name` (the thread's name and the word in errors) and may set `quiet`
    (no log line per request)."""

    name = "loopback"
    quiet = True
    _server = None
    _thread = None

    def start(self, host="127.0.0.1", port=0):
        if not is_loopback(host):
            raise ValueError("%s binds to loopback only, not %r" % (self.name, host))
        self._server = make_server(host, port, self.app, threaded=True,
                                   request_handler=QuietHandler if self.quiet else None)
        # A short poll interval makes stop() quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self):
        return self if self._server else self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        """Base URL ending with '/'."""
        if self._server is None:
            raise RuntimeError("%s is not started" % type(self).__name__)
        host, port = self._server.server_address[:2]
        if ":" in host:
            host = "[%s]" % host
        return "http://%s:%d/" % (host, port)


def serve_forever_until_stopped(server, banner):
    """Print `banner` and keep the started `server` (anything with stop()) serving until
    Ctrl-C or SIGTERM; then stop it. Returns the exit status, 0."""
    # `make run` stops its children with SIGTERM; treat it like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(banner, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def parser_for(name, description, port):
    """The command line every fake shares: --host (loopback only), --port, --quiet."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m " + name, description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port, help="0 picks a free port")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    return parser


def run(name, parser, args, fake, banner):
    """Start `fake` on the parsed --host/--port and serve until stopped; the exit status."""
    if not is_loopback(args.host):
        parser.error("refusing to listen on %r: the fake binds to loopback addresses only" % args.host)
    try:
        fake.start(args.host, args.port)
    except OSError as exc:
        print("%s: cannot listen on %s:%d: %s" % (name, args.host, args.port, exc), file=sys.stderr)
        return 1
    return serve_forever_until_stopped(fake, banner(fake))
