"""Configuration: defaults < TOML file < environment < test_config.

A TOML key `[section] key` becomes the Flask key `SECTION_KEY`. The file is `config.toml` in
the project folder, or the one named by YITANG_CONFIG. DATABASE_URL and REDIS_URL from the
environment override the file.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path

from limits import parse as parse_limit

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict = {
    "APP_ENV": "development",
    "APP_VAR_DIR": str(ROOT / "var"),
    "APP_MAX_BODY_BYTES": 64 * 1024,
    "APP_PROXY_HOPS": 0,
    "APP_PUBLIC_URL": "",
    "WECHAT_TOKEN": "yitang-dev-token",
    "WECHAT_APP_ID": "wx_yitang_dev",
    "WECHAT_APP_SECRET": "yitang-dev-secret",
    "WECHAT_ENCODING_AES_KEY": "",
    "WECHAT_MODE": "",
    "WECHAT_MESSAGE_RATE_LIMIT": "60 per minute",
    "WECHAT_API_BASE_URL": "https://api.weixin.qq.com/",
    "WECHAT_REPLY_BUDGET_S": 4.0,
    "WECHAT_STATUS_TEMPLATE_ID": "yitang-status-update",
    "MINIPROGRAM_APP_ID": "",
    "MINIPROGRAM_APP_SECRET": "",
    "MINIPROGRAM_RATE_LIMIT": "120 per minute",
    "MINIPROGRAM_ADDRESS_RATE_LIMIT": "600 per minute",
    "MINIPROGRAM_LOGIN_RATE_LIMIT": "20 per minute",
    # The mini-program's 订阅消息 template for news of an application (thing1 业务, thing2 状态,
    # date3 日期, thing4 备注); the only template id POST /api/mp/subscriptions accepts.
    "MINIPROGRAM_STATUS_TEMPLATE_ID": "yitang-mp-status",
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "SECURITY_SECRET_KEY": "",
    "SECURITY_PII_KEY": "",
    "QUEUE_RETRY_MAX": 3,
    "QUEUE_RETRY_INTERVALS": [10, 60, 300],
    "PRECHECK_RATE_LIMIT": "60 per minute",
    "SIMULATOR_ENABLED": True,
    # SMS: Aliyun's SendSms shape (channels/sms.py). Empty keys: the SMS channel is skipped.
    "SMS_API_BASE_URL": "https://dysmsapi.aliyuncs.com/",
    "SMS_ACCESS_KEY_ID": "",
    "SMS_ACCESS_KEY_SECRET": "",
    "SMS_SIGN_NAME": "",
    "SMS_TEMPLATE_CODE": "",
    "SMS_INBOUND_SECRET": "",
    # Email over SMTP (channels/email.py). No host or sender: the email channel is skipped.
    "EMAIL_SMTP_HOST": "",
    "EMAIL_SMTP_PORT": 587,
    "EMAIL_SMTP_USER": "",
    "EMAIL_SMTP_PASSWORD": "",
    "EMAIL_SENDER": "",
    "EMAIL_USE_TLS": "starttls",
    "EMAIL_PUBLIC_URL": "",
}

# Keys a production deployment must set explicitly.
REQUIRED_IN_PRODUCTION = (
    "SECURITY_SECRET_KEY", "SECURITY_PII_KEY", "WECHAT_TOKEN", "WECHAT_APP_ID",
    "WECHAT_APP_SECRET", "DATABASE_URL", "REDIS_URL",
)


class ConfigError(Exception):
    """One line that names the file and the key at fault."""


def flatten(data: dict, source: str) -> dict:
    flat = {}
    for section, values in data.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: '{section}' must be a [section], not a bare key")
        for key, value in values.items():
            flat[f"{section}_{key}".upper()] = value
    return flat


def config_path() -> tuple[Path, bool]:
    """The file to read and whether it was named explicitly."""
    named = os.environ.get("YITANG_CONFIG")
    if named:
        return Path(named), True
    return ROOT / "config.toml", False


def read_file(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the configuration file ({err.strerror})") from None
    flat = flatten(data, str(path))
    unknown = sorted(k for k in flat if k not in DEFAULTS)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]} (see config.example.toml)")
    for key, value in flat.items():
        expected = type(DEFAULTS[key])
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: {key} must be {expected.__name__}, got {type(value).__name__}")
        flat[key] = value
    return flat


def load(test_config: dict | None = None) -> dict:
    config = dict(DEFAULTS)
    path, named = config_path()
    if named or path.exists():
        config.update(read_file(path))
        config["CONFIG_FILE"] = str(path)
    else:
        config["CONFIG_FILE"] = ""
    for key in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(key):
            config[key] = os.environ[key]
    if test_config:
        config.update(test_config)
    finish(config)
    return config


def finish(config: dict) -> None:
    source = config["CONFIG_FILE"] or "configuration"
    if config["APP_ENV"] not in ("development", "production", "testing"):
        raise ConfigError(f"{source}: APP_ENV must be development, production or testing")
    if config["APP_ENV"] == "production":
        for key in REQUIRED_IN_PRODUCTION:
            if not config.get(key):
                raise ConfigError(f"{source}: {key} is required in production")
        config["SIMULATOR_ENABLED"] = False
    var = Path(config["APP_VAR_DIR"])
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{var / 'yitang.db'}"
    for key in ("SECURITY_SECRET_KEY", "SECURITY_PII_KEY"):
        if not config[key]:
            config[key] = _dev_secret(var, key)
    aes = config["WECHAT_ENCODING_AES_KEY"]
    if aes and len(aes) != 43:
        raise ConfigError(f"{source}: WECHAT_ENCODING_AES_KEY must be 43 characters")
    mode = config["WECHAT_MODE"] or ("safe" if aes else "plain")
    if mode not in WECHAT_MODES:
        raise ConfigError(f"{source}: WECHAT_MODE must be plain, compat or safe")
    if mode != "plain" and not aes:
        raise ConfigError(f"{source}: WECHAT_ENCODING_AES_KEY is required for WECHAT_MODE {mode}")
    config["WECHAT_MODE"] = mode
    if config["APP_PROXY_HOPS"] < 0:
        raise ConfigError(f"{source}: APP_PROXY_HOPS must be 0 or more (the number of trusted proxies)")
    for key in ("WECHAT_MESSAGE_RATE_LIMIT", "PRECHECK_RATE_LIMIT", "MINIPROGRAM_RATE_LIMIT",
                "MINIPROGRAM_ADDRESS_RATE_LIMIT", "MINIPROGRAM_LOGIN_RATE_LIMIT"):
        try:
            parse_limit(config[key])
        except ValueError:
            raise ConfigError(f"{source}: {key} is not a rate limit like \"20 per minute\"") from None
    if config["APP_ENV"] == "production":
        _refuse_weak_secrets(config, source)


WECHAT_MODES = ("plain", "compat", "safe")

# The values config.example.toml ships with: public, so never acceptable in production.
EXAMPLE_VALUES = {
    "WECHAT_TOKEN": {"yitang-dev-token", "test-token"},
    "WECHAT_APP_SECRET": {"yitang-dev-secret", "test-secret"},
    "WECHAT_ENCODING_AES_KEY": {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"},
}
# (minimum length, minimum distinct characters): a rough entropy floor that refuses "x",
# "changeme" and "aaaa…" while any generated secret (secrets.token_urlsafe(32)) passes.
STRENGTH = {
    "SECURITY_SECRET_KEY": (32, 12),
    "SECURITY_PII_KEY": (32, 12),
    # WeChat allows tokens of 3-32 characters; a short one can be guessed offline from any
    # signed request, so ask for the upper half.
    "WECHAT_TOKEN": (16, 8),
    "WECHAT_ENCODING_AES_KEY": (43, 16),
}


def _refuse_weak_secrets(config: dict, source: str) -> None:
    for key, examples in EXAMPLE_VALUES.items():
        if config.get(key) in examples:
            raise ConfigError(f"{source}: {key} is the example value; production needs its own secret")
    for key, (length, distinct) in STRENGTH.items():
        value = config.get(key) or ""
        if key == "WECHAT_ENCODING_AES_KEY" and not value:
            continue  # plain mode: no AES key at all
        if len(value) < length or len(set(value)) < distinct:
            raise ConfigError(f"{source}: {key} is too weak for production "
                              f"(at least {length} characters, not a word or a repeated pattern)")


def _dev_secret(var: Path, key: str) -> str:
    """Development only: a random secret kept under var/ so restarts keep their sessions."""
    var.mkdir(parents=True, exist_ok=True)
    path = var / f"dev-{key.lower()}"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()
