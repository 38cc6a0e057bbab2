"""`records.repo`: reviews kept in a remote git repository (issue #13, docs/git.md).

Checked here, without I/O: the URL's form and scheme, one credential source that suits the
transport, branch names git accepts, the author identity, and what `delivery` needs. The
cross-checks against the rest of the file (`records.root`/`paths`, `pull_request_tracker`)
are `records_problems` and `tracker_problems`, called by syncd.config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from syncd.repo.remote import HostKind, Remote, blob_url_template, host_kind, parse_remote

Delivery = Literal["commit", "push", "pull_request"]
Loc = tuple[str | int, ...]

_AUTHOR = re.compile(r"(?P<name>[^<>\n]*[^<>\s])\s*<(?P<email>[^<>\s]+)>")
# git check-ref-format, the rules a branch name can break (Documentation/git-check-ref-format).
_BAD_REF = re.compile(r"(^[-/.])|(\.\.)|(//)|(@\{)|([\x00-\x20~^:?*\[\\\x7f])|(\.lock$)|([/.]$)")
_PR_KINDS = ("github", "gitlab")


class RepoConfig(BaseModel):
    """Where the reviews live when they are in a remote git repository."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        description="Remote URL: https://…, ssh://…, git@HOST:PATH or file:///PATH. "
        "Never put a token in it."
    )
    branch: str = Field(default="main", description="Branch the reviews are read from.")
    delivery: Delivery = Field(
        default="push",
        description="commit (in syncd's clone only), push (to `branch`, rebase and retry), "
        "or pull_request (one syncd branch and PR/MR, updated in place).",
    )
    author: str = Field(
        default="syncd <syncd@localhost>",
        description="Author and committer of syncd's commits: `Name <email>`.",
    )
    token: SecretStr | None = Field(
        default=None, description="HTTPS token; write `${ENV_VAR}`. Never logged or stored."
    )
    token_file: Path | None = Field(default=None, description="File holding the HTTPS token.")
    username: str | None = Field(
        default=None,
        description="HTTPS user name sent with the token; default x-access-token (GitHub), "
        "oauth2 (GitLab), syncd elsewhere.",
    )
    ssh_key_file: Path | None = Field(
        default=None, description="Private key for ssh:// and git@ URLs (a deploy key)."
    )
    known_hosts_file: Path | None = Field(
        default=None,
        description="known_hosts with the server's host key; default `known_hosts` next to "
        "the clone.",
    )
    accept_new_host_key: bool = Field(
        default=False,
        description="Trust an ssh host key on first use and remember it (instead of refusing).",
    )
    workdir: Path | None = Field(
        default=None,
        description="Where syncd keeps its clone; default `repo/` next to a SQLite store, "
        "else `.syncd/repo`.",
    )
    host: HostKind | None = Field(
        default=None,
        description="github or gitlab, for links and pull requests; guessed from the URL's "
        "host name when unset.",
    )
    project: str | None = Field(
        default=None,
        description="Repository path on the host (`owner/name`, `group/sub/name`) for links "
        "and pull requests; default: the path of `url`.",
    )
    api_url: str | None = Field(
        default=None,
        description="Pull/merge request API base when it cannot be derived from `url`.",
    )
    pull_request_tracker: str | None = Field(
        default=None,
        description="Name of a github/gitlab tracker whose URL and token open the PR/MR; "
        "unset = the repository's own URL and token.",
    )
    pull_request_branch: str = Field(
        default="syncd/updates", description="The one branch syncd's pull request comes from."
    )
    push_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        description="Pushes per pass before giving up when others keep pushing first.",
    )
    timeout: float = Field(default=120.0, gt=0, description="Seconds per git command.")

    @field_validator("url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        remote = parse_remote(value)
        if remote.has_password or (remote.transport in ("https", "http") and remote.user):
            raise ValueError(
                "the URL carries credentials; put the token in `token` or `token_file` "
                "(git would store the URL in its config and print it in errors)"
            )
        return value

    @field_validator("branch", "pull_request_branch")
    @classmethod
    def _branch_name(cls, value: str) -> str:
        if not value or _BAD_REF.search(value):
            raise ValueError(f"`{value}` is not a branch name git accepts")
        return value

    @field_validator("author")
    @classmethod
    def _author(cls, value: str) -> str:
        if not _AUTHOR.fullmatch(value.strip()):
            raise ValueError(f"`{value}` is not `Name <email>`, e.g. `syncd <syncd@acme.example>`")
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> RepoConfig:
        remote = self.remote()
        sources = [
            name
            for name, given in (
                ("token", self.token),
                ("token_file", self.token_file),
                ("ssh_key_file", self.ssh_key_file),
            )
            if given is not None
        ]
        if len(sources) > 1:
            raise ValueError(f"give one credential source, not {' and '.join(sources)}")
        if sources and sources[0] != "ssh_key_file" and remote.transport not in ("https", "http"):
            raise ValueError(f"`{sources[0]}` is for https:// URLs; ssh URLs use `ssh_key_file`")
        if sources == ["ssh_key_file"] and remote.transport != "ssh":
            raise ValueError("`ssh_key_file` is for ssh:// and git@HOST:PATH URLs")
        if sources and remote.transport == "http" and not remote.loopback:
            raise ValueError("a token would travel in clear over http://; use https://")
        if self.pull_request_branch == self.branch:
            raise ValueError("`pull_request_branch` must differ from `branch`")
        if self.delivery != "pull_request" and self.pull_request_tracker is not None:
            raise ValueError("`pull_request_tracker` is only used with `delivery: pull_request`")
        if self.delivery == "pull_request" and remote.transport == "file" and not self.project:
            raise ValueError("`delivery: pull_request` with a file:// URL needs `project`")
        if self.delivery == "pull_request" and self.pull_request_tracker is None:
            self._own_api_problem(remote)
        return self

    def _own_api_problem(self, remote: Remote) -> None:
        kind = self.kind()
        if kind is None:
            raise ValueError(
                "`delivery: pull_request` needs to know the host: set `host: github` or "
                "`host: gitlab`, or `pull_request_tracker`"
            )
        if self.token is None and self.token_file is None:
            raise ValueError(
                "`delivery: pull_request` needs an API token: set `token` or `token_file`, "
                "or `pull_request_tracker` naming a tracker that has one"
            )
        if remote.transport == "file" and self.api_url is None:
            raise ValueError("`delivery: pull_request` with a file:// URL needs `api_url`")

    # -- derived values ------------------------------------------------------------------------
    def remote(self) -> Remote:
        """The parsed `url`."""
        return parse_remote(self.url)

    def kind(self) -> HostKind | None:
        """github / gitlab: configured, else guessed from the host name."""
        return host_kind(self.remote(), self.host)

    def project_path(self) -> str:
        """`owner/name` on the host: `project`, else the path of `url` without `.git`."""
        return self.project or self.remote().project

    def author_parts(self) -> tuple[str, str]:
        """(name, email) of `author`."""
        match = _AUTHOR.fullmatch(self.author)
        assert match is not None  # validated
        return match["name"], match["email"]

    def https_username(self) -> str:
        """The user name sent with the token (GitLab wants `oauth2`: gitlab#349461)."""
        if self.username:
            return self.username
        return {"github": "x-access-token", "gitlab": "oauth2"}.get(self.kind() or "", "syncd")

    def secret(self) -> str | None:
        """The HTTPS token from `token` or `token_file` (read at use, never logged)."""
        if self.token is not None:
            return self.token.get_secret_value()
        if self.token_file is not None:
            return self.token_file.read_text(encoding="utf-8").strip()
        return None

    def anchored(self, base_dir: Path) -> RepoConfig:
        """This config with relative file settings made relative to `base_dir`."""
        update = {
            name: base_dir / value.expanduser()
            for name in ("token_file", "ssh_key_file", "known_hosts_file", "workdir")
            if isinstance(value := getattr(self, name), Path)
            and not value.expanduser().is_absolute()
        }
        return self.model_copy(update=update) if update else self


def review_url_template(repo: RepoConfig) -> str | None:
    """The ticket backlink to a review on the repository host, with `{path}` and `{line}`:
    `https://github.com/acme/postmortems/blob/main/{path}#L{line}`; GitLab
    `…/-/blob/main/{path}#L{line}`. None when the host is unknown (set `sync.review_url`)."""
    return blob_url_template(repo.url, repo.branch, repo.host)


def records_problems(root: Path, paths: Sequence[str]) -> list[tuple[Loc, str]]:
    """With `records.repo`, the globs are relative to the repository root and stay inside it."""
    found: list[tuple[Loc, str]] = []
    if PurePosixPath(root.as_posix()) != PurePosixPath("."):
        found.append(
            (
                ("records", "root"),
                "with `records.repo`, `paths` are relative to the repository root; "
                "drop `root` and put its folder into `paths`",
            )
        )
    for index, pattern in enumerate(paths):
        pure = PurePosixPath(pattern)
        if pure.is_absolute() or pattern.startswith("~") or ".." in pure.parts:
            found.append(
                (
                    ("records", "paths", index),
                    f"`{pattern}` must be relative to the repository root and stay inside it",
                )
            )
    return found


def tracker_problems(repo: object, trackers: Mapping[str, object]) -> list[tuple[Loc, str]]:
    """`records.repo.pull_request_tracker` must name a github or gitlab tracker.

    Works on raw data (a dict) and on models alike: the loader checks it before validation so
    the problem comes with its line, the model checks it again for direct use."""
    name = repo.get("pull_request_tracker") if isinstance(repo, dict) else None
    if isinstance(repo, RepoConfig):
        name = repo.pull_request_tracker
    if not isinstance(name, str):
        return []
    loc: Loc = ("records", "repo", "pull_request_tracker")
    if name not in trackers:
        names = ", ".join(sorted(trackers)) or "none"
        return [(loc, f"names tracker `{name}`, which is not configured (configured: {names})")]
    entry = trackers[name]
    kind = entry.get("kind") if isinstance(entry, dict) else getattr(entry, "kind", None)
    if kind not in _PR_KINDS:
        return [(loc, f"tracker `{name}` is {kind}; pull requests need a github or gitlab one")]
    return []
