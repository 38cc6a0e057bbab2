"""The one place that runs git (docs/git.md): the `git` program through `subprocess`.

Every call gets a clean environment built by `git_environment` (a PURE function, tested on its
own): nothing of the user's global or system git config, no prompts, the token only in the
child's environment (an inline credential helper reads it; never argv, never `.git/config`,
never a URL), ssh through `GIT_SSH_COMMAND` with the deploy key and a known_hosts file of
syncd's own. Every call has a timeout that kills git and its helpers (ssh, git-remote-https)
as a group. Errors become RepoError subclasses with one sentence, the token redacted.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from syncd import log
from syncd.repo.errors import GitMissing, GitTimeout, RemoteUnreachable, RepoError

_log = log.get("syncd.repo.git")

TOKEN_VAR = "SYNCD_GIT_TOKEN"
USER_VAR = "SYNCD_GIT_USERNAME"
# Reads the token from the child's environment when git asks (`get`), ignores store/erase.
CREDENTIAL_HELPER = (
    '!f() { test "$1" = get || exit 0; '
    f'printf \'username=%s\\npassword=%s\\n\' "${USER_VAR}" "${TOKEN_VAR}"; }}; f'
)
# Inherited as they are: where programs are, proxies, CA bundles. Nothing else.
PASSTHROUGH = (
    "PATH",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "GIT_SSL_CAINFO",
    "GIT_SSL_CAPATH",
)
_URL_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


@dataclass(frozen=True, slots=True)
class GitSettings:
    """What the environment of every git call is built from (a value, no secrets logged)."""

    home: Path  # HOME for git and ssh: a directory syncd owns
    safe_directory: Path  # the clone; git ignores `safe.directory` from a repository's config
    author: tuple[str, str]  # (name, email): author and committer of syncd's commits
    username: str | None = None
    token: str | None = None
    ssh_key: Path | None = None
    known_hosts: Path | None = None
    accept_new_host_key: bool = False
    timeout: float = 120.0

    def __repr__(self) -> str:  # the token never reaches a log line or a traceback
        return f"GitSettings(home={self.home}, token={'***' if self.token else None})"


def git_environment(settings: GitSettings, inherited: Mapping[str, str]) -> dict[str, str]:
    """The complete environment of a git child process. PURE."""
    env = {name: inherited[name] for name in PASSTHROUGH if name in inherited}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    name, email = settings.author
    env.update(
        {
            "HOME": str(settings.home),
            "LC_ALL": "C",  # messages syncd parses are English
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
            "GIT_LITERAL_PATHSPECS": "1",  # a review named `[x].md` is a name, not a glob
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
    )
    config = [
        ("safe.directory", str(settings.safe_directory)),
        ("core.hooksPath", os.devnull),  # no hook runs in syncd's clone
        ("transfer.credentialsInUrl", "die"),
        ("credential.helper", ""),  # forget every inherited helper
        ("commit.gpgSign", "false"),
        ("gc.autoDetach", "false"),  # no background process outlives a call
        ("maintenance.auto", "false"),
        ("advice.detachedHead", "false"),
        ("init.defaultBranch", "main"),
        ("user.name", name),
        ("user.email", email),
        # A transfer that moves under 1 KiB/s for 60 s is a stalled connection.
        ("http.lowSpeedLimit", "1024"),
        ("http.lowSpeedTime", "60"),
    ]
    if settings.token is not None:
        config.append(("credential.helper", CREDENTIAL_HELPER))
        env[TOKEN_VAR] = settings.token
        env[USER_VAR] = settings.username or "syncd"
    env["GIT_CONFIG_COUNT"] = str(len(config))
    for index, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    env["GIT_SSH_COMMAND"] = ssh_command(settings)
    return env


def ssh_command(settings: GitSettings) -> str:
    """`ssh` with syncd's key and known_hosts, never asking anything."""
    known = settings.known_hosts or settings.home / "known_hosts"
    parts = [
        "ssh",
        "-F",
        os.devnull,  # no ~/.ssh/config
        "-o",
        "BatchMode=yes",
        "-o",
        f"UserKnownHostsFile={known}",
        "-o",
        "StrictHostKeyChecking=" + ("accept-new" if settings.accept_new_host_key else "yes"),
        "-o",
        "ConnectTimeout=30",
    ]
    if settings.ssh_key is not None:
        parts += ["-i", str(settings.ssh_key), "-o", "IdentitiesOnly=yes"]
    return shlex.join(parts)


