"""python -m fakewechat: serve the fake WeChat API on loopback until Ctrl-C."""

import sys

from fakewechat.loopback import parser_for, run
from fakewechat.server import FakeWeChat


def main(argv=None):
    parser = parser_for("fakewechat", "Fake WeChat API server (loopback only).", 5001)
    parser.add_argument("--app-id", default="wx_test")
    parser.add_argument("--app-secret", default="secret")
    parser.add_argument("--mp-app-id", help="mini-program AppID (for jscode2session)")
    parser.add_argument("--mp-app-secret")
    parser.add_argument("--token-ttl", type=float, default=7200)
    parser.add_argument("--window-closed-by-default", action="store_true",
                        help="custom send needs a recorded interaction (POST /_fake/users/OPENID/interact)")
    args = parser.parse_args(argv)
    fake = FakeWeChat(args.app_id, args.app_secret, args.token_ttl,
                      mp_app_id=args.mp_app_id, mp_app_secret=args.mp_app_secret,
                      window_open_by_default=not args.window_closed_by_default,
                      quiet=args.quiet)
    return run("fakewechat", parser, args, fake,
               lambda f: "fakewechat listening on %s (app_id=%s, control API at %s_fake/)" % (f.url, args.app_id, f.url))


if __name__ == "__main__":
    sys.exit(main())
