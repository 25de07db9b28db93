/// `Docs/examples/demo-serve.yaml`, built in, for `dcoder serve --demo`.
///
/// A copy of that file, byte for byte, so that the binary runs the demo from any folder
/// with no resource bundle beside it; the file stays the one documented and the one the
/// two-process demo reads. `DemoCLITests` fails when they differ: edit the file, then
/// paste it between the delimiters below.
enum DemoServeFile {
    /// Where the original lives, relative to the repository's root.
    static let path = "Docs/examples/demo-serve.yaml"
    /// The mock providers' and the mock IdP's addresses in the file, which the demo
    /// replaces with the ports its in-process mocks got.
    static let mockProvidersAddress = "127.0.0.1:18100"
    static let mockIdentityProviderAddress = "127.0.0.1:18200"

    /// (The blank line before the closing delimiter is the file's last line break.)
    static let text = #"""
# A ready demo for `dcoder serve`: two tenants, acme and globex (virtual keys
# dk-demo-acme and dk-demo-globex), whose four providers all point at
# `dcoder mock-providers` on http://127.0.0.1:18100, and the Platform API, signed in to
# through `dcoder mock-idp` on http://127.0.0.1:18200.
#
# All in one process (this file is built into dcoder; the mocks run in process on free
# ports, the data goes to a fresh temporary folder, the platform key is random):
#
#   dcoder serve --demo
#
# Or as three processes, from the repository's root:
#
#   export DCODER_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
#   dcoder mock-providers --port 18100 &
#   dcoder mock-idp --port 18200 &
#   dcoder serve --config Docs/examples/demo-serve.yaml --port 18000 --data "$(mktemp -d)"
#
# A platform administrator's token for the Platform API (valid for an hour), then a call:
#
#   TOKEN=$(curl -s -X POST http://127.0.0.1:18200/oidc/token -d '{"sub":"demo-admin","aud":"dcoder-demo","roles":["platform-admin"]}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
#   curl -s http://127.0.0.1:18000/api/v1/tenants -H "Authorization: Bearer $TOKEN"
#
# The provider keys below are placeholders that the mocks accept; against the real
# providers you would write `key: ${ACME_OPENAI_KEY}` and set that variable.
server:
  host: 127.0.0.1
  port: 18000

platform:
  # Loopback is an IP literal: it is refused unless an entry names it exactly, with
  # its scheme and port. The real providers' hosts stay allowed.
  egress_allowlist:
    - http://127.0.0.1:18100
    - api.openai.com
    - api.anthropic.com
    - generativelanguage.googleapis.com
    - api.groq.com
  upstream_timeout: 60s

tenants:
  acme:
    keys: [dk-demo-acme]
    providers:
      openai:    {key: sk-acme-openai-demo,  endpoint: "http://127.0.0.1:18100/v1"}
      anthropic: {key: sk-ant-acme-demo,     endpoint: "http://127.0.0.1:18100"}
      gemini:    {key: acme-gemini-demo,     endpoint: "http://127.0.0.1:18100"}
      groq:      {key: gsk_acme_demo,        endpoint: "http://127.0.0.1:18100/openai/v1"}
    models:
      gpt-4o-mini: openai/gpt-4o-mini
      claude-3-5-haiku: anthropic/claude-3-5-haiku-latest
      gemini-2.0-flash: gemini/gemini-2.0-flash
      llama-3.1-8b-instant: groq/llama-3.1-8b-instant

  globex:
    keys: [dk-demo-globex]
    providers:
      openai:    {key: sk-globex-openai-demo, endpoint: "http://127.0.0.1:18100/v1"}
      anthropic: {key: sk-ant-globex-demo,    endpoint: "http://127.0.0.1:18100"}
      gemini:    {key: globex-gemini-demo,    endpoint: "http://127.0.0.1:18100"}
      groq:      {key: gsk_globex_demo,       endpoint: "http://127.0.0.1:18100/openai/v1"}
    models:
      gpt-4o-mini: openai/gpt-4o-mini
      claude-3-5-haiku: anthropic/claude-3-5-haiku-latest
      gemini-2.0-flash: gemini/gemini-2.0-flash
      llama-3.1-8b-instant: groq/llama-3.1-8b-instant

# The Platform API (/api/v1): bearer tokens from the mock IdP, the tenants' databases
# (SQLite) under the data folder, provider keys sealed with the platform key (32 random
# bytes in base64, from the environment).
platform_api:
  oidc_issuer: http://127.0.0.1:18200/oidc
  oidc_audience: dcoder-demo
  secret_key: "${DCODER_SECRET_KEY}"

# Platform feature flags (Flagsmith model), readable with the official Flagsmith SDKs:
#   Flagsmith(environment_key="ser.dcoder-demo", api_url="http://127.0.0.1:18000/api/v1/")
flags:
  environment_key: ser.dcoder-demo
  features:
    connectors.slack: false                  # connectors ship disabled
    rag.retrieval: {enabled: true, value: hybrid}
    new-ui: {enabled: true, value: control, variants: [{value: treatment, weight: 50}]}
  segments:
    enterprise:
      rules: [{type: ALL, conditions: [{property: plan, operator: EQUAL, value: enterprise}]}]
      overrides: {connectors.slack: true}

"""#
}
