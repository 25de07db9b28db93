"""The usage ledger survives `kill -9`: every call a client saw answered is in the ledger.

Starts `dcoder mock-providers`, `dcoder mock-idp` and `dcoder serve` (Platform API on
SQLite, so each tenant has a ledger), runs 64 concurrent clients (streamed and not)
against one tenant, kills the server with SIGKILL in the middle, restarts it on the same
data folder, and checks that the tenant's `usage_events` table holds the request id
(`x-request-id`) of every call that was answered before the kill; then that the Platform
API's usage route counts them.

Run by Scripts/test (README's test command):  DCODER_BIN=.build/debug/dcoder pytest Tests/Integration
"""
import base64
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

from test_platform_api import AUDIENCE, BIN, call, free_port, wait_for

CLIENTS = 64


def start_serve(config, data, env):
    log = []
    proc = subprocess.Popen([BIN, "serve", "--config", config, "--data", data, "--port", "0", "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    wait_for(proc, "listening on", log)
    port = int(log[-1].split("127.0.0.1:")[1].split()[0].rstrip(")"))
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, port


def test_kill_dash_nine_loses_no_answered_call():
    mock = subprocess.Popen([BIN, "mock-providers", "--port", "0", "--seed", "5"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    mlog = []
    wait_for(mock, "listening on", mlog)
    mock_port = int(mlog[-1].split("127.0.0.1:")[1].split()[0])
    idp_port = free_port()
    idp = subprocess.Popen([BIN, "mock-idp", "--port", str(idp_port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for(idp, "listening", [])
    data = tempfile.mkdtemp()
    config = os.path.join(data, "serve.yaml")
    with open(config, "w") as f:
        f.write(f"""
platform: {{egress_allowlist: ["http://127.0.0.1:{mock_port}"]}}
platform_api:
  oidc_issuer: http://127.0.0.1:{idp_port}/oidc
  oidc_audience: {AUDIENCE}
  secret_key: "${{DCODER_SECRET_KEY}}"
tenants:
  acme:
    keys: [dk-acme]
    providers: {{openai: {{key: sk-acme, endpoint: "http://127.0.0.1:{mock_port}/v1"}}}}
    models: {{chat: openai/gpt-4o-mini}}
""")
    env = dict(os.environ, DCODER_SECRET_KEY=base64.b64encode(os.urandom(32)).decode())
    gateway, port = start_serve(config, data, env)
    answered, lock, stop = [], threading.Lock(), threading.Event()

    def client(n):
        i = 0
        while not stop.is_set() and i < 2000:
            i += 1
            body = {"model": "chat", "messages": [{"role": "user", "content": f"client {n} call {i}"}]}
            if i % 2:
                body["stream"] = True
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": "Bearer dk-acme", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    text = r.read().decode()
                    if r.status == 200 and (not body.get("stream") or "data: [DONE]" in text):
                        with lock:
                            answered.append(r.headers["x-request-id"])
            except Exception:
                return  # the server is gone

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    try:
        for t in threads:
            t.start()
        time.sleep(2.0)
        with lock:
            before_kill = len(answered)
        gateway.send_signal(signal.SIGKILL)
        gateway.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=15)
        assert before_kill > 50, f"only {before_kill} calls answered before the kill"

        # Restart on the same data: the journal is replayed into the ledger at start-up.
        gateway, port = start_serve(config, data, env)
        ids = set()
        for _ in range(50):
            db = sqlite3.connect(os.path.join(data, "tenants", "acme.sqlite"))
            ids = {row[0] for row in db.execute("SELECT request_id FROM usage_events")}
            db.close()
            if ids >= set(answered):
                break
            time.sleep(0.2)
        missing = set(answered) - ids
        print(f"answered before the kill: {len(answered)}; in the ledger after the restart: {len(ids)}")
        assert not missing, f"{len(missing)} of {len(answered)} answered calls are not in the ledger, e.g. {sorted(missing)[:3]}"

        # The Platform API's mirror counts them too.
        status, _, token = call("POST", f"http://127.0.0.1:{idp_port}/oidc/token", body={"sub": "olga", "aud": AUDIENCE,
                                "organization_id": "acme", "organization_roles": ["acme:owner"]})
        status, _, usage = call("GET", f"http://127.0.0.1:{port}/api/v1/tenants/acme/usage?window=24h", token["access_token"])
        assert status == 200 and usage["totals"]["calls"] == len(ids) >= len(answered), usage["totals"]
    finally:
        for p in (gateway, idp, mock):
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=10)
