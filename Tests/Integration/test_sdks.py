"""The official Python SDKs against `dcoder serve` and `dcoder mock-providers`.

Starts both servers on ephemeral loopback ports (the gateway with the demo config,
re-pointed at the mock's port), then checks that:
- the `openai` SDK, pointed at the gateway, gets answers from models on all four
  providers, streamed and not, with streamed text equal to the non-streamed text and
  usage reported with `include_usage`; errors raise the SDK's own exception classes;
- the `anthropic`, `google-genai`, `groq` and `openai` SDKs, pointed straight at the
  mocks, accept their answers, streamed and not (so the mocks speak the real formats).

Run by Scripts/test (README's test command):  DCODER_BIN=.build/debug/dcoder pytest Tests/Integration
"""
import base64
import os
import re
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("DCODER_BIN", os.path.join(ROOT, ".build", "debug", "dcoder"))
MODELS = ["gpt-4o-mini", "claude-3-5-haiku", "gemini-2.0-flash", "llama-3.1-8b-instant"]
QUESTION = "Context: [1] The Eiffel Tower is in Paris. [2] It was finished in 1889.\nQuestion: When was the Eiffel Tower finished?"


def start(args, env=None):
    """Starts a dcoder server with --port 0 and returns (process, port)."""
    proc = subprocess.Popen([BIN] + args + ["--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
    proc.kill()
    raise RuntimeError(f"{args[0]} did not start")


@pytest.fixture(scope="module")
def servers():
    mock, mock_port = start(["mock-providers", "--seed", "11"])
    with open(os.path.join(ROOT, "Docs", "examples", "demo-serve.yaml")) as f:
        config = f.read().replace("127.0.0.1:18100", f"127.0.0.1:{mock_port}")
    path = tempfile.mktemp(suffix=".yaml")
    with open(path, "w") as f:
        f.write(config)
    try:
        # The demo file's platform_api seals provider keys with the platform key it reads from
        # the environment (its mock IdP is never called here).
        env = dict(os.environ, DCODER_SECRET_KEY=base64.b64encode(os.urandom(32)).decode())
        gateway, gateway_port = start(["serve", "--config", path, "--data", tempfile.mkdtemp(), "--log-level", "warning"], env)
    except Exception:
        mock.kill()
        os.remove(path)
        raise
    yield {"mock": f"http://127.0.0.1:{mock_port}", "gateway": f"http://127.0.0.1:{gateway_port}"}
    for p in (gateway, mock):
        p.terminate()
        p.wait(timeout=10)
    os.remove(path)


# The openai SDK through the gateway, to models on all four providers.

@pytest.mark.parametrize("model", MODELS)
def test_openai_sdk_through_gateway(servers, model):
    from openai import OpenAI
    client = OpenAI(base_url=servers["gateway"] + "/v1", api_key="dk-demo-acme", max_retries=0)
    messages = [{"role": "user", "content": QUESTION}]
    plain = client.chat.completions.create(model=model, messages=messages)
    text = plain.choices[0].message.content
    assert text and plain.model == model and plain.choices[0].finish_reason == "stop"
    assert plain.usage.prompt_tokens > 0 and plain.usage.completion_tokens > 0

    pieces, usage, finish = [], None, None
    for chunk in client.chat.completions.create(model=model, messages=messages, stream=True, stream_options={"include_usage": True}):
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
            finish = choice.finish_reason or finish
    assert "".join(pieces) == text
    assert finish == "stop"
    assert usage is not None and usage.total_tokens == plain.usage.total_tokens


def test_openai_sdk_models_and_errors(servers):
    import openai
    client = openai.OpenAI(base_url=servers["gateway"] + "/v1", api_key="dk-demo-globex", max_retries=0)
    # With the Platform API (the demo file has it), every tenant also has `doc-chat` (Docs/rag.md).
    assert sorted(m.id for m in client.models.list()) == sorted(MODELS + ["doc-chat"])
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    assert e.value.code == "model_not_found"
    bad = openai.OpenAI(base_url=servers["gateway"] + "/v1", api_key="dk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="gpt-4o-mini", messages=[])


# Each SDK straight at the mocks.

def test_openai_sdk_direct_with_embeddings(servers):
    from openai import OpenAI
    client = OpenAI(base_url=servers["mock"] + "/v1", api_key="sk-test", max_retries=0)
    r = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": QUESTION}])
    assert r.choices[0].message.content
    e = client.embeddings.create(model="text-embedding-3-small", input=["refund policy", "refund policy"])
    assert len(e.data) == 2 and e.data[0].embedding == e.data[1].embedding and len(e.data[0].embedding) == 256
    assert e.usage.prompt_tokens > 0


def test_anthropic_sdk_direct(servers):
    import anthropic
    client = anthropic.Anthropic(base_url=servers["mock"], api_key="sk-ant-test", max_retries=0)
    msg = client.messages.create(model="claude-3-5-haiku-latest", max_tokens=256, messages=[{"role": "user", "content": QUESTION}])
    text = "".join(b.text for b in msg.content if b.type == "text")
    assert text and msg.stop_reason == "end_turn" and msg.usage.input_tokens > 0 and msg.usage.output_tokens > 0
    with client.messages.stream(model="claude-3-5-haiku-latest", max_tokens=256, messages=[{"role": "user", "content": QUESTION}]) as stream:
        streamed = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert streamed == text and final.usage.output_tokens == msg.usage.output_tokens
    # Without a key: 401 in Anthropic's error shape.
    import json, urllib.error, urllib.request
    req = urllib.request.Request(servers["mock"] + "/v1/messages", data=b'{"model":"m","max_tokens":8,"messages":[]}',
                                 headers={"content-type": "application/json", "anthropic-version": "2023-06-01"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 401
    body = json.loads(e.value.read())
    assert body["type"] == "error" and body["error"]["type"] == "authentication_error"


def test_google_genai_sdk_direct(servers):
    from google import genai
    from google.genai import types
    client = genai.Client(api_key="gem-test", http_options=types.HttpOptions(base_url=servers["mock"]))
    r = client.models.generate_content(model="gemini-2.0-flash", contents=QUESTION)
    assert r.text and r.usage_metadata.prompt_token_count > 0 and r.usage_metadata.candidates_token_count > 0
    streamed, usage = "", None
    for chunk in client.models.generate_content_stream(model="gemini-2.0-flash", contents=QUESTION):
        streamed += chunk.text or ""
        usage = chunk.usage_metadata or usage
    assert streamed == r.text and usage.candidates_token_count == r.usage_metadata.candidates_token_count
    beta = genai.Client(api_key="gem-test", http_options=types.HttpOptions(base_url=servers["mock"], api_version="v1beta"))
    assert beta.models.generate_content(model="gemini-2.0-flash", contents=QUESTION).text == r.text


def test_groq_sdk_direct(servers):
    import groq
    client = groq.Groq(base_url=servers["mock"], api_key="gsk_test", max_retries=0)
    r = client.chat.completions.create(model="llama-3.1-8b-instant", messages=[{"role": "user", "content": QUESTION}])
    text = r.choices[0].message.content
    assert text and r.usage.total_tokens > 0
    pieces, usage = [], None
    for chunk in client.chat.completions.create(model="llama-3.1-8b-instant", messages=[{"role": "user", "content": QUESTION}], stream=True):
        for c in chunk.choices:
            if c.delta.content:
                pieces.append(c.delta.content)
        if chunk.x_groq and chunk.x_groq.usage:
            usage = chunk.x_groq.usage
    assert "".join(pieces) == text and usage is not None and usage.total_tokens == r.usage.total_tokens


# The official Flagsmith SDK against the gateway's Flagsmith-compatible read API.

def test_flagsmith_sdk_reads_platform_flags(servers):
    from flagsmith import Flagsmith
    fs = Flagsmith(environment_key="ser.dcoder-demo", api_url=servers["gateway"] + "/api/v1/")
    env = fs.get_environment_flags()
    assert env.is_feature_enabled("rag.retrieval") and env.get_feature_value("rag.retrieval") == "hybrid"
    assert not env.is_feature_enabled("connectors.slack")
    assert fs.get_identity_flags("acme", traits={"plan": "enterprise"}).is_feature_enabled("connectors.slack")
    assert not fs.get_identity_flags("globex", traits={"plan": "free"}).is_feature_enabled("connectors.slack")
    # Multivariate: an identity always lands in the same bucket, and both buckets are used.
    values = {f"tenant-{i}": fs.get_identity_flags(f"tenant-{i}").get_feature_value("new-ui") for i in range(40)}
    assert set(values.values()) == {"control", "treatment"}
    assert all(fs.get_identity_flags(k).get_feature_value("new-ui") == v for k, v in list(values.items())[:10])
    import flagsmith.exceptions
    bad = Flagsmith(environment_key="ser.wrong", api_url=servers["gateway"] + "/api/v1/")
    try:
        bad.get_environment_flags()
        assert False, "a wrong environment key must be refused"
    except flagsmith.exceptions.FlagsmithAPIError:
        pass
