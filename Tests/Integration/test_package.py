"""The release layout of scripts/package.sh (what the Dockerfile ships) and the systemd unit.

The package test needs a static release build, which takes long on a small machine, so it runs
only when asked: RUN_PACKAGE_TEST=1 builds with scripts/package.sh, or PORTCULLIS_PACKAGE_DIR
points at a tree the script already laid out. The layout is started from a clean directory with
an empty environment, as the container or systemd would start it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from portcullis_testkit import REPO_ROOT, free_port, wait_until

UNIT = REPO_ROOT / "deploy" / "systemd" / "portcullis.service"
INSTALLED_BINARY = "/opt/portcullis/bin/portcullis"


# ------------------------------------------------------------------------------------------------
# systemd unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_unit_verifies(portcullis_bin: Path, tmp_path: Path) -> None:
    # verify checks that ExecStart's binary exists; point it at the built one.
    unit = tmp_path / "portcullis.service"
    unit.write_text(UNIT.read_text().replace(INSTALLED_BINARY, str(portcullis_bin)))
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # Unknown or misspelt keys are only warnings: none may appear.
    assert result.stderr.strip() == "", result.stderr


def test_systemd_unit_is_hardened_and_reloads_with_sighup() -> None:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    assert settings["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    for key, value in {
        "NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes", "ProtectHome": "yes",
        "ReadWritePaths": "/var/lib/portcullis", "StateDirectory": "portcullis", "CapabilityBoundingSet": "",
    }.items():
        assert settings.get(key) == [value], f"{key}: {settings.get(key)}"
    (exec_start,) = settings["ExecStart"]
    assert exec_start.startswith(f"{INSTALLED_BINARY} serve --config ")


# ------------------------------------------------------------------------------------------------
# Release layout

needs_package = pytest.mark.skipif(
    os.environ.get("RUN_PACKAGE_TEST") != "1" and not os.environ.get("PORTCULLIS_PACKAGE_DIR"),
    reason="release build is slow: set RUN_PACKAGE_TEST=1 (or PORTCULLIS_PACKAGE_DIR)",
)


@pytest.fixture(scope="module")
def package_root(tmp_path_factory) -> Path:
    if os.environ.get("PORTCULLIS_PACKAGE_DIR"):
        return Path(os.environ["PORTCULLIS_PACKAGE_DIR"])
    out = tmp_path_factory.mktemp("package") / "rootfs"
    subprocess.run([str(REPO_ROOT / "scripts" / "package.sh"), "--out", str(out)], check=True,
                   stdin=subprocess.DEVNULL, timeout=3600)
    return out


@needs_package
def test_layout_holds_exactly_what_the_image_ships(package_root: Path) -> None:
    prefix = package_root / "opt" / "portcullis"
    assert sorted(p.name for p in package_root.iterdir()) == ["opt"]
    assert sorted(p.name for p in prefix.iterdir()) == ["Templates", "bin", "examples", "share"]
    assert sorted(p.name for p in (prefix / "bin").iterdir()) == ["portcullis"]
    assert (prefix / "Templates" / "layout.mustache").is_file()
    assert (prefix / "examples" / "config" / "portcullis.yaml").is_file()
    packages = (prefix / "share" / "debian-packages.txt").read_text().split()
    assert "libc6" in packages
    # The Swift runtime is static: nothing may come from the toolchain.
    ldd = subprocess.run(["ldd", str(prefix / "bin" / "portcullis")], capture_output=True, text=True, check=True)
    assert "not found" not in ldd.stdout, ldd.stdout
    assert "libswiftCore" not in ldd.stdout and "libFoundation" not in ldd.stdout, ldd.stdout


@needs_package
def test_layout_starts_from_a_clean_directory(package_root: Path, tmp_path: Path) -> None:
    # A fresh copy, away from the repository, run with an empty environment: nothing may leak in.
    install = tmp_path / "opt" / "portcullis"
    shutil.copytree(package_root / "opt" / "portcullis", install, symlinks=True)
    port = free_port()
    config = tmp_path / "etc" / "config"
    shutil.copytree(install / "examples" / "config", config)
    for path in config.rglob("*.yaml"):
        path.write_text(path.read_text().replace("127.0.0.1:8080", f"127.0.0.1:{port}"))
    data = tmp_path / "var" / "lib" / "portcullis"
    binary = install / "bin" / "portcullis"

    check = subprocess.run([str(binary), "check-config", "--config", str(config), "--secrets",
                            str(install / "examples" / "secrets.example.yaml")],
                           cwd=install, env={}, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr

    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen(
        [str(binary), "serve", "--config", str(config), "--secrets", str(install / "examples" / "secrets.example.yaml"),
         "--listen", f"127.0.0.1:{port}", "--database", str(data / "portcullis.sqlite")],
        cwd=install, env={}, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        def healthy() -> bool:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(healthy, timeout=30, message="the packaged server did not become healthy")
        discovery = requests.get(f"http://127.0.0.1:{port}/acme/.well-known/openid-configuration", timeout=5)
        assert discovery.status_code == 200, discovery.text
        assert discovery.json()["issuer"] == f"http://127.0.0.1:{port}/acme"
        assert requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).json()["status"] == "ready"
        assert (data / "portcullis.sqlite").is_file()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
    assert proc.returncode == 0, (tmp_path / "server.log").read_text()
