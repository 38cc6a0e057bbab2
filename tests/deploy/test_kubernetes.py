"""The Kubernetes manifests: rendered like `kubectl apply -k`, schema-valid for the supported
Kubernetes versions (kubernetes-validate, offline, strict: a misspelt field fails), and
checked for what matters to syncd: one writer on SQLite, two Ready replicas on PostgreSQL,
probes on /livez and /healthz, a restricted security context, a CronJob that never overlaps."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.deploy.configs import validate_kit_config
from tests.deploy.conftest import KUBERNETES
from tests.deploy.kustomize import Doc, KustomizeError, load_documents, render

# Oldest still-maintained release with ReadWriteOncePod GA, a current one, the newest schema.
K8S_VERSIONS = ("1.29.0", "1.33.0", "1.37.0")
VARIANTS = ("sqlite", "postgres", "cronjob")
UID = 10001  # the Dockerfile's USER
PORT = 9464  # the Dockerfile's EXPOSE, `service.listen` in the ConfigMap
STATE = "/var/lib/syncd"
SECRET_DIR = "/run/secrets/syncd"


def rendered(variant: str) -> list[Doc]:
    return render(KUBERNETES / variant)


def find(docs: list[Doc], kind: str) -> list[Doc]:
    return [d for d in docs if d["kind"] == kind]


def schema_problems(docs: list[Doc]) -> list[str]:
    problems = []
    for doc in docs:
        for version in K8S_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                problems.append(
                    f"{doc['kind']}/{doc['metadata']['name']} ({version}): {exc.message}"
                )
            except kubernetes_validate.SchemaNotFoundError:
                problems.append(f"{doc['kind']} {doc['apiVersion']}: no schema for {version}")
    return problems


def pod_template(doc: Doc) -> Doc:
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]
    return doc["spec"]["template"]


def pod_problems(doc: Doc, docs: list[Doc]) -> list[str]:
    """What every syncd pod needs: restricted security, state + /tmp volumes, config, secrets."""
    spec = pod_template(doc)["spec"]
    name = f"{doc['kind']}/{doc['metadata']['name']}"
    problems = []
    pod_sc = spec.get("securityContext", {})
    if pod_sc.get("runAsNonRoot") is not True or pod_sc.get("runAsUser") != UID:
        problems.append(f"{name}: pod must run as non-root user {UID}")
    if pod_sc.get("fsGroup") != UID:
        problems.append(f"{name}: fsGroup {UID} so the volume is writable")
    if pod_sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append(f"{name}: seccompProfile RuntimeDefault")
    if spec.get("terminationGracePeriodSeconds", 30) < 15:
        problems.append(f"{name}: terminationGracePeriodSeconds below 15")
    if spec.get("automountServiceAccountToken") is not False:
        problems.append(f"{name}: automountServiceAccountToken must be false")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    (container,) = spec["containers"]
    sc = container.get("securityContext", {})
    if sc.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{name}: allowPrivilegeEscalation must be false")
    if sc.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{name}: readOnlyRootFilesystem must be true")
    if sc.get("capabilities", {}).get("drop") != ["ALL"]:
        problems.append(f"{name}: drop ALL capabilities")
    resources = container.get("resources", {})
    if not {"cpu", "memory"} <= set(resources.get("requests", {})):
        problems.append(f"{name}: cpu and memory requests")
    if "memory" not in resources.get("limits", {}):
        problems.append(f"{name}: a memory limit")
    mounts = {m["mountPath"]: m for m in container.get("volumeMounts", [])}
    for path in (STATE, "/tmp"):
        if path not in mounts or mounts[path]["name"] not in volumes:
            problems.append(f"{name}: nothing writable mounted at {path}")
    if "/tmp" in mounts and "emptyDir" not in volumes.get(mounts["/tmp"]["name"], {}):
        problems.append(f"{name}: /tmp must be an emptyDir")
    env = {e["name"]: e for e in container.get("env", [])}
    config_path = env.get("SYNCD_CONFIG", {}).get("value")
    config_mount = mounts.get(config_path or "")
    config_volume = volumes.get(config_mount["name"], {}) if config_mount else {}
    configmap = config_volume.get("configMap", {}).get("name")
    if configmap not in {d["metadata"]["name"] for d in find(docs, "ConfigMap")}:
        problems.append(f"{name}: SYNCD_CONFIG {config_path} is not a file of a rendered ConfigMap")
    elif (
        config_mount and config_mount.get("subPath") not in find_configmap(docs, configmap)["data"]
    ):
        problems.append(f"{name}: the ConfigMap has no key {config_mount.get('subPath')}")
    secret_mount = mounts.get(SECRET_DIR)
    if secret_mount is None or "secret" not in volumes.get(secret_mount["name"], {}):
        problems.append(f"{name}: the Secret is not mounted at {SECRET_DIR}")
    return problems


def find_configmap(docs: list[Doc], name: str) -> Doc:
    return next(d for d in find(docs, "ConfigMap") if d["metadata"]["name"] == name)


def worker_problems(docs: list[Doc]) -> list[str]:
    """The long-running worker: start-up and liveness probes on /livez (a tracker outage
    must not restart the pod), readiness on /healthz, at the port the config listens on."""
    (deployment,) = find(docs, "Deployment")
    problems = pod_problems(deployment, docs)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    if container.get("args") != ["run"]:
        problems.append("Deployment: the container must run `syncd run`")
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    paths = {"startupProbe": "/livez", "livenessProbe": "/livez", "readinessProbe": "/healthz"}
    for probe, path in paths.items():
        get = container.get(probe, {}).get("httpGet", {})
        port = ports.get(get.get("port"), get.get("port"))
        if get.get("path") != path or port != PORT:
            problems.append(f"Deployment: {probe} must GET {path} on port {PORT}")
    for service in find(docs, "Service"):
        selector = service["spec"]["selector"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        if not selector.items() <= labels.items():
            problems.append("Service: selector does not match the pods")
    return problems


def sqlite_problems(docs: list[Doc]) -> list[str]:
    problems = worker_problems(docs)
    (deployment,) = find(docs, "Deployment")
    if deployment["spec"].get("replicas") != 1:
        problems.append("sqlite: exactly one replica (one writer on one SQLite file)")
    if deployment["spec"].get("strategy", {}).get("type") != "Recreate":
        problems.append("sqlite: strategy Recreate (the old pod stops before the new starts)")
    problems += claim_problems(docs, pod_template(deployment)["spec"])
    if find(docs, "PodDisruptionBudget"):
        problems.append("sqlite: no PodDisruptionBudget for one replica (it blocks drains)")
    return problems


def claim_problems(docs: list[Doc], spec: Doc) -> list[str]:
    (container,) = spec["containers"]
    state = next(m["name"] for m in container["volumeMounts"] if m["mountPath"] == STATE)
    volume = next(v for v in spec["volumes"] if v["name"] == state)
    claim = volume.get("persistentVolumeClaim", {}).get("claimName")
    claims = {d["metadata"]["name"]: d for d in find(docs, "PersistentVolumeClaim")}
    if claim not in claims:
        return [f"the state volume must be a rendered PersistentVolumeClaim, not {volume}"]
    if claims[claim]["spec"]["accessModes"][0] not in ("ReadWriteOnce", "ReadWriteOncePod"):
        return ["the claim must be ReadWriteOnce(Pod): SQLite needs block storage"]
    return []


def postgres_problems(docs: list[Doc]) -> list[str]:
    problems = worker_problems(docs)
    (deployment,) = find(docs, "Deployment")
    template = pod_template(deployment)
    if deployment["spec"].get("replicas", 1) < 2:
        problems.append("postgres: at least two replicas")
    strategy = deployment["spec"].get("strategy", {})
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        problems.append("postgres: RollingUpdate (a standby is always up)")
    if strategy.get("rollingUpdate", {}).get("maxUnavailable") != 0:
        problems.append("postgres: maxUnavailable 0, so a rollout never stops both replicas")
    env = {e["name"]: e for e in template["spec"]["containers"][0].get("env", [])}
    url = env.get("SYNCD_STORE_URL", {}).get("value", "")
    if not url.startswith("postgresql+psycopg://"):
        problems.append("postgres: SYNCD_STORE_URL must be a postgresql+psycopg URL")
    elif make_url(url).password is not None:
        problems.append("postgres: no password in SYNCD_STORE_URL (PGPASSWORD from the Secret)")
    if "secretKeyRef" not in env.get("PGPASSWORD", {}).get("valueFrom", {}):
        problems.append("postgres: PGPASSWORD from a Secret")
    if any("persistentVolumeClaim" in v for v in template["spec"]["volumes"]):
        problems.append("postgres: no shared claim between replicas")
    pdbs = find(docs, "PodDisruptionBudget")
    labels = template["metadata"]["labels"]
    if not any(
        p["spec"].get("minAvailable") == 1
        and p["spec"]["selector"]["matchLabels"].items() <= labels.items()
        for p in pdbs
    ):
        problems.append("postgres: a PodDisruptionBudget minAvailable 1 selecting the pods")
    if any(p["spec"].get("unhealthyPodEvictionPolicy") != "AlwaysAllow" for p in pdbs):
        # Readiness is /healthz: both pods are NotReady during a long tracker outage, and the
        # default policy would then block every drain until the tracker is back.
        problems.append("postgres: the PodDisruptionBudget must AlwaysAllow evicting unready pods")
    return problems


def cronjob_problems(docs: list[Doc]) -> list[str]:
    (cronjob,) = find(docs, "CronJob")
    problems = pod_problems(cronjob, docs)
    spec = cronjob["spec"]
    if spec.get("concurrencyPolicy") != "Forbid":
        problems.append("cronjob: concurrencyPolicy Forbid (passes never overlap)")
    if not 10 <= spec.get("startingDeadlineSeconds", 0) <= 3600:
        problems.append("cronjob: startingDeadlineSeconds (10 s … 1 h) bounds missed runs")
    job = spec["jobTemplate"]["spec"]
    if job.get("backoffLimit") != 0:
        problems.append("cronjob: backoffLimit 0 (the next schedule is the retry)")
    template = job["template"]
    if template["spec"].get("restartPolicy") != "Never":
        problems.append("cronjob: restartPolicy Never")
    (container,) = template["spec"]["containers"]
    command = " ".join(container.get("command", []) + container.get("args", []))
    if "syncd check" not in command:
        problems.append("cronjob: the container must run `syncd check`")
    problems += claim_problems(docs, template["spec"])
    return problems


RULES: dict[str, Callable[[list[Doc]], list[str]]] = {
    "sqlite": sqlite_problems,
    "postgres": postgres_problems,
    "cronjob": cronjob_problems,
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_is_schema_valid_for_supported_kubernetes_versions(variant: str) -> None:
    assert schema_problems(rendered(variant)) == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_follows_the_rules(variant: str) -> None:
    assert RULES[variant](rendered(variant)) == []


def test_secret_example_is_valid_and_holds_every_key_the_manifests_use() -> None:
    (secret,) = load_documents(KUBERNETES / "secret.example.yaml")
    assert schema_problems([secret]) == []
    assert all(value == "REPLACE_ME" for value in secret["stringData"].values())
    used = set()
    for variant in VARIANTS:
        docs = rendered(variant)
        config = find_configmap(docs, "syncd-config")["data"]["syncd.yaml"]
        used |= set(re.findall(re.escape(SECRET_DIR) + r"/([\w.-]+)", config))
        for workload in find(docs, "Deployment") + find(docs, "CronJob"):
            spec = pod_template(workload)["spec"]
            names = {v["secret"]["secretName"] for v in spec["volumes"] if "secret" in v}
            refs = [
                e["valueFrom"]["secretKeyRef"]
                for e in spec["containers"][0]["env"]
                if "secretKeyRef" in e.get("valueFrom", {})
            ]
            assert names | {r["name"] for r in refs} == {secret["metadata"]["name"]}
            used |= {r["key"] for r in refs}
    assert used, "the manifests read no secret at all?"
    assert used == set(secret["stringData"]), "secret.example.yaml and the manifests disagree"


def test_configmap_config_validates_against_syncd_models() -> None:
    (configmap,) = find(load_documents(KUBERNETES / "config" / "configmap.yaml"), "ConfigMap")
    config, _ = validate_kit_config(configmap["data"]["syncd.yaml"], name="configmap.yaml", env={})
    assert config.store.url == f"sqlite:///{STATE}/state.db"  # default: on the state volume
    text = configmap["data"]["syncd.yaml"]
    assert f'listen: "0.0.0.0:{PORT}"' in text  # reachable by the kubelet's probes
    postgres = validate_kit_config(
        text,
        name="configmap.yaml",
        env={"SYNCD_STORE_URL": "postgresql+psycopg://syncd@db/syncd"},
    )[0]
    assert postgres.store.url.startswith("postgresql+psycopg://")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed here")
@pytest.mark.parametrize("variant", VARIANTS)
def test_renderer_agrees_with_kubectl_kustomize(variant: str) -> None:
    out = subprocess.run(
        ["kubectl", "kustomize", str(KUBERNETES / variant)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if out.returncode != 0 and "kustomize" in out.stderr and "unknown command" in out.stderr:
        pytest.skip("this kubectl has no built-in kustomize")
    assert out.returncode == 0, out.stderr
    theirs = [d for d in yaml.safe_load_all(out.stdout) if d]

    def key(doc: Doc) -> tuple[str, str]:
        return doc["kind"], doc["metadata"]["name"]

    assert sorted(theirs, key=key) == sorted(rendered(variant), key=key)


# --- every check fails on a broken copy ----------------------------------------------------


def _container(docs: list[Doc]) -> Doc:
    workload = (find(docs, "Deployment") or find(docs, "CronJob"))[0]
    return pod_template(workload)["spec"]["containers"][0]


def _env(docs: list[Doc], name: str) -> Doc:
    return next(e for e in _container(docs)["env"] if e["name"] == name)


def _set(path: str, value: Any) -> Callable[[list[Doc]], None]:
    def mutate(docs: list[Doc]) -> None:
        node: Any = (find(docs, "Deployment") or find(docs, "CronJob"))[0]
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value

    return mutate


BROKEN: dict[str, tuple[str, Callable[[list[Doc]], None], str]] = {
    "misspelt field": (
        "sqlite",
        lambda docs: _container(docs).update(imagePullPolcy="Always"),
        "imagePullPolcy",
    ),
    "sqlite scaled up": ("sqlite", _set("spec.replicas", 2), "exactly one replica"),
    "sqlite rolling": ("sqlite", _set("spec.strategy", {"type": "RollingUpdate"}), "Recreate"),
    "probe path": (
        "sqlite",
        lambda docs: _container(docs)["livenessProbe"]["httpGet"].update(path="/health"),
        "livenessProbe",
    ),
    "liveness on healthz": (
        "postgres",
        lambda docs: _container(docs)["livenessProbe"]["httpGet"].update(path="/healthz"),
        "livenessProbe must GET /livez",
    ),
    "writable root": (
        "postgres",
        lambda docs: _container(docs)["securityContext"].update(readOnlyRootFilesystem=False),
        "readOnlyRootFilesystem",
    ),
    "capabilities kept": (
        "cronjob",
        lambda docs: _container(docs)["securityContext"]["capabilities"].update(drop=[]),
        "drop ALL",
    ),
    "short grace": (
        "postgres",
        _set("spec.template.spec.terminationGracePeriodSeconds", 5),
        "terminationGracePeriodSeconds",
    ),
    "drains wait for readiness": (
        "postgres",
        lambda docs: find(docs, "PodDisruptionBudget")[0]["spec"].pop("unhealthyPodEvictionPolicy"),
        "AlwaysAllow",
    ),
    "one postgres replica": ("postgres", _set("spec.replicas", 1), "two replicas"),
    "password in url": (
        "postgres",
        lambda docs: _env(docs, "SYNCD_STORE_URL").update(
            value="postgresql+psycopg://syncd:hunter2@db/syncd"
        ),
        "no password",
    ),
    "overlapping cronjob": ("cronjob", _set("spec.concurrencyPolicy", "Allow"), "Forbid"),
    "no tmp": (
        "cronjob",
        lambda docs: _container(docs)["volumeMounts"].pop(),
        "/tmp",
    ),
    "config not mounted": (
        "sqlite",
        lambda docs: _env(docs, "SYNCD_CONFIG").update(value="/etc/syncd/syncd.yaml"),
        "SYNCD_CONFIG",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_checks_fail_on_a_broken_copy(case: str) -> None:
    variant, mutate, expected = BROKEN[case]
    docs = copy.deepcopy(rendered(variant))
    mutate(docs)
    problems = schema_problems(docs) + RULES[variant](docs)
    assert any(expected in p for p in problems), problems


def test_renderer_refuses_a_patch_that_no_longer_fits(tmp_path: Path) -> None:
    shutil.copytree(KUBERNETES, tmp_path / "k")
    deployment = tmp_path / "k" / "worker" / "deployment.yaml"
    text = deployment.read_text(encoding="utf-8")
    # The sqlite patch replaces volume 0 after testing that it is `state`: reorder volumes.
    broken = text.replace("        - name: state\n          emptyDir: {}\n", "").replace(
        "      volumes:\n",
        "      volumes:\n        - name: extra\n          emptyDir: {}\n"
        "        - name: state\n          emptyDir: {}\n",
        1,
    )
    assert broken != text
    deployment.write_text(broken, encoding="utf-8")
    with pytest.raises(KustomizeError, match="test /spec/template/spec/volumes/0/name"):
        render(tmp_path / "k" / "sqlite")
    kustomization = tmp_path / "k" / "cronjob" / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text(encoding="utf-8").replace("../storage", "../storage/pvc.yaml"),
        encoding="utf-8",
    )
    with pytest.raises(KustomizeError, match="outside the kustomization"):
        render(tmp_path / "k" / "cronjob")
