"""python -m fakesms: serve the fake SMS provider on loopback until Ctrl-C."""

import argparse
import sys

from fakesms.server import FakeSMS
from fakewechat.loopback import is_loopback, serve_forever_until_stopped


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fakesms",
                                     description="Fake SMS provider, Aliyun SendSms shape (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5002, help="0 picks a free port")
    parser.add_argument("--access-key-id", default="yitang-dev-sms-key")
    parser.add_argument("--access-key-secret", default="yitang-dev-sms-secret")
    parser.add_argument("--inbound-url", help="where residents' replies go (the app's /sms/inbound)")
    parser.add_argument("--inbound-secret", default="")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        parser.error("refusing to listen on %r: the fake binds to loopback addresses only" % args.host)
    fake = FakeSMS(args.access_key_id, args.access_key_secret, inbound_url=args.inbound_url,
                   inbound_secret=args.inbound_secret, quiet=args.quiet)
    try:
        fake.start(args.host, args.port)
    except OSError as exc:
        print("fakesms: cannot listen on %s:%d: %s" % (args.host, args.port, exc), file=sys.stderr)
        return 1
    return serve_forever_until_stopped(
        fake, "fakesms listening on %s (inbox at %s_fake/messages)" % (fake.url, fake.url))


if __name__ == "__main__":
    sys.exit(main())
