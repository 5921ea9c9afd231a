"""The fake SMS provider (Aliyun SendSms shape): see fakesms/server.py."""

from fakesms.server import FakeSMS

__all__ = ["FakeSMS"]
