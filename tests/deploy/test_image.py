"""The image's steps without a Docker engine: the build stage's commands and the runtime
stage's venv install, taken from the Dockerfile and run here with its paths mapped into a
temporary directory, then the ENTRYPOINT run the way the container runs it.

Building the wheels and the venv takes ~20 s, so it happens once per test session: the
tests share one module fixture and one xdist group (the Makefile runs `--dist loadgroup`).
Differences from the image that remain: this machine's Python (not 3.12 slim) and its pip
index; the apt packages and the user are not exercised here (test_dockerfile.py checks them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.conftest import DOCKERFILE, ROOT
from tests.deploy.dockerfile import (
    Instruction,
    exec_form,
    key_values,
    parse,
    run_flags_and_command,
    stages,
)

pytestmark = pytest.mark.xdist_group("image")

TINI = ["/usr/bin/tini", "--"]


@dataclass(frozen=True)
class Image:
    root: Path  # the container's paths, mapped
    mapping: dict[str, Path]
    env: dict[str, str]  # the runtime stage's ENV, mapped
    entrypoint: list[str]
    cmd: list[str]

    def path(self, container_path: str) -> Path:
        return Path(_map(container_path, self.mapping))

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.entrypoint, *args],
            cwd=cwd or self.path(self.env["HOME"]),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _map(text: str, mapping: dict[str, Path]) -> str:
    for container, host in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(container, str(host))
    return text


def _shims(directory: Path) -> dict[str, str]:
    """`python` and `pip` on PATH as the base image has them: this interpreter."""
    directory.mkdir()
    (directory / "python").symlink_to(sys.executable)
    pip = directory / "pip"
    pip.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pip "$@"\n', encoding="utf-8")
    pip.chmod(0o755)
    return {"PATH": f"{directory}:{os.environ['PATH']}"}


def _sh(command: str, cwd: Path, env: dict[str, str]) -> None:
    out = subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, f"{command}\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"


def _build_stage(stage: list[Instruction], mapping: dict[str, Path], env: dict[str, str]) -> None:
    workdir = ROOT
    for i in stage:
        if i.keyword == "ENV":
            env.update({k: _map(v, mapping) for k, v in key_values(i.args).items()})
        elif i.keyword == "WORKDIR":
            workdir = Path(_map(i.args, mapping))
            workdir.mkdir(parents=True, exist_ok=True)
        elif i.keyword == "COPY":
            *sources, target = i.args.split()
            destination = workdir / target
            for source in sources:
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, destination, ignore=_ignored)
                else:
                    shutil.copy2(ROOT / source, destination)
        elif i.keyword == "RUN":
            _sh(_map(i.args, mapping), workdir, env)


def _ignored(directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or n.endswith(".pyc")]  # .dockerignore


def build_image(dockerfile: str, root: Path) -> Image:
    """Run the Dockerfile's build and install steps under `root`; AssertionError if one fails."""
    build, runtime = stages(parse(dockerfile))[-2:]
    last = {i.keyword: i.args for i in runtime}
    entrypoint = exec_form(last["ENTRYPOINT"])
    assert entrypoint[:2] == TINI, "tini is PID 1; the rest is syncd's command line"
    workdir = next(i.args for i in build if i.keyword == "WORKDIR")
    mapping = {"/wheels": root / "wheels", workdir: root / "src"}
    env = {**os.environ, **_shims(root / "shims")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    _build_stage(build, mapping, env)

    # The runtime stage: the one RUN that installs the wheels (bind-mounted from the build
    # stage), with the venv and the state directory mapped too.
    installs = [i for i in runtime if i.keyword == "RUN" and "--mount=" in i.args]
    assert len(installs) == 1, "one RUN --mount=…from=build… installs the wheels"
    flags, command = run_flags_and_command(installs[0].args)
    mount = dict(kv.split("=", 1) for kv in flags[0].removeprefix("--mount=").split(","))
    assert mount["from"] == "build"
    venv = command.split("venv --without-pip ")[1].split()[0]
    mapping = {
        mount["target"]: Path(_map(mount["source"], mapping)),
        venv: root / "venv",
        "/var/lib/syncd": root / "state",
    }
    _sh(_map(command, mapping), root, env)

    (root / "state").mkdir()
    runtime_env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    for i in runtime:
        if i.keyword == "ENV":
            for key, value in key_values(i.args).items():
                runtime_env[key] = _map(value.replace("$PATH", runtime_env["PATH"]), mapping)
    program = shutil.which(entrypoint[2], path=runtime_env["PATH"])
    assert program and Path(program).is_relative_to(root / "venv"), program
    return Image(root, mapping, runtime_env, [program, *entrypoint[3:]], exec_form(last["CMD"]))


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    return build_image(DOCKERFILE.read_text(encoding="utf-8"), tmp_path_factory.mktemp("image"))


def test_venv_holds_syncd_and_its_dependencies_but_no_pip(image: Image) -> None:
    venv = image.path("/opt/syncd")
    assert (venv / "bin" / "syncd").exists()
    assert not (venv / "bin" / "pip").exists()  # the base image's pip installed into it
    site = next(venv.glob("lib/python3*/site-packages"))
    for package in ("syncd", "psycopg", "sqlalchemy", "github", "gitlab", "jira"):
        assert (site / package).is_dir(), package


def test_entrypoint_help(image: Image) -> None:
    out = image.run("--help")
    assert out.returncode == 0, out.stderr
    assert "Commands:" in out.stdout and "check" in out.stdout


def test_entrypoint_check_on_the_example_config(image: Image) -> None:
    # The image's SYNCD_CONFIG is a file on the state volume; the example config there,
    # with the example reviews next to it, as a user's mounts would put them.
    config = image.path(image.env["SYNCD_CONFIG"])
    shutil.copy(ROOT / "config.example.yaml", config)
    shutil.copytree(ROOT / "examples", config.parent / "examples")
    out = image.run("--config", str(config), "check")
    assert out.returncode in (0, 1), out.stderr  # 1: the examples have overdue items
    assert "Traceback" not in out.stderr
    assert "overdue" in out.stdout
    # The store lands next to the config: on the state volume, not the read-only root.
    assert (config.parent / ".syncd" / "state.db").is_file()


def test_default_command_is_a_syncd_subcommand(image: Image) -> None:
    (command, *_) = image.cmd
    help_text = image.run("--help").stdout
    if f"  {command} " not in help_text:
        pytest.skip(f"`syncd {command}` is not built yet (issue #13); CMD is written against it")
    out = image.run(command, "--help")
    assert out.returncode == 0, out.stderr


def test_build_fails_when_the_build_stage_misses_a_file(tmp_path: Path) -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    broken = text.replace("COPY pyproject.toml README.md LICENSE ./", "COPY README.md LICENSE ./")
    assert broken != text
    with pytest.raises(AssertionError, match="pip wheel"):
        build_image(broken, tmp_path)


def test_build_refuses_an_entrypoint_without_tini(tmp_path: Path) -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    broken = text.replace('ENTRYPOINT ["/usr/bin/tini", "--", "syncd"]', 'ENTRYPOINT ["syncd"]')
    assert broken != text
    with pytest.raises(AssertionError, match="tini is PID 1"):
        build_image(broken, tmp_path)
