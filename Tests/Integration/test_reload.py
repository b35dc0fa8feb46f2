"""Configuration reload on SIGHUP: valid changes go live, invalid ones change nothing.

These servers run with `reload.watch: false`, so each SIGHUP is the only reload trigger and the
counters move exactly as the test expects.
"""

from __future__ import annotations

import time

from portcullis_testkit import edit_yaml, write_atomically

ACME_KIDS = {"acme-rs256-2026", "acme-es256-2026"}


def drop_es256_key(tenant: dict) -> None:
    tenant["signing_keys"] = [k for k in tenant["signing_keys"] if k["kid"] != "acme-es256-2026"]


def assert_serving_original(server) -> None:
    assert server.get("/healthz").status_code == 200
    assert server.jwks_kids("acme") == ACME_KIDS
    assert server.jwks_kids("globex") == {"globex-es256-2026"}
    discovery = server.discovery("acme")
    assert discovery.status_code == 200
    assert discovery.json()["issuer"] == f"{server.base_url}/acme"


def test_valid_edit_then_hup_goes_live(server_factory):
    server = server_factory()
    before = server.reload_counters()
    assert before == (1, 0, 0)

    edit_yaml(server.config_dir / "tenants/acme.yaml", drop_es256_key)
    server.hup()

    assert server.wait_for_reload(before) == "ok", server.log_tail()
    assert server.reload_counters() == (2, 1, 0)
    assert server.jwks_kids("acme") == {"acme-rs256-2026"}
    assert server.jwks_kids("globex") == {"globex-es256-2026"}


def test_added_tenant_is_routed_after_hup(server_factory):
    server = server_factory()
    tenants = server.config_dir / "tenants"
    text = (tenants / "globex.yaml").read_text()
    text = text.replace("id: globex", "id: initech").replace("/globex", "/initech")
    (tenants / "initech.yaml").write_text(text)
    assert server.discovery("initech").status_code == 404

    before = server.reload_counters()
    server.hup()

    assert server.wait_for_reload(before) == "ok", server.log_tail()
    response = server.discovery("initech")
    assert response.status_code == 200, response.text
    assert response.json()["issuer"] == f"{server.base_url}/initech"


def test_unchanged_config_hup_still_counts(server_factory):
    server = server_factory()
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "ok"
    assert server.reload_counters() == (2, 1, 0)
    assert_serving_original(server)


def test_invalid_edit_then_hup_changes_nothing(server_factory):
    server = server_factory()
    tenant = server.config_dir / "tenants/acme.yaml"
    # A valid-looking change (drop a key) together with an invalid one: neither may go live.
    edit_yaml(tenant, drop_es256_key)
    with open(tenant, "a") as f:
        f.write("typo_key: 1\n")
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "failed"
    assert server.reload_counters() == (1, 0, 1)
    assert_serving_original(server)
    log = server.log_text()
    assert "acme.yaml" in log and "typo_key" in log, server.log_tail()


def test_invalid_reload_logs_every_issue(server_factory):
    server = server_factory()
    with open(server.config_dir / "tenants/acme.yaml", "a") as f:
        f.write("typo_key: 1\n")
    with open(server.config_dir / "tenants/globex.yaml", "a") as f:
        f.write("other_typo: 2\n")
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "failed"
    log = server.log_text()
    assert "acme.yaml" in log and "typo_key" in log, server.log_tail()
    assert "globex.yaml" in log and "other_typo" in log, server.log_tail()


def test_recovers_after_fixing_an_invalid_edit(server_factory):
    server = server_factory()
    tenant = server.config_dir / "tenants/acme.yaml"
    original = tenant.read_text()

    tenant.write_text(original + "typo_key: 1\n")
    before = server.reload_counters()
    server.hup()
    assert server.wait_for_reload(before) == "failed"

    write_atomically(tenant, original)
    edit_yaml(tenant, drop_es256_key)
    before = server.reload_counters()
    server.hup()

    assert server.wait_for_reload(before) == "ok", server.log_tail()
    assert server.reload_counters() == (2, 1, 1)
    assert server.jwks_kids("acme") == {"acme-rs256-2026"}


def test_deleted_server_file_keeps_old_config(server_factory):
    server = server_factory()
    (server.config_dir / "portcullis.yaml").unlink()
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "failed"
    assert server.reload_counters() == (1, 0, 1)
    assert_serving_original(server)
    assert server.get("/readyz").status_code == 200


def test_garbage_yaml_keeps_old_config(server_factory):
    server = server_factory()
    (server.config_dir / "tenants/acme.yaml").write_bytes(b"id: acme\n\x00\xff\xfe: [ {{{ :\n\t- - -\n")
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "failed"
    assert_serving_original(server)


def test_empty_tenant_file_keeps_old_config(server_factory):
    # What a reader sees between an editor's truncate and its write.
    server = server_factory()
    (server.config_dir / "tenants/acme.yaml").write_text("")
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "failed"
    assert_serving_original(server)


def test_unreadable_tenant_file_keeps_old_config(server_factory):
    # A directory named like a tenant file cannot be read as one, even by root.
    server = server_factory()
    (server.config_dir / "tenants/broken.yaml").mkdir()
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "failed"
    assert_serving_original(server)


def test_second_hup_during_reload(server_factory):
    server = server_factory()
    edit_yaml(server.config_dir / "tenants/acme.yaml", drop_es256_key)
    before = server.reload_counters()

    # Back to back: the second arrives while the first reload is running (or just queued).
    server.hup()
    server.hup()
    assert server.wait_for_reload(before) == "ok"
    # Let a possibly queued second reload finish, then check nothing failed and nothing crashed.
    time.sleep(0.5)
    generation, reloads, failures = server.reload_counters()

    assert failures == 0, server.log_tail()
    assert 1 <= reloads <= 2 and generation == 1 + reloads
    assert server.is_running()
    assert server.jwks_kids("acme") == {"acme-rs256-2026"}


def test_deleted_tenant_file_disappears_after_hup(server_factory):
    # Removing a tenant's file is a valid change: that tenant is gone, the others stay.
    server = server_factory()
    (server.config_dir / "tenants/globex.yaml").unlink()
    before = server.reload_counters()

    server.hup()

    assert server.wait_for_reload(before) == "ok", server.log_tail()
    assert server.discovery("globex").status_code == 404
    assert server.jwks_kids("acme") == ACME_KIDS
