"""schemathesis against the live management API: every operation of the OpenAPI document the tenant
serves (`{issuer}/api/v2/openapi.json`) is called with generated valid and invalid requests; no
answer may be a 5xx, and every answer must match the document (status code, content type, body
schema).

The run is bounded (examples per operation, a fixed seed) so that it takes the same time and finds
the same cases on every machine; a failure prints schemathesis's report with the reproducing curl
command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from auth0.authentication import GetToken

from oidc_client import example_secret, oidc_server  # noqa: F401  (fixture)

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.mark.timeout(600)
def test_no_server_error_and_every_answer_matches_the_document(oidc_server, tmp_path):
    port = oidc_server.port
    audience = f"http://127.0.0.1:{port}/acme/api/v2/"
    token = GetToken(f"127.0.0.1:{port}/acme", "acme-admin", client_secret=example_secret("acme-admin-client-secret"),
                     protocol="http", telemetry=False).client_credentials(audience)["access_token"]
    schemathesis = Path(sys.executable).with_name("schemathesis")
    # CPython 3.11.7 (this machine's) can raise "SystemError: AST constructor recursion depth
    # mismatch" inside hypothesis while it describes a filter lambda (CPython gh-106905, fixed in
    # 3.11.8): a crash of the tool, not a finding about our API. Only that crash is retried.
    for _attempt in range(3):
        result = subprocess.run(
            [str(schemathesis), "run", f"{audience}openapi.json",
             "--header", f"Authorization: Bearer {token}",
             "--checks", CHECKS, "--max-examples", os.environ.get("SCHEMATHESIS_EXAMPLES", "25"), "--seed", "20261207",
             "--workers", "2", "--request-timeout", "10", "--no-color"],
            capture_output=True, text=True, timeout=900, cwd=tmp_path)
        report = result.stdout[-20000:] + result.stderr[-5000:]
        if result.returncode == 0 or "AST constructor recursion depth mismatch" not in result.stdout + result.stderr:
            break
        print("schemathesis crashed on CPython gh-106905; running it again")
    print(report[-3000:])
    assert result.returncode == 0, report
