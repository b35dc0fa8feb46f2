"""`portcullis serve`: health, readiness, metrics, discovery and JWKS per tenant, routing errors."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import requests

from portcullis_testkit import REPO_ROOT, Server, copy_config, free_port, json_body, set_reload

EXPECTED_KIDS = {
    "acme": {"acme-rs256-2026", "acme-es256-2026"},
    "globex": {"globex-es256-2026"},
}


@pytest.fixture(scope="module")
def server(portcullis_bin, tmp_path_factory):
    """One server shared by the read-only tests of this module."""
    workdir = tmp_path_factory.mktemp("serve")
    port = free_port()
    config = copy_config(workdir / "config", port)
    set_reload(config, watch=False)
    srv = Server(portcullis_bin, workdir, config, port)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


def test_healthz(server):
    response = server.get("/healthz")
    assert response.status_code == 200
    assert json_body(response)["status"] == "ok"


def test_readyz(server):
    assert server.get("/readyz").status_code == 200


def test_metrics_exposes_config_and_http_metrics(server):
    server.discovery("acme")  # makes sure there is at least one counted tenant request
    response = server.get("/metrics")
    assert response.status_code == 200
    assert response.headers.get("Content-Type", "").startswith("text/plain"), response.headers
    generation = server.metric("portcullis_config_generation")
    assert generation == 1, response.text
    assert server.metric("portcullis_config_reloads_total") in (0, None), response.text
    assert server.metric("portcullis_config_reload_failures_total") in (0, None), response.text
    requests_total = [
        labels
        for name, labels, value in server.metrics()
        if name == "portcullis_http_requests_total" and value > 0
    ]
    assert requests_total, response.text
    assert all({"method", "route", "status"} <= set(labels) for labels in requests_total), requests_total
    assert any(l["method"] == "GET" and l["status"] == "200" for l in requests_total), requests_total


def test_http_requests_counter_uses_route_not_raw_path(server):
    # Unbounded label values (one per raw path) would blow up the metrics store.
    for i in range(3):
        server.get(f"/no-such-tenant-{i}/.well-known/jwks.json")
    routes = {
        labels.get("route")
        for name, labels, _ in server.metrics()
        if name == "portcullis_http_requests_total"
    }
    assert not any(r and "no-such-tenant-" in r for r in routes), routes


@pytest.mark.parametrize("tenant", ["acme", "globex"])
def test_discovery(server, tenant):
    response = server.discovery(tenant)
    assert response.status_code == 200, response.text
    doc = json_body(response)
    issuer = f"{server.base_url}/{tenant}"
    assert doc["issuer"] == issuer
    assert doc["jwks_uri"] == f"{issuer}/.well-known/jwks.json"


@pytest.mark.parametrize("tenant", ["acme", "globex"])
def test_jwks(server, tenant):
    response = server.jwks(tenant)
    assert response.status_code == 200, response.text
    keys = json_body(response)["keys"]
    assert {key["kid"] for key in keys} == EXPECTED_KIDS[tenant]
    for key in keys:
        assert key["kty"] in ("RSA", "EC"), key
        # A JWKS must never carry private key material.
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key), key


def test_jwks_uri_from_discovery_is_served(server):
    doc = server.discovery("acme").json()
    response = requests.get(doc["jwks_uri"], timeout=5)
    assert response.status_code == 200
    assert {key["kid"] for key in response.json()["keys"]} == EXPECTED_KIDS["acme"]


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/.well-known/jwks.json"])
@pytest.mark.parametrize("tenant", ["acme", "globex"])
def test_cache_headers(server, tenant, path):
    response = server.get(f"/{tenant}{path}")
    assert response.status_code == 200
    cache_control = response.headers.get("Cache-Control", "")
    assert re.search(r"max-age=\d+", cache_control), response.headers


def test_unknown_tenant_is_404_json(server):
    response = server.get("/no-such-tenant/.well-known/openid-configuration")
    assert response.status_code == 404
    assert json_body(response)["error"] == "not_found"


def test_unknown_host_is_404_json(server):
    # Same port, but a host name no tenant's issuer uses.
    response = server.get(
        "/acme/.well-known/openid-configuration",
        headers={"Host": f"other.example.test:{server.port}"},
    )
    assert response.status_code == 404
    assert json_body(response)["error"] == "not_found"


def test_host_port_must_match_issuer(server):
    # The issuer names host *and* port: the same host on another port is another tenant space.
    response = server.get("/acme/.well-known/jwks.json", headers={"Host": "127.0.0.1:1"})
    assert response.status_code == 404


def test_tenant_prefix_is_not_a_substring_match(server):
    response = server.get("/acmex/.well-known/openid-configuration")
    assert response.status_code == 404


def test_logs_go_to_stderr_not_stdout(portcullis_bin, tmp_path):
    # The shared server merges both streams; this one keeps them apart.
    port = free_port()
    config = copy_config(tmp_path / "config", port)
    set_reload(config, watch=False)
    stdout_path, stderr_path = tmp_path / "stdout", tmp_path / "stderr"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        srv = Server(portcullis_bin, tmp_path, config, port)
        (tmp_path / "Templates").symlink_to(REPO_ROOT / "Templates", target_is_directory=True)
        proc = subprocess.Popen(
            srv.command(), cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            start_new_session=True,
        )
        srv.proc = proc
        try:
            srv.wait_healthy()
            srv.get("/healthz")
        finally:
            srv.stop()
    assert stderr_path.read_text().strip(), "expected log lines on stderr"
    assert stdout_path.read_text().strip() == "", stdout_path.read_text()


def test_database_flag_overrides_configured_path(server):
    # The configured storage.sqlite.path (data/portcullis.sqlite, relative to the working
    # directory) must not be created when --database points elsewhere.
    assert server.database.is_file(), f"no database at {server.database}"
    assert not (server.workdir / "data" / "portcullis.sqlite").exists()


def test_database_is_a_migrated_sqlite_file(server):
    sqlite3 = shutil.which("sqlite3")
    assert sqlite3, "the sqlite3 command is required (scripts/test.sh installs it)"
    check = subprocess.run(
        [
            sqlite3, "-readonly", str(server.database),
            "PRAGMA integrity_check;",
            "SELECT count(*) FROM sqlite_master WHERE type = 'table';",
        ],
        capture_output=True, text=True, timeout=30,
    )
    assert check.returncode == 0, check.stderr
    lines = check.stdout.split()
    assert lines[0] == "ok", check.stdout
    assert int(lines[1]) > 0, "no tables: migrations did not run"
