"""python -m fakesms: serve the fake SMS provider on loopback until Ctrl-C."""

import sys

from fakesms.server import FakeSMS
from fakewechat.loopback import parser_for, run


def main(argv=None):
    parser = parser_for("fakesms", "Fake SMS provider, Aliyun SendSms shape (loopback only).", 5002)
    parser.add_argument("--access-key-id", default="yitang-dev-sms-key")
    parser.add_argument("--access-key-secret", default="yitang-dev-sms-secret")
    parser.add_argument("--inbound-url", help="where residents' replies go (the app's /sms/inbound)")
    parser.add_argument("--inbound-secret", default="")
    args = parser.parse_args(argv)
    fake = FakeSMS(args.access_key_id, args.access_key_secret, inbound_url=args.inbound_url,
                   inbound_secret=args.inbound_secret, quiet=args.quiet)
    return run("fakesms", parser, args, fake,
               lambda f: "fakesms listening on %s (inbox at %s_fake/messages)" % (f.url, f.url))


if __name__ == "__main__":
    sys.exit(main())
