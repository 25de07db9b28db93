#!/usr/bin/env python3
"""Mint JWTs with PyJWT, an implementation independent of the Swift validator.

Used by Tests/IdentityTests/InteropTests.swift (Scripts/test runs it with PyJWT installed); see Docs/identity.md.

    mint.py --key private.pem --alg ES256 --kid KID --cases cases.json

cases.json maps a case name to {"claims": {...}} and optionally "kid" (a header kid to use
instead of --kid). The script prints one JSON object to stdout:

    {"jwks": {"keys": [<public JWK of --key, computed by PyJWT>]},
     "tokens": {"<case name>": "<compact JWS>", ...}}

It never reads the clock: all time claims come from cases.json.
"""

import argparse
import json
import sys

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwt.algorithms import ECAlgorithm, RSAAlgorithm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="PEM file with the private signing key")
    parser.add_argument("--alg", required=True, choices=["RS256", "ES256"])
    parser.add_argument("--kid", required=True, help="kid of the key in the JWKS and token headers")
    parser.add_argument("--cases", required=True, help="JSON file of token cases")
    args = parser.parse_args()

    with open(args.key, "rb") as pem:
        private_key = load_pem_private_key(pem.read(), password=None)
    with open(args.cases, encoding="utf-8") as cases_file:
        cases = json.load(cases_file)

    family = RSAAlgorithm if args.alg.startswith("RS") else ECAlgorithm
    public_jwk = json.loads(family.to_jwk(private_key.public_key()))
    public_jwk.update(kid=args.kid, alg=args.alg, use="sig")

    tokens = {
        name: jwt.encode(
            case["claims"],
            private_key,
            algorithm=args.alg,
            headers={"kid": case.get("kid", args.kid)},
        )
        for name, case in sorted(cases.items())
    }
    json.dump({"jwks": {"keys": [public_jwk]}, "tokens": tokens}, sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
