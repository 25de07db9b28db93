"""One live platform: what the Platform API changes, the gateway serves at once, with the
official `openai` SDK as the tenant's app, on the real binaries (`dcoder serve`,
`dcoder mock-providers`, `dcoder mock-idp`).

- One replica on SQLite: a platform admin onboards a tenant through the API (tenant,
  OpenAI key, alias, virtual key); the SDK's call succeeds at once; the alias is switched
  to Anthropic and the next call reaches the Anthropic mock (checked on the mock's side,
  with the tenant's key); a key limited to one alias gets 403 on another; the revoked key
  gets 401.
- Two replicas on one PostgreSQL (when DCODER_TEST_POSTGRES_URL is set, as Scripts/test
  does): a change made through one replica is served by the other within 2 s.

Run by Scripts/test:  DCODER_BIN=.build/debug/dcoder pytest Tests/Integration
"""
import base64
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

import openai
import pytest

from test_platform_api import BIN, call, free_port, wait_for

AUDIENCE = "https://api.dcoder.test"
SECRET = base64.b64encode(os.urandom(32)).decode()


def start(args, needle, env=None):
    """Starts a binary, waits for `needle` on its output, keeps draining it; (process, log)."""
    log = []
    proc = subprocess.Popen([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    wait_for(proc, needle, log)
    threading.Thread(target=lambda: [log.append(line) for line in proc.stdout], daemon=True).start()
    return proc, log


def port_of(log):
    return int([l for l in log if "listening on" in l][-1].split("127.0.0.1:")[1].split()[0].rstrip(")"))


@pytest.fixture(scope="module")
def mocks():
    providers_port, idp_port = free_port(), free_port()
    providers, _ = start(["mock-providers", "--port", str(providers_port)], "listening")
    idp, _ = start(["mock-idp", "--port", str(idp_port)], "listening")
    issuer = f"http://127.0.0.1:{idp_port}/oidc"

    def token(claims):
        status, _, body = call("POST", issuer + "/token", body=dict({"aud": AUDIENCE}, **claims))
        assert status == 200, body
        return body["access_token"]

    yield {"providers": f"http://127.0.0.1:{providers_port}", "issuer": issuer, "token": token}
    for p in (providers, idp):
        p.terminate()
        p.wait(timeout=10)


def serve(mocks, data, replica, database_url=None):
    """A `dcoder serve` replica with the Platform API and no tenants in its file."""
    config = os.path.join(data, f"serve-{replica}.yaml")
    with open(config, "w") as f:
        f.write(f"""
server: {{replica: {replica}}}
platform: {{egress_allowlist: ["{mocks['providers']}"]}}
platform_api:
  oidc_issuer: {mocks['issuer']}
  oidc_audience: {AUDIENCE}
  secret_key: "${{DCODER_SECRET_KEY}}"
""" + (f"  database_url: {database_url}\n" if database_url else ""))
    env = dict(os.environ, DCODER_SECRET_KEY=SECRET)
    proc, log = start(["serve", "--config", config, "--data", os.path.join(data, replica), "--port", "0"], "listening on", env)
    return proc, f"http://127.0.0.1:{port_of(log)}"


def fingerprint(key):
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def last_provider_call(mocks):
    status, _, calls = call("GET", mocks["providers"] + "/_mock/calls")
    assert status == 200 and calls
    return calls[-1]["provider"], calls[-1]["key_fingerprint"]


def onboard(base, root, tenant, mocks):
    """Tenant, OpenAI key, alias `chat`, a virtual key: the key's text and id."""
    api = base + "/api/v1"
    assert call("POST", api + "/tenants", root, {"id": tenant})[0] == 201
    status, _, body = call("PUT", f"{api}/tenants/{tenant}/providers/openai", root,
                           {"endpoint": mocks["providers"] + "/v1", "api_key": f"sk-{tenant}-openai"})
    assert status == 200 and f"sk-{tenant}-openai" not in str(body), body
    status, _, body = call("PUT", f"{api}/tenants/{tenant}/aliases/chat", root, {"provider": "openai", "model": "gpt-4o-mini"})
    assert status == 200 and body["provider"] == "openai", body
    status, _, body = call("POST", f"{api}/tenants/{tenant}/virtual-keys", root, {"name": "app"})
    assert status == 201 and body["key"].startswith("dk-"), body
    return body["key"], body["id"]


def sdk(base, key):
    return openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0, timeout=20)


def ask(client, model="chat"):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello"}])


def switch_to_anthropic(base, root, tenant, mocks):
    api = f"{base}/api/v1/tenants/{tenant}"
    assert call("PUT", api + "/providers/anthropic", root, {"endpoint": mocks["providers"], "api_key": f"sk-ant-{tenant}"})[0] == 200
    status, _, body = call("PUT", api + "/aliases/chat", root, {"provider": "anthropic", "model": "claude-3-5-haiku-latest"})
    assert status == 200 and body["provider"] == "anthropic", body


def test_the_api_onboards_switches_and_revokes_without_a_restart(mocks):
    data = tempfile.mkdtemp()
    proc, base = serve(mocks, data, "r1")
    try:
        root = mocks["token"]({"sub": "root", "roles": ["platform-admin"]})
        key, key_id = onboard(base, root, "initech", mocks)
        client = sdk(base, key)

        answer = ask(client)
        assert answer.choices[0].message.content
        assert last_provider_call(mocks) == ("openai", fingerprint("sk-initech-openai"))

        switch_to_anthropic(base, root, "initech", mocks)
        for _ in range(2):  # and it stays there
            assert ask(client).choices[0].message.content
            assert last_provider_call(mocks) == ("anthropic", fingerprint("sk-ant-initech"))
        status, _, audit = call("GET", base + "/api/v1/platform/audit?target=tenant:initech/alias:chat", root)
        assert any(e["action"] == "alias.switch_provider" and e["actor"] == "user:root" for e in audit), audit

        status, _, body = call("POST", base + "/api/v1/tenants/initech/virtual-keys", root, {"models": ["chat"]})
        limited = sdk(base, body["key"])
        call("PUT", base + "/api/v1/tenants/initech/aliases/big", root, {"provider": "openai", "model": "gpt-4o"})
        assert ask(limited).choices
        with pytest.raises(openai.PermissionDeniedError):
            ask(limited, "big")

        # Listed without its text; its last use comes from the usage ledger, which the
        # journal fills within its flush interval.
        deadline = time.monotonic() + 10
        while True:
            status, _, keys = call("GET", base + "/api/v1/tenants/initech/virtual-keys", root)
            assert status == 200 and key not in str(keys)
            if [k for k in keys if k["id"] == key_id][0]["last_used_at"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert [k for k in keys if k["id"] == key_id][0]["last_used_at"], keys

        assert call("DELETE", f"{base}/api/v1/tenants/initech/virtual-keys/{key_id}", root)[0] == 204
        with pytest.raises(openai.AuthenticationError):
            ask(client)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(data, ignore_errors=True)


def psql():
    """The embedded PostgreSQL's psql (../shared/recipes), to make a fresh control-plane database."""
    path = os.environ.get("DCODER_TEST_PSQL") or shutil.which("psql")
    return path


@pytest.mark.skipif(not os.environ.get("DCODER_TEST_POSTGRES_URL"), reason="no PostgreSQL (DCODER_TEST_POSTGRES_URL)")
def test_two_replicas_on_postgres_serve_each_others_changes_within_2_seconds(mocks):
    admin_url = os.environ["DCODER_TEST_POSTGRES_URL"]
    assert psql(), "psql is needed to create the test's control-plane database (DCODER_TEST_PSQL)"
    name = "dcoder_cp_" + uuid.uuid4().hex[:10]
    subprocess.run([psql(), admin_url, "-q", "-c", f'CREATE DATABASE "{name}"'], check=True)
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    data = tempfile.mkdtemp()
    a, base_a = serve(mocks, data, "ra", url)
    b, base_b = serve(mocks, data, "rb", url)
    try:
        root = mocks["token"]({"sub": "root", "roles": ["platform-admin"]})
        tenant = "t" + uuid.uuid4().hex[:8]

        def served_by_b_within(check):
            started = time.monotonic()
            while time.monotonic() - started < 2.0:
                try:
                    if check():
                        return time.monotonic() - started
                except openai.APIStatusError:
                    pass
                time.sleep(0.05)
            raise AssertionError("replica b did not serve the change within 2 s")

        key, key_id = onboard(base_a, root, tenant, mocks)
        on_b = sdk(base_b, key)
        took = [served_by_b_within(lambda: ask(on_b).choices[0].message.content)]

        switch_to_anthropic(base_a, root, tenant, mocks)
        took.append(served_by_b_within(
            lambda: bool(ask(on_b).choices) and last_provider_call(mocks) == ("anthropic", fingerprint(f"sk-ant-{tenant}"))))

        assert call("DELETE", f"{base_a}/api/v1/tenants/{tenant}/virtual-keys/{key_id}", root)[0] == 204

        def refused():
            try:
                ask(on_b)
                return False
            except openai.AuthenticationError:
                return True
        took.append(served_by_b_within(refused))
        print(f"replica b served: the new tenant and key after {took[0]:.2f} s, the switch after {took[1]:.2f} s, "
              f"the revocation after {took[2]:.2f} s")
    finally:
        for p in (a, b):
            p.terminate()
            p.wait(timeout=15)
        shutil.rmtree(data, ignore_errors=True)