@dataclass(frozen=True, slots=True)
class Completed:
    """A finished git call: exit code and decoded output."""

    code: int
    out: str
    err: str


class Git:
    """Runs git in one directory with one environment; `secrets` are redacted from errors."""

    def __init__(self, cwd: Path, settings: GitSettings, inherited: Mapping[str, str]) -> None:
        self.cwd = cwd
        self._inherited = dict(inherited)
        self.calls = 0  # git processes started (for benchmarks and tests)
        self.use(settings)

    def use(self, settings: GitSettings) -> None:
        """Run later calls with these settings (a re-read token, say)."""
        self.timeout = settings.timeout
        self._env = git_environment(settings, self._inherited)
        self._secrets = tuple(s for s in (settings.token,) if s)

    def run(
        self,
        *args: str,
        ok: Sequence[int] = (0,),
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Completed:
        """`git args…`; raises RepoError unless the exit code is in `ok`."""
        argv = ["git", *args]
        started = time.monotonic()
        self.calls += 1
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd or self.cwd,
                env={**self._env, **(env or {})},
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group: a timeout kills helpers too
            )
        except FileNotFoundError:
            raise GitMissing("the `git` program is not installed or not on PATH") from None
        try:
            out, err = proc.communicate(
                stdin.encode() if stdin is not None else None, timeout=self.timeout
            )
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise GitTimeout(
                f"`git {args[0]}` took longer than {self.timeout:g} s and was stopped "
                "(records.repo.timeout)"
            ) from None
        done = Completed(proc.returncode, self.redact(out.decode(errors="replace")), "")
        done = Completed(done.code, done.out, self.redact(err.decode(errors="replace")))
        _log.debug(
            "git_ran",
            args=list(args),
            code=done.code,
            seconds=round(time.monotonic() - started, 3),
        )
        if done.code not in ok:
            raise failure(args, done)
        return done

    def redact(self, text: str) -> str:
        """`text` without the token or any `user:password@` of a URL."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _URL_USERINFO.sub("***@", text)


def failure(args: Sequence[str], done: Completed) -> RepoError:
    """One sentence for a failed call, naming the likely cause when git's message shows it."""
    lines = [ln.strip() for ln in done.err.splitlines() if ln.strip()]
    detail = next((ln for ln in lines if ln.startswith(("fatal:", "error:"))), None)
    detail = detail or (lines[-1] if lines else f"exit {done.code}")
    text = done.err
    command = f"`git {args[0]}`"
    if "Host key verification failed" in text:
        return RemoteUnreachable(
            f"{command}: the ssh host key of the remote is not in syncd's known_hosts; add it "
            "(see docs/git.md) or set records.repo.accept_new_host_key"
        )
    if "Authentication failed" in text or "could not read Username" in text:
        return RemoteUnreachable(
            f"{command}: the remote refused syncd's credentials; check records.repo.token "
            f"(or token_file) and its scopes ({detail})"
        )
    if "Permission denied (publickey" in text:
        return RemoteUnreachable(
            f"{command}: the remote refused syncd's ssh key; check records.repo.ssh_key_file "
            "and that the deploy key has write access"
        )
    if "Could not resolve host" in text or "Connection refused" in text or "timed out" in text:
        return RemoteUnreachable(f"{command}: cannot reach the remote ({detail})")
    if "couldn't find remote ref" in text.lower() or "not found in upstream" in text:
        return RemoteUnreachable(f"{command}: the branch does not exist on the remote ({detail})")
    return RepoError(f"{command} failed: {detail}")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
