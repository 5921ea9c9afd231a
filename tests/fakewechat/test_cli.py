import re
import subprocess
import sys

import requests


def test_cli_serves_until_terminated():
    proc = subprocess.Popen([sys.executable, "-m", "fakewechat", "--port", "0", "--quiet",
                             "--app-id", "wx_cli", "--app-secret", "s3cret"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        answer = requests.get(url + "cgi-bin/token", params={
            "grant_type": "client_credential", "appid": "wx_cli", "secret": "s3cret"}, timeout=5).json()
        assert "access_token" in answer
        assert requests.get(url + "_fake/token_fetches", timeout=5).json() == {"token_fetches": 1}
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_cli_refuses_a_non_loopback_host():
    for host in ("0.0.0.0", "192.0.2.1"):
        result = subprocess.run([sys.executable, "-m", "fakewechat", "--host", host, "--port", "0"],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 2
        assert "loopback" in result.stderr
        assert result.stdout == ""
