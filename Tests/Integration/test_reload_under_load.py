"""Reloads while requests are in flight: every response is a 200 from one complete snapshot.

Worker threads keep requesting discovery and JWKS while the test rewrites acme.yaml between two
valid variants (with and without the published ES256 key) and sends 100 SIGHUPs. Each JWKS and
discovery body must equal one of the two variants' bodies exactly, never a mix or a half-built key
set; globex, which does not change, must answer the same all along.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests

from portcullis_testkit import dump_yaml, load_yaml, wait_until, write_atomically

HUPS = 100
WORKERS = 4
HUP_SPACING = 0.02  # seconds; fast enough that signals overlap running reloads
MAX_REQUESTS_PER_WORKER = 20_000  # a bound, never reached in practice


@pytest.mark.slow
def test_hup_storm_under_load(server_factory):
    server = server_factory()
    tenant = server.config_dir / "tenants/acme.yaml"
    data = load_yaml(tenant)
    variant_a = dump_yaml(data)
    data["signing_keys"] = [k for k in data["signing_keys"] if k["kid"] != "acme-es256-2026"]
    variant_b = dump_yaml(data)

    # Learn the exact JWKS body of each variant first.
    write_atomically(tenant, variant_a)
    before = server.reload_counters()
    server.hup()
    assert server.wait_for_reload(before) == "ok", server.log_tail()
    jwks_a = server.jwks("acme").json()
    discovery_a = server.discovery("acme").json()
    write_atomically(tenant, variant_b)
    before = server.reload_counters()
    server.hup()
    assert server.wait_for_reload(before) == "ok", server.log_tail()
    jwks_b = server.jwks("acme").json()
    discovery_b = server.discovery("acme").json()
    assert jwks_a != jwks_b
    globex_jwks = server.jwks("globex").json()
    start_counters = server.reload_counters()

    stop = threading.Event()
    problems: list[str] = []
    counts = {"requests": 0, "a": 0, "b": 0}
    lock = threading.Lock()

    def worker() -> None:
        session = requests.Session()
        checks = [
            (server.url("/acme/.well-known/jwks.json"), "acme-jwks"),
            (server.url("/acme/.well-known/openid-configuration"), "acme-discovery"),
            (server.url("/globex/.well-known/jwks.json"), "globex-jwks"),
        ]
        done = 0
        while not stop.is_set() and done < MAX_REQUESTS_PER_WORKER:
            url, kind = checks[done % len(checks)]
            done += 1
            try:
                response = session.get(url, timeout=5)
            except requests.RequestException as error:
                with lock:
                    problems.append(f"{kind}: {error!r}")
                continue
            seen = None
            if response.status_code != 200:
                problem = f"{kind}: HTTP {response.status_code} {response.text[:200]}"
            else:
                body = response.json()
                problem = None
                if kind == "acme-jwks":
                    seen = "a" if body == jwks_a else "b" if body == jwks_b else None
                    if seen is None:
                        problem = f"acme JWKS matches neither variant: {response.text[:300]}"
                elif kind == "acme-discovery" and body not in (discovery_a, discovery_b):
                    # Discovery lists the signing algorithms, so it differs between the variants too.
                    problem = f"discovery matches neither variant: {response.text[:300]}"
                elif kind == "globex-jwks" and body != globex_jwks:
                    problem = f"globex JWKS changed: {response.text[:300]}"
            with lock:
                counts["requests"] += 1
                if seen:
                    counts[seen] += 1
                if problem:
                    problems.append(problem)
        session.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    try:
        for i in range(HUPS):
            write_atomically(tenant, variant_a if i % 2 == 0 else variant_b)
            os.kill(server.proc.pid, signal.SIGHUP)
            time.sleep(HUP_SPACING)
        # End on a known variant and wait until it is live.
        write_atomically(tenant, variant_a)
        before = server.reload_counters()
        server.hup()
        server.wait_for_reload(before, timeout=30)
        wait_until(lambda: server.jwks("acme").json() == jwks_a, 10, "final variant to go live")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)

    assert server.is_running(), server.log_tail()
    assert not problems, f"{len(problems)} bad responses of {counts['requests']}, first: {problems[:5]}"
    assert counts["requests"] >= 200, counts
    # Both variants were served while reloading, so the load really overlapped the reloads.
    assert counts["a"] > 0 and counts["b"] > 0, counts
    generation, reloads, failures = server.reload_counters()
    assert failures == start_counters[2], server.log_tail()
    assert reloads > start_counters[1]
    assert generation == 1 + reloads
