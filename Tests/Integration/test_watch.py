"""Reload by file watch (no SIGHUP): in-place edits, editors' rename-on-save, new and removed
tenant files, and the Kubernetes ConfigMap layout with its `..data` symlink swap.

The servers poll every 200ms (`reload.poll_interval`), so a change shows within a second; the
tests allow a few seconds for a loaded machine.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from portcullis_testkit import copy_config, edit_yaml, free_port, set_reload, wait_until, write_atomically

POLL = "200ms"
PICKUP_TIMEOUT = 5.0


def drop_es256_key(tenant: dict) -> None:
    tenant["signing_keys"] = [k for k in tenant["signing_keys"] if k["kid"] != "acme-es256-2026"]


def wait_for_kids(server, tenant: str, kids: set[str]) -> None:
    wait_until(
        lambda: server.jwks_kids(tenant) == kids,
        PICKUP_TIMEOUT,
        f"JWKS of {tenant} to become {sorted(kids)}; log:\n{server.log_tail()}",
    )


def test_no_change_no_reload(server_factory):
    server = server_factory(watch=True, poll_interval=POLL)
    # Five poll intervals without a change must not trigger a reload.
    time.sleep(1.0)
    assert server.reload_counters() == (1, 0, 0)


def test_in_place_edit_is_picked_up(server_factory):
    server = server_factory(watch=True, poll_interval=POLL)
    tenant = server.config_dir / "tenants/acme.yaml"
    text = tenant.read_text()
    start = text.index("  - kid: acme-es256-2026")
    end = text.index("connections:")
    # Truncate-and-write in place, as `>` in a shell or many simple tools do.
    tenant.write_text(text[:start] + "\n" + text[end:])

    wait_for_kids(server, "acme", {"acme-rs256-2026"})
    generation, reloads, _ = server.reload_counters()
    assert generation == 1 + reloads and reloads >= 1


def test_rename_on_save_is_picked_up(server_factory):
    server = server_factory(watch=True, poll_interval=POLL)

    # edit_yaml writes a hidden temporary file next to the target and renames it over it.
    edit_yaml(server.config_dir / "tenants/acme.yaml", drop_es256_key)

    wait_for_kids(server, "acme", {"acme-rs256-2026"})
    assert server.reload_counters() == (2, 1, 0), server.log_tail()


def test_new_tenant_file_is_picked_up(server_factory):
    server = server_factory(watch=True, poll_interval=POLL)
    tenants = server.config_dir / "tenants"
    text = (tenants / "globex.yaml").read_text().replace("id: globex", "id: initech").replace("/globex", "/initech")
    write_atomically(tenants / "initech.yaml", text)

    wait_until(
        lambda: server.discovery("initech").status_code == 200,
        PICKUP_TIMEOUT,
        f"new tenant initech to be served; log:\n{server.log_tail()}",
    )


def test_removed_tenant_file_is_picked_up(server_factory):
    server = server_factory(watch=True, poll_interval=POLL)
    (server.config_dir / "tenants/globex.yaml").unlink()

    wait_until(
        lambda: server.discovery("globex").status_code == 404,
        PICKUP_TIMEOUT,
        f"removed tenant globex to disappear; log:\n{server.log_tail()}",
    )
    assert server.jwks_kids("acme") == {"acme-rs256-2026", "acme-es256-2026"}


def test_invalid_edit_is_rejected_then_fixed(server_factory):
    server = server_factory(watch=True, poll_interval=POLL)
    tenant = server.config_dir / "tenants/acme.yaml"
    original = tenant.read_text()

    write_atomically(tenant, original + "typo_key: 1\n")
    wait_until(
        lambda: server.reload_counters()[2] >= 1,
        PICKUP_TIMEOUT,
        f"the invalid edit to be counted as a failed reload; log:\n{server.log_tail()}",
    )
    # A failed file state is not retried on every poll: the count stays put until the next change.
    time.sleep(1.0)
    assert server.reload_counters() == (1, 0, 1), server.log_tail()
    assert server.jwks_kids("acme") == {"acme-rs256-2026", "acme-es256-2026"}

    write_atomically(tenant, original)
    edit_yaml(tenant, drop_es256_key)
    wait_for_kids(server, "acme", {"acme-rs256-2026"})


def test_partial_write_settles_on_final_content(server_factory):
    server = server_factory(watch=True, poll_interval=POLL)
    tenant = server.config_dir / "tenants/acme.yaml"
    text = tenant.read_text()
    cut = text.index("  - kid: acme-es256-2026")
    rest = text[text.index("connections:"):]

    # Half a file sits on disk for two poll intervals before the rest arrives.
    with open(tenant, "w") as f:
        f.write(text[:cut])
        f.flush()
        time.sleep(0.45)
        f.write("\n" + rest)

    wait_for_kids(server, "acme", {"acme-rs256-2026"})
    assert server.is_running()


# -- Kubernetes ConfigMap layout --------------------------------------------------------------


def make_configmap_dir(root: Path, revision: str, source: Path) -> None:
    """Builds one revision of a ConfigMap volume as the kubelet writes it: fresh files (new
    mtimes) in a timestamped directory that `..data` will point at."""
    shutil.copytree(source, root / revision, copy_function=shutil.copy)


def swap_data_link(root: Path, revision: str) -> None:
    """Points `..data` at `revision` atomically, the way the kubelet does (symlink + rename)."""
    tmp_link = root / "..data_tmp"
    os.symlink(revision, tmp_link)
    os.replace(tmp_link, root / "..data")


def test_kubernetes_configmap_symlink_swap(server_factory, tmp_path):
    port = free_port()
    source = copy_config(tmp_path / "source", port)
    set_reload(source, watch=True, poll_interval=POLL)

    mount = tmp_path / "configmap"
    mount.mkdir()
    first, second = "..2026_11_23_10_00_00.000000001", "..2026_11_23_10_05_00.000000002"
    make_configmap_dir(mount, first, source)
    swap_data_link(mount, first)
    os.symlink("..data/portcullis.yaml", mount / "portcullis.yaml")
    os.symlink("..data/tenants", mount / "tenants")

    server = server_factory(config_dir=mount, port=port)
    assert server.jwks_kids("acme") == {"acme-rs256-2026", "acme-es256-2026"}

    edit_yaml(source / "tenants/acme.yaml", drop_es256_key)
    make_configmap_dir(mount, second, source)
    swap_data_link(mount, second)
    # The kubelet removes the old revision right after the swap.
    shutil.rmtree(mount / first)

    wait_for_kids(server, "acme", {"acme-rs256-2026"})
    generation, reloads, failures = server.reload_counters()
    assert (generation, reloads, failures) == (2, 1, 0), server.log_tail()
