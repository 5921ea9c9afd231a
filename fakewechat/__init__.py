"""The fake WeChat API server: see fakewechat/server.py."""

from fakewechat.server import FakeWeChat

__all__ = ["FakeWeChat"]
