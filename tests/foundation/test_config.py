"""Configuration precedence and start-up errors an operator can act on."""
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from webhook.config import ConfigError, load


def write(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_then_environment_then_test_config(tmp_path, monkeypatch):
    path = write(tmp_path, '[database]\nurl = "sqlite:///from-file.db"\n'
                           '[redis]\nurl = "redis://file:6379/0"\n[wechat]\ntoken = "file-token"\n')
    monkeypatch.setenv("YITANG_CONFIG", str(path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert load()["DATABASE_URL"] == "sqlite:///from-file.db"
    assert load()["WECHAT_TOKEN"] == "file-token"

    monkeypatch.setenv("DATABASE_URL", "postgresql://env/db")
    monkeypatch.setenv("REDIS_URL", "redis://env:6379/1")
    config = load()
    assert config["DATABASE_URL"] == "postgresql://env/db"
    assert config["REDIS_URL"] == "redis://env:6379/1"
    assert config["WECHAT_TOKEN"] == "file-token"  # only the two URLs come from the environment

    config = load({"DATABASE_URL": "sqlite:///from-test.db", "WECHAT_TOKEN": "t"})
    assert config["DATABASE_URL"] == "sqlite:///from-test.db"
    assert config["WECHAT_TOKEN"] == "t"
    assert config["REDIS_URL"] == "redis://env:6379/1"


def test_section_key_becomes_upper_flask_key(tmp_path, monkeypatch):
    path = write(tmp_path, '[queue]\nretry_max = 5\nretry_intervals = [1, 2]\n')
    monkeypatch.setenv("YITANG_CONFIG", str(path))
    config = load()
    assert config["QUEUE_RETRY_MAX"] == 5
    assert config["QUEUE_RETRY_INTERVALS"] == [1, 2]


@pytest.mark.parametrize("text, words", [
    ('[wechat\ntoken = "x"\n', "not valid TOML"),
    ('[wechat]\ntokn = "x"\n', "unknown key WECHAT_TOKN"),
    ('[queue]\nretry_max = "three"\n', "QUEUE_RETRY_MAX must be int"),
    ('[wechat]\nencoding_aes_key = "short"\n', "WECHAT_ENCODING_AES_KEY must be 43 characters"),
    ('[app]\nenv = "production"\n', "SECURITY_SECRET_KEY is required in production"),
])
def test_bad_file_names_file_and_key(tmp_path, monkeypatch, text, words):
    path = write(tmp_path, text)
    monkeypatch.setenv("YITANG_CONFIG", str(path))
    with pytest.raises(ConfigError) as err:
        load()
    assert str(path) in str(err.value)
    assert words in str(err.value)


def test_production_names_each_missing_secret(tmp_path, monkeypatch):
    path = write(tmp_path, '[app]\nenv = "production"\n[security]\nsecret_key = "s"\n')
    monkeypatch.setenv("YITANG_CONFIG", str(path))
    with pytest.raises(ConfigError, match="SECURITY_PII_KEY is required in production"):
        load()


@pytest.mark.parametrize("setup, words", [
    (lambda tmp: tmp / "missing.toml", "cannot read the configuration file"),
    (lambda tmp: write(tmp, "[app\n"), "not valid TOML"),
])
def test_command_stops_with_one_line_not_a_traceback(tmp_path, setup, words):
    path = setup(tmp_path)
    env = {**os.environ, "YITANG_CONFIG": str(path)}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "webhook", "init-db"],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and words in lines[0]


STRONG = {
    "APP_ENV": "production", "DATABASE_URL": "postgresql://db/yitang", "REDIS_URL": "redis://r:6379/0",
    "SECURITY_SECRET_KEY": "Vq3x9LrT0cWm8ZpK2sYh5NdB7gFj4AeU1oQi6Xv",
    "SECURITY_PII_KEY": "Lm4Ks8Qw2Zt6Yp0Rn3Vb7Hc1Jd5Fg9Xe2Aa8Uo",
    "WECHAT_TOKEN": "T7kq2Wz9Lm4Xp1Rv", "WECHAT_APP_ID": "wx0123456789abcdef",
    "WECHAT_APP_SECRET": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "WECHAT_ENCODING_AES_KEY": "Qz8Xc4Vb1Nm7Lk3Jh6Gf2Ds9Ap5Ow0Ie4Ur8Ty1Rt3E", "WECHAT_MODE": "",
}


def test_production_starts_with_strong_secrets(tmp_path):
    config = load({**STRONG, "APP_VAR_DIR": str(tmp_path)})
    assert config["WECHAT_MODE"] == "safe" and config["SIMULATOR_ENABLED"] is False


@pytest.mark.parametrize("key, value, words", [
    ("SECURITY_SECRET_KEY", "x", "SECURITY_SECRET_KEY is too weak"),
    ("SECURITY_SECRET_KEY", "a" * 64, "SECURITY_SECRET_KEY is too weak"),
    ("SECURITY_PII_KEY", "changeme-changeme-changeme-change", "SECURITY_PII_KEY is too weak"),
    ("WECHAT_TOKEN", "yitang-dev-token", "WECHAT_TOKEN is the example value"),
    ("WECHAT_TOKEN", "abc", "WECHAT_TOKEN is too weak"),
    ("WECHAT_APP_SECRET", "yitang-dev-secret", "WECHAT_APP_SECRET is the example value"),
    ("WECHAT_ENCODING_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "is the example value"),
    ("WECHAT_MODE", "compat2", "WECHAT_MODE must be plain, compat or safe"),
    ("APP_PROXY_HOPS", -1, "APP_PROXY_HOPS must be 0 or more"),
])
def test_production_refuses_weak_or_example_secrets(tmp_path, key, value, words):
    with pytest.raises(ConfigError, match=words):
        load({**STRONG, key: value, "APP_VAR_DIR": str(tmp_path)})


def test_example_file_does_not_start_in_production(tmp_path, monkeypatch):
    """The example's own values, with production switched on, stop start-up naming the key."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8").replace(
        'env = "development"', 'env = "production"')
    path = write(tmp_path, text)
    monkeypatch.setenv("YITANG_CONFIG", str(path))
    with pytest.raises(ConfigError) as err:
        load({k: v for k, v in STRONG.items() if k.startswith(("SECURITY", "DATABASE", "REDIS", "APP"))})
    assert "WECHAT_TOKEN is the example value" in str(err.value)


def test_modes_need_an_aes_key(tmp_path):
    with pytest.raises(ConfigError, match="WECHAT_ENCODING_AES_KEY is required for WECHAT_MODE safe"):
        load({"WECHAT_MODE": "safe", "WECHAT_ENCODING_AES_KEY": "", "APP_VAR_DIR": str(tmp_path)})
    assert load({"WECHAT_ENCODING_AES_KEY": "", "WECHAT_MODE": "", "APP_VAR_DIR": str(tmp_path)})["WECHAT_MODE"] == "plain"
