"""The development and test mail server: aiosmtpd on loopback, keeping every mail.

`python -m devmail --port 1025 [--dir var/mail]` (started by `make run`) stores each
mail as an .eml file and prints one line per mail; tests use `DevMail` and read `messages`.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class _Keeper:
    def __init__(self, folder: Path | None, announce: bool):
        self.folder, self.announce = folder, announce
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
            count = len(self.messages)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{count:04d}.eml"
            path.write_bytes(envelope.content)
            if self.announce:
                print(f"devmail: mail {count} for {len(envelope.rcpt_tos)} recipient(s) → {path}", flush=True)
        return "250 Message accepted for delivery"


class DevMail:
    """aiosmtpd on 127.0.0.1; `with DevMail() as mail:` then `mail.port`, `mail.messages`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, folder: Path | None = None,
                 announce: bool = False):
        self._keeper = _Keeper(folder, announce)
        self.host = host
        if port == 0:
            import socket
            with socket.socket() as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
        self.port = port
        self._controller = Controller(self._keeper, hostname=host, port=port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._keeper.lock:
            return list(self._keeper.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def start(self) -> DevMail:
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        """Stop serving; a second stop does nothing (a test may stop it early)."""
        if getattr(self, "_running", False):
            self._running = False
            self._controller.stop()

    def __enter__(self) -> DevMail:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv=None) -> int:
    from fakewechat.loopback import serve_forever_until_stopped

    parser = argparse.ArgumentParser(prog="python -m devmail",
                                     description="Development SMTP server: keeps mails as .eml files.")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail", help="where the .eml files go")
    args = parser.parse_args(argv)
    try:
        server = DevMail("127.0.0.1", args.port, Path(args.dir), announce=True).start()
    except (OSError, RuntimeError) as exc:
        print(f"devmail: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    return serve_forever_until_stopped(
        server, f"devmail listening on smtp://127.0.0.1:{args.port}, mails kept in {args.dir}/")
