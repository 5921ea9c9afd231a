"""Outbound channels: the WeChat API client with one shared access token, delivery records,
opt-out, media downloads."""
