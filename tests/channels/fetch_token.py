"""A separate process asking for the access token (started by test_wechat_api): it signals it
is ready, waits for the go, then prints the token it got."""
import sys
import time

import redis

from channels.wechat_api import WeChatAPI


def main(base_url: str, app_id: str, app_secret: str, redis_url: str, barrier: str) -> None:
    conn = redis.Redis.from_url(redis_url)
    api = WeChatAPI(base_url, app_id, app_secret, redis=conn)
    conn.incr(f"{barrier}:ready")
    deadline = time.monotonic() + 30
    while not conn.exists(f"{barrier}:go"):
        if time.monotonic() > deadline:
            sys.exit("no go signal")
        time.sleep(0.005)
    print(api.access_token())


if __name__ == "__main__":
    main(*sys.argv[1:])
