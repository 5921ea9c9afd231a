"""python -m fakewechat: serve the fake WeChat API on loopback until Ctrl-C."""

import argparse
import sys

from fakewechat.loopback import is_loopback, serve_forever_until_stopped
from fakewechat.server import FakeWeChat


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fakewechat",
                                     description="Fake WeChat API server (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001, help="0 picks a free port")
    parser.add_argument("--app-id", default="wx_test")
    parser.add_argument("--app-secret", default="secret")
    parser.add_argument("--mp-app-id", help="mini-program AppID (for jscode2session)")
    parser.add_argument("--mp-app-secret")
    parser.add_argument("--token-ttl", type=float, default=7200)
    parser.add_argument("--window-closed-by-default", action="store_true",
                        help="custom send needs a recorded interaction (POST /_fake/users/OPENID/interact)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)

    if not is_loopback(args.host):
        parser.error("refusing to listen on %r: the fake binds to loopback addresses only" % args.host)

    fake = FakeWeChat(args.app_id, args.app_secret, args.token_ttl,
                      mp_app_id=args.mp_app_id, mp_app_secret=args.mp_app_secret,
                      window_open_by_default=not args.window_closed_by_default,
                      quiet=args.quiet)
    try:
        fake.start(args.host, args.port)
    except OSError as exc:
        print("fakewechat: cannot listen on %s:%d: %s" % (args.host, args.port, exc), file=sys.stderr)
        return 1
    return serve_forever_until_stopped(
        fake, "fakewechat listening on %s (app_id=%s, control API at %s_fake/)" % (fake.url, args.app_id, fake.url))


if __name__ == "__main__":
    sys.exit(main())
