"""`dcoder serve --demo` with the official `openai` SDK: one process serving the gateway, the
Platform API, the mock providers and the mock IdP.

Starts the real binary on a free port, reads what it prints (base URL, virtual keys, the
token one-liner, an admin token), then checks that:
- the `openai` SDK with the printed demo key gets answers from models on all four providers;
- the printed admin token, and a token fetched with the printed one-liner, list the demo
  tenants through the Platform API as a platform administrator;
- SIGINT stops everything with exit status 0.

Run by Scripts/test (README's test command):  DCODER_BIN=.build/debug/dcoder pytest Tests/Integration
"""
import json
import re
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from test_platform_api import BIN, free_port


@pytest.fixture(scope="module")
def demo():
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--demo", "--port", str(port), "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.time() + 90
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C stops everything." in line:
            break
    banner = "".join(lines)
    if "Ctrl-C stops everything." not in banner:
        proc.kill()
        raise RuntimeError(f"dcoder serve --demo did not start: {banner} {proc.stderr.read()}")
    yield {"process": proc, "banner": banner, "port": port}
    if proc.poll() is None:
        proc.kill()


def get_json(url, token):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=20) as r:
        return r.status, json.loads(r.read())


def test_banner_names_the_url_keys_and_token(demo):
    banner = demo["banner"]
    assert f"base URL        http://127.0.0.1:{demo['port']}/v1" in banner
    assert "dk-demo-acme" in banner and "dk-demo-globex" in banner
    assert "/oidc/token" in banner and "admin token (valid for an hour): " in banner


@pytest.mark.parametrize("model", ["gpt-4o-mini", "claude-3-5-haiku", "gemini-2.0-flash", "llama-3.1-8b-instant"])
def test_openai_sdk_with_the_demo_key(demo, model):
    from openai import OpenAI
    base = re.search(r"base URL\s+(\S+)", demo["banner"]).group(1)
    client = OpenAI(base_url=base, api_key="dk-demo-globex", max_retries=0)
    answer = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello"}])
    assert answer.choices[0].message.content and answer.model == model


def test_platform_api_with_the_printed_token(demo):
    base = f"http://127.0.0.1:{demo['port']}"
    token = re.search(r"admin token \(valid for an hour\): (\S+)", demo["banner"]).group(1)
    status, body = get_json(base + "/api/v1/tenants", token)
    assert status == 200
    assert {"acme", "globex"} <= {t["id"] for t in body}


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("sed") is None, reason="the one-liner needs curl and sed")
def test_the_printed_token_one_liner(demo):
    line = next(l.strip() for l in demo["banner"].splitlines() if l.strip().startswith("TOKEN=$(curl"))
    token = subprocess.run(["bash", "-c", line + '; printf %s "$TOKEN"'], capture_output=True, text=True, timeout=30).stdout
    status, _ = get_json(f"http://127.0.0.1:{demo['port']}/api/v1/tenants", token)
    assert status == 200


def test_sigint_stops_everything_cleanly(demo):
    proc = demo["process"]
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{demo['port']}/healthz", timeout=5)
