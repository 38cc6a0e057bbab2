"""What a remote URL says: its transport, host and path; the web and API addresses derived
from it; the review link template for tickets. PURE: text in, values out, no I/O.

Forms git accepts and syncd supports: `https://host/path.git`, `http://…` (loopback or
test servers), `ssh://[user@]host[:port]/path.git`, scp-like `user@host:path.git`, and
`file:///abs/path.git`. Local paths without `file://` are not accepted: the clone is
syncd's own, and an explicit scheme keeps "is this remote?" obvious.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

HostKind = Literal["github", "gitlab"]
Transport = Literal["https", "http", "ssh", "file"]

_SCP = re.compile(r"(?P<user>[A-Za-z0-9._~-]+)@(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/].*)")
_SCHEMES: dict[str, Transport] = {
    "https": "https",
    "http": "http",
    "ssh": "ssh",
    "git+ssh": "ssh",
    "file": "file",
}


@dataclass(frozen=True, slots=True)
class Remote:
    """A parsed remote URL. `path` has no leading slash and keeps a trailing `.git`."""

    transport: Transport
    host: str  # lower-case; empty for file://
    port: int | None
    path: str
    has_password: bool = False
    user: str | None = None

    @property
    def project(self) -> str:
        """`owner/name` (GitHub) or `group/sub/name` (GitLab): the path without `.git`."""
        return self.path.removesuffix("/").removesuffix(".git")

    @property
    def loopback(self) -> bool:
        """True when the host is this machine (plain http is tolerated only there)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False


def parse_remote(url: str) -> Remote:
    """The parts of a remote URL; ValueError, worded for the config file, when unsupported."""
    text = url.strip()
    scp = _SCP.fullmatch(text)
    if scp and "://" not in text:
        return Remote("ssh", scp["host"].lower(), None, scp["path"], user=scp["user"])
    if "://" not in text:
        raise ValueError(
            f"`{text}` is not a remote URL; use https://HOST/OWNER/REPO.git, "
            "ssh://git@HOST/OWNER/REPO.git, git@HOST:OWNER/REPO.git or file:///PATH"
        )
    parts = urlsplit(text)
    transport = _SCHEMES.get(parts.scheme.lower())
    if transport is None:
        raise ValueError(
            f"unsupported scheme `{parts.scheme}://`; use https://, ssh://, git@HOST:PATH "
            "or file://"
        )
    if parts.query or parts.fragment:
        raise ValueError("a remote URL has no `?query` or `#fragment`")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"`{text}` has an invalid port") from None
    path = parts.path.lstrip("/") if transport != "file" else parts.path
    if transport == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError("a file:// URL names a local path: file:///srv/git/reviews.git")
        if not path.startswith("/"):
            raise ValueError("a file:// URL needs an absolute path: file:///srv/git/reviews.git")
        return Remote("file", "", None, path)
    if not parts.hostname:
        raise ValueError(f"`{text}` names no host")
    if not path.strip("/"):
        raise ValueError(f"`{text}` names no repository path")
    return Remote(
        transport,
        parts.hostname.lower(),
        port,
        path,
        has_password=parts.password is not None,
        user=parts.username,
    )


def host_kind(remote: Remote, given: HostKind | None = None) -> HostKind | None:
    """The hosting software: as configured, else guessed from the host name."""
    if given is not None:
        return given
    if "github" in remote.host:
        return "github"
    if "gitlab" in remote.host:
        return "gitlab"
    return None


def web_url(remote: Remote) -> str | None:
    """The repository's page: `https://github.com/acme/postmortems` (None for file://)."""
    if remote.transport == "file":
        return None
    if remote.transport in ("https", "http"):
        port = f":{remote.port}" if remote.port else ""
        return f"{remote.transport}://{remote.host}{port}/{remote.project}"
    # ssh: the web UI is on https at the same host name; the ssh port says nothing about it.
    return f"https://{remote.host}/{remote.project}"


def blob_url_template(url: str, branch: str, given_kind: HostKind | None = None) -> str | None:
    """Blob URL of a review at `branch`, with `{path}` and `{line}` placeholders.

    GitHub: `…/blob/main/{path}#L{line}`; GitLab: `…/-/blob/main/{path}#L{line}`; None when
    the host is neither (or the remote is a local path): then set `sync.review_url`.
    """
    try:
        remote = parse_remote(url)
    except ValueError:
        return None
    kind = host_kind(remote, given_kind)
    base = web_url(remote)
    if kind is None or base is None:
        return None
    middle = "/blob/" if kind == "github" else "/-/blob/"
    literal = (base + middle + branch + "/").replace("{", "{{").replace("}", "}}")
    return literal + "{path}#L{line}"


def api_url(remote: Remote, kind: HostKind) -> str | None:
    """Where the pull/merge request API of this host is, for `delivery: pull_request`."""
    if remote.transport == "file":
        return None
    if kind == "github":
        if remote.host == "github.com":
            return "https://api.github.com"
        scheme = "http" if remote.transport == "http" else "https"
        port = f":{remote.port}" if remote.port and remote.transport != "ssh" else ""
        return f"{scheme}://{remote.host}{port}/api/v3"  # GitHub Enterprise Server
    base = web_url(remote)
    return base.removesuffix("/" + remote.project) if base else None
