"""deploy/compose.yaml (syncd + PostgreSQL + Mailpit) and its syncd config: parsed with PyYAML
and checked for what makes the demo start in order and safely (no Docker engine here)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.deploy.configs import validate_kit_config
from tests.deploy.conftest import DEPLOY, ROOT
from tests.deploy.schemas import schema_errors

COMPOSE = DEPLOY / "compose.yaml"
CONFIG = DEPLOY / "compose.syncd.yaml"
STATE = "/var/lib/syncd"
SECRETISH = re.compile(r"PASSWORD|TOKEN|SECRET|KEY", re.IGNORECASE)
INTERPOLATION = re.compile(r"^\$\{[A-Z_][A-Z0-9_]*(:?[?-][^}]*)?\}$")
PINNED = re.compile(r"^[\w./-]+:v?\d+\.\d+(\.\d+)?[\w.-]*(@sha256:[0-9a-f]{64})?$")


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def syncd_config() -> dict[str, Any]:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def compose_problems(doc: dict[str, Any], config: dict[str, Any]) -> list[str]:
    services: dict[str, Any] = doc["services"]
    problems = schema_errors("compose-spec", doc)
    for name, service in services.items():
        image = service.get("image", "")
        if "build" in service:
            context = (COMPOSE.parent / service["build"]["context"]).resolve()
            if not (context / service["build"].get("dockerfile", "Dockerfile")).is_file():
                problems.append(f"{name}: build context has no Dockerfile")
        elif not PINNED.match(image):
            problems.append(f"{name}: image {image!r} is not pinned to a version")
        depends_on = service.get("depends_on", {})
        if isinstance(depends_on, list):  # the short form waits for nothing but the start
            depends_on = dict.fromkeys(depends_on)
        for dependency, condition in depends_on.items():
            wanted = condition.get("condition") if isinstance(condition, dict) else None
            if wanted != "service_healthy":
                problems.append(f"{name}: depends_on {dependency} without service_healthy")
            if "healthcheck" not in services.get(dependency, {}):
                problems.append(f"{name}: {dependency} has no healthcheck to wait for")
        for key, value in _environment(service).items():
            if SECRETISH.search(key) and not INTERPOLATION.match(str(value)):
                problems.append(f"{name}: {key} is written in plain text")
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name}: port {port} is published beyond localhost")
    syncd = services.get("syncd", {})
    if set(syncd.get("depends_on", {})) != {"db", "mailpit"}:
        problems.append("syncd: must wait for db and mailpit")
    if syncd.get("read_only") is not True or syncd.get("cap_drop") != ["ALL"]:
        problems.append("syncd: read-only root and no capabilities, as in Kubernetes")
    if "/tmp" not in syncd.get("tmpfs", []):
        problems.append("syncd: a tmpfs at /tmp (the root is read-only)")
    mounts = {v.split(":")[1]: v.split(":")[0] for v in syncd.get("volumes", [])}
    if mounts.get(STATE) not in doc.get("volumes", {}):
        problems.append(f"syncd: a named volume at {STATE} for the state")
    source = mounts.get(f"{STATE}/syncd.yaml")
    if source is None or (COMPOSE.parent / source).resolve() != CONFIG:
        problems.append(f"syncd: {CONFIG.name} mounted at {STATE}/syncd.yaml (SYNCD_CONFIG)")
    grace = str(syncd.get("stop_grace_period", "10s"))
    if int(grace.rstrip("s")) < 15:
        problems.append("syncd: stop_grace_period of at least 15s")
    db_check = " ".join(services.get("db", {}).get("healthcheck", {}).get("test", []))
    if "pg_isready" not in db_check or "-h 127.0.0.1" not in db_check:
        problems.append("db: healthcheck must be pg_isready over TCP (-h 127.0.0.1)")
    problems += _wiring_problems(doc, config)
    return problems


def _environment(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return dict(env)


def _wiring_problems(doc: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """The config names the compose services and ports, and keeps its secrets out."""
    services = doc["services"]
    problems = []
    url = make_url(config["store"]["url"])
    if url.drivername != "postgresql+psycopg" or url.host != "db":
        problems.append("config: store.url must be postgresql+psycopg on the `db` service")
    if url.password is not None:
        problems.append("config: store.url carries a password (PGPASSWORD instead)")
    if url.username != _environment(services["db"]).get("POSTGRES_USER"):
        problems.append("config: store.url user is not the db's POSTGRES_USER")
    if "PGPASSWORD" not in _environment(services["syncd"]):
        problems.append("syncd: PGPASSWORD in its environment")
    listen = config.get("service", {}).get("listen", "")
    host, _, port = listen.rpartition(":")
    if host != "0.0.0.0" or not any(
        str(p).endswith(f":{port}") for p in services["syncd"].get("ports", [])
    ):
        problems.append("config: service.listen 0.0.0.0 on the published port")
    emails = [c["email"] for c in config["digests"]["weekly"].get("channels", []) if "email" in c]
    if not any(e.get("host") == "mailpit" and e.get("port") == 1025 for e in emails):
        problems.append("config: the digest's email channel must send to mailpit:1025")
    for key, value in _leaves(config):
        secret = re.search(r"token|password|secret", key, re.IGNORECASE)
        if secret and not key.endswith("_file") and not INTERPOLATION.match(str(value)):
            problems.append(f"config: {key} is written in plain text")
    return problems


def _leaves(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [kv for k, v in node.items() for kv in _leaves(v, f"{prefix}.{k}".lstrip("."))]
    if isinstance(node, list):
        return [kv for i, v in enumerate(node) for kv in _leaves(v, f"{prefix}[{i}]")]
    return [(prefix, node)]


def test_compose_stack_is_wired_and_hardened() -> None:
    assert compose_problems(compose(), syncd_config()) == []


def test_compose_config_validates_against_syncd_models() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    config, _ = validate_kit_config(text, name=CONFIG.name, env={})
    assert config.records.write_back is False  # the reviews are mounted read-only
    reviews = next(v for v in compose()["services"]["syncd"]["volumes"] if ":/reviews" in v)
    assert (COMPOSE.parent / reviews.split(":")[0]).resolve() == ROOT / "examples" / "reviews"
    assert str(config.records.root) == "/reviews"


def _svc(name: str, **changes: Any) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def mutate(doc: dict[str, Any], config: dict[str, Any]) -> None:
        doc["services"][name].update(changes)

    return mutate


def _drop_healthcheck(doc: dict[str, Any], config: dict[str, Any]) -> None:
    del doc["services"]["db"]["healthcheck"]


def _plain_password(doc: dict[str, Any], config: dict[str, Any]) -> None:
    doc["services"]["db"]["environment"]["POSTGRES_PASSWORD"] = "hunter2"


def _password_in_url(doc: dict[str, Any], config: dict[str, Any]) -> None:
    config["store"]["url"] = "postgresql+psycopg://syncd:hunter2@db:5432/syncd"


def _wrong_smtp(doc: dict[str, Any], config: dict[str, Any]) -> None:
    config["digests"]["weekly"]["channels"][0]["email"]["port"] = 25


def _loopback_listen(doc: dict[str, Any], config: dict[str, Any]) -> None:
    config["service"]["listen"] = "127.0.0.1:9464"


BROKEN = {
    "latest image": (_svc("mailpit", image="axllent/mailpit:latest"), "not pinned"),
    "no condition": (_svc("syncd", depends_on=["db", "mailpit"]), "without service_healthy"),
    "no healthcheck": (_drop_healthcheck, "db has no healthcheck"),
    "plain password": (_plain_password, "POSTGRES_PASSWORD is written in plain text"),
    "password in url": (_password_in_url, "carries a password"),
    "public port": (_svc("mailpit", ports=["8025:8025"]), "beyond localhost"),
    "writable root": (_svc("syncd", read_only=False), "read-only root"),
    "smtp port": (_wrong_smtp, "mailpit:1025"),
    "loopback listen": (_loopback_listen, "service.listen"),
    "misspelt key": (_svc("syncd", stop_grace_perid="15s"), "stop_grace_perid"),
    "short grace": (_svc("syncd", stop_grace_period="5s"), "stop_grace_period"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_checks_fail_on_a_broken_copy(case: str) -> None:
    mutate, expected = BROKEN[case]
    doc, config = copy.deepcopy(compose()), copy.deepcopy(syncd_config())
    mutate(doc, config)
    problems = compose_problems(doc, config)
    assert any(expected in p for p in problems), problems
