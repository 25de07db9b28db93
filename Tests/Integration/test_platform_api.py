"""The Platform API through the real binaries: `dcoder serve` with a `platform_api` section
and `dcoder mock-idp` as its identity provider, over HTTP, with Python's standard library
as the client.

Checks what only the assembled server shows: the config section (secret key from the
environment), tokens minted by the mock IdP over HTTP and validated by the server after
fetching discovery and keys over HTTP, a tenant provisioned into its own SQLite file, a
provider key that is neither returned, nor logged, nor stored in clear text.

Run by Scripts/test (README's test command):  DCODER_BIN=.build/debug/dcoder pytest Tests/Integration
"""
import base64
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("DCODER_BIN", os.path.join(ROOT, ".build", "debug", "dcoder"))
AUDIENCE = "https://api.dcoder.test"
PROVIDER_KEY = "sk-acme-provider-key-never-shown-7f3a"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(proc, needle, log):
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        log.append(line)
        if needle in line:
            return
    proc.kill()
    raise RuntimeError(f"server did not start: {''.join(log)}")


def call(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.headers.get("content-type"), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type"), json.loads(e.read() or b"null")


@pytest.fixture(scope="module")
def platform():
    idp_port = free_port()
    idp = subprocess.Popen([BIN, "mock-idp", "--port", str(idp_port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for(idp, "listening", [])
    issuer = f"http://127.0.0.1:{idp_port}/oidc"
    data = tempfile.mkdtemp()
    config = os.path.join(data, "serve.yaml")
    with open(config, "w") as f:
        f.write(f"""
platform_api:
  oidc_issuer: {issuer}
  oidc_audience: {AUDIENCE}
  secret_key: "${{DCODER_SECRET_KEY}}"
""")
    env = dict(os.environ, DCODER_SECRET_KEY=base64.b64encode(os.urandom(32)).decode())
    log = []
    gateway = subprocess.Popen([BIN, "serve", "--config", config, "--data", data, "--port", "0", "--log-level", "info"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        wait_for(gateway, "listening on", log)
    except Exception:
        idp.kill()
        raise
    port = int(log[-1].split("127.0.0.1:")[1].split()[0].rstrip(")"))
    # Keep reading the server's output (access log included) for the checks below.
    threading.Thread(target=lambda: [log.append(line) for line in gateway.stdout], daemon=True).start()

    def token(claims):
        status, _, body = call("POST", issuer + "/token", body=dict({"aud": AUDIENCE}, **claims))
        assert status == 200, body
        return body["access_token"]

    yield {"base": f"http://127.0.0.1:{port}/api/v1", "token": token, "data": data, "proc": gateway, "log": log}
    for p in (gateway, idp):
        p.terminate()
        p.wait(timeout=10)


def test_tenants_sign_in_and_isolation(platform):
    base, token = platform["base"], platform["token"]
    root = token({"sub": "root", "roles": ["platform-admin"]})
    for tenant in ("acme", "globex"):
        status, _, body = call("POST", base + "/tenants", root, {"id": tenant, "name": tenant.title()})
        assert status == 201 and body["database"] == f"sqlite:tenants/{tenant}.sqlite", body
        assert os.path.exists(os.path.join(platform["data"], "tenants", f"{tenant}.sqlite"))
    alice = token({"sub": "alice", "organization_id": "acme", "organization_roles": ["acme:owner"]})
    status, _, me = call("GET", base + "/me", alice)
    assert status == 200 and me["tenant"] == "acme" and me["roles"] == ["owner"] and me["user_id"].startswith("u_")
    # Cross-tenant, by path and by listing: problem+json 403.
    for method, path in [("GET", "/tenants/globex"), ("GET", "/tenants/globex/users"), ("GET", "/tenants"),
                         ("PUT", "/tenants/globex/quotas/concurrent")]:
        status, ctype, body = call(method, base + path, alice, {"limit": 1} if method == "PUT" else None)
        assert status == 403 and ctype == "application/problem+json", (path, status, body)
    status, _, body = call("GET", base + "/tenants", "not-a-token")
    assert status == 401 and body["status"] == 401


def test_provider_keys_are_sealed_and_never_shown(platform):
    base, token = platform["base"], platform["token"]
    root = token({"sub": "root", "roles": ["platform-admin"]})
    call("POST", base + "/tenants", root, {"id": "initech"})
    owner = token({"sub": "ivan", "organization_id": "initech", "organization_roles": ["initech:owner"]})
    status, _, body = call("PUT", base + "/tenants/initech/providers/openai", owner,
                           {"kind": "openai", "endpoint": "https://api.openai.com/v1", "api_key": PROVIDER_KEY})
    assert status == 200 and body["api_key"] == {"set": True, "sealed_with": "platform-1"}, body
    for path in ("/tenants/initech/providers", "/tenants/initech/config/effective"):
        status, _, body = call("GET", base + path, owner)
        assert status == 200 and PROVIDER_KEY not in json.dumps(body)
    with open(os.path.join(platform["data"], "tenants", "initech.sqlite"), "rb") as f:
        assert PROVIDER_KEY.encode() not in f.read()
    # Not in the server's output either: the access log has a line per call, none with the key.
    time.sleep(1.5)
    output = "".join(platform["log"])
    assert "/api/v1/tenants/initech/providers/openai" in output, output[-2000:]
    assert PROVIDER_KEY not in output


def test_openapi_document_is_served(platform):
    status, _, doc = call("GET", platform["base"] + "/openapi.json")
    assert status == 200 and doc["openapi"] == "3.1.0"
    assert "/api/v1/tenants/{tenant}/config/effective" in doc["paths"]
