"""The environment every git call gets: exactly what syncd means, nothing inherited by accident."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from syncd.repo.git import CREDENTIAL_HELPER, TOKEN_VAR, Git, GitSettings, git_environment

SETTINGS = GitSettings(
    home=Path("/var/lib/syncd"),
    safe_directory=Path("/var/lib/syncd/repo"),
    author=("syncd", "syncd@acme.example"),
    username="x-access-token",
    token="ghs_topsecret",
    ssh_key=Path("/run/secrets/deploy key"),
    known_hosts=Path("/etc/syncd/known_hosts"),
)
USER = {
    "PATH": "/usr/bin",
    "HOME": "/home/me",
    "GIT_DIR": "/home/me/other/.git",
    "GIT_CONFIG_PARAMETERS": "'core.hooksPath'='/evil'",
    "GIT_SSH_COMMAND": "ssh -o StrictHostKeyChecking=no",
    "SSH_AUTH_SOCK": "/tmp/agent",
    "GITHUB_TOKEN": "ghp_other",
    "https_proxy": "http://proxy:3128",
}


def config_of(env: dict[str, str]) -> list[tuple[str, str]]:
    count = int(env["GIT_CONFIG_COUNT"])
    return [(env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"]) for i in range(count)]


def test_nothing_of_the_users_environment_leaks_in_but_path_and_proxies() -> None:
    env = git_environment(SETTINGS, USER)
    assert env["PATH"] == "/usr/bin" and env["https_proxy"] == "http://proxy:3128"
    for name in ("GIT_DIR", "GIT_CONFIG_PARAMETERS", "SSH_AUTH_SOCK", "GITHUB_TOKEN"):
        assert name not in env
    assert env["HOME"] == "/var/lib/syncd"
    assert (env["GIT_CONFIG_GLOBAL"], env["GIT_CONFIG_NOSYSTEM"]) == (os.devnull, "1")
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_ASKPASS"] == ""


def test_the_token_is_only_in_the_helpers_variable() -> None:
    env = git_environment(SETTINGS, USER)
    holding = [name for name, value in env.items() if "ghs_topsecret" in value]
    assert holding == [TOKEN_VAR]
    config = config_of(env)
    assert ("credential.helper", "") in config  # inherited helpers are forgotten first
    assert config[-1] == ("credential.helper", CREDENTIAL_HELPER)
    assert ("transfer.credentialsInUrl", "die") in config
    assert ("safe.directory", "/var/lib/syncd/repo") in config
    assert ("core.hooksPath", os.devnull) in config


def test_without_a_token_no_helper_answers() -> None:
    env = git_environment(GitSettings(Path("/h"), Path("/h/r"), ("s", "s@x")), USER)
    assert TOKEN_VAR not in env
    assert [v for k, v in config_of(env) if k == "credential.helper"] == [""]


def test_ssh_checks_host_keys_against_syncds_own_file_with_the_deploy_key() -> None:
    words = shlex.split(git_environment(SETTINGS, USER)["GIT_SSH_COMMAND"])
    assert words[words.index("-i") + 1] == "/run/secrets/deploy key"
    assert "StrictHostKeyChecking=yes" in words and "BatchMode=yes" in words
    assert "UserKnownHostsFile=/etc/syncd/known_hosts" in words
    assert "IdentitiesOnly=yes" in words


def test_the_helper_hands_git_the_token(tmp_path: Path) -> None:
    runner = Git(tmp_path, SETTINGS, {"PATH": os.environ["PATH"]})
    done = runner.run("credential", "fill", stdin="protocol=https\nhost=github.com\n\n")
    # `git credential fill` prints what the helper answered (redacted in what syncd keeps).
    assert "username=x-access-token" in done.out
    assert "password=***" in done.out and "ghs_topsecret" not in done.out
    assert "ghs_topsecret" not in repr(SETTINGS)
