"""`records.repo` in syncd.yaml: every problem at once with its line; derived links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syncd.config.load import load_config, parse_config
from syncd.errors import ConfigError
from syncd.repo.config import RepoConfig, review_url_template
from syncd.repo.workspace import default_workdir

ENV = {"GIT_TOKEN": "s3cret-token"}


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as failed:
        parse_config(text, name="syncd.yaml", env=ENV)
    return list(failed.value.problems)


def test_the_issue_example_validates() -> None:
    config = parse_config(
        "records:\n"
        "  repo:\n"
        "    url: https://github.com/acme/postmortems.git\n"
        "    branch: main\n"
        "    delivery: push\n"
        '    author: "syncd <syncd@acme.example>"\n'
        "    token: ${GIT_TOKEN}\n"
        '  paths: ["postmortems/**/*.md"]\n',
        name="syncd.yaml",
        env=ENV,
    )
    repo = config.records.repo
    assert repo is not None and repo.secret() == "s3cret-token"
    assert "s3cret" not in repr(config) and repo.https_username() == "x-access-token"


def test_every_repo_problem_is_reported_at_once_with_its_line() -> None:
    found = problems(
        "records:\n"
        "  root: reviews\n"
        "  repo:\n"
        "    url: https://bot:hunter2@github.com/acme/postmortems.git\n"
        "    branch: feature..x\n"
        "    delivery: merge\n"
        "    author: syncd\n"
        '  paths: ["/srv/reviews/*.md", "../elsewhere/*.md"]\n'
    )
    text = "\n".join(found)
    assert "syncd.yaml:2 records.root: with `records.repo`" in text
    assert "syncd.yaml:4 records.repo.url: the URL carries credentials" in text
    assert "hunter2" not in text
    assert "syncd.yaml:5 records.repo.branch: `feature..x` is not a branch name" in text
    assert "syncd.yaml:6 records.repo.delivery: must be one of `commit`, `push`" in text
    assert "syncd.yaml:7 records.repo.author: `syncd` is not `Name <email>`" in text
    assert "syncd.yaml:8 records.paths[0]: `/srv/reviews/*.md` must be relative" in text
    assert "syncd.yaml:8 records.paths[1]: `../elsewhere/*.md` must be relative" in text


@pytest.mark.parametrize(
    ("repo", "message"),
    [
        ("{url: 'ftp://h/r.git'}", "unsupported scheme `ftp://`"),
        ("{url: /srv/git/r.git}", "is not a remote URL"),
        ("{url: 'http://git.acme.example/r.git', token: x}", "travel in clear over http://"),
        ("{url: 'https://h/r.git', token: x, token_file: f}", "one credential source"),
        ("{url: 'git@h:r.git', token: x}", "ssh URLs use `ssh_key_file`"),
        ("{url: 'https://h/r.git', ssh_key_file: k}", "`ssh_key_file` is for ssh://"),
        ("{url: 'https://h/r.git', delivery: pull_request}", "needs to know the host"),
        ("{url: 'https://github.com/a/r.git', delivery: pull_request}", "needs an API token"),
        ("{url: 'https://h/r.git', pull_request_tracker: gh}", "only used with `delivery"),
        ("{url: 'https://h/r.git', pull_request_branch: main}", "must differ from `branch`"),
        ("{url: 'https://h/r.git', delivery: pull_request, pull_request_tracker: nope}", "nope"),
    ],
)
def test_repo_settings_that_cannot_work_are_refused(repo: str, message: str) -> None:
    assert any(message in p for p in problems(f"records:\n  repo: {repo}\n")), message


def test_pull_request_tracker_must_be_github_or_gitlab() -> None:
    found = problems(
        "trackers:\n"
        "  jira: {kind: jira, url: 'https://a.atlassian.net', project: OPS, email: a@b.c}\n"
        "records:\n"
        "  repo:\n"
        "    url: git@github.com:acme/postmortems.git\n"
        "    delivery: pull_request\n"
        "    pull_request_tracker: jira\n"
    )
    assert found == [
        "syncd.yaml:7 records.repo.pull_request_tracker: tracker `jira` is jira; pull "
        "requests need a github or gitlab one"
    ]


def test_plain_http_with_a_token_is_fine_on_loopback() -> None:
    config = RepoConfig(url="http://127.0.0.1:8080/r.git", token="x")  # type: ignore[arg-type]
    assert config.remote().loopback


@pytest.mark.parametrize(
    ("url", "host", "expected"),
    [
        (
            "https://github.com/acme/postmortems.git",
            None,
            "https://github.com/acme/postmortems/blob/main/{path}#L{line}",
        ),
        (
            "git@github.com:acme/postmortems.git",
            None,
            "https://github.com/acme/postmortems/blob/main/{path}#L{line}",
        ),
        (
            "ssh://git@gitlab.com:2222/grp/sub/postmortems.git",
            None,
            "https://gitlab.com/grp/sub/postmortems/-/blob/main/{path}#L{line}",
        ),
        (
            "https://git.acme.example/ops/postmortems",
            "gitlab",
            "https://git.acme.example/ops/postmortems/-/blob/main/{path}#L{line}",
        ),
        ("https://git.acme.example/ops/postmortems.git", None, None),
        ("file:///srv/git/postmortems.git", "github", None),
    ],
)
def test_review_url_template_points_at_the_review_on_the_host(
    url: str, host: str | None, expected: str | None
) -> None:
    repo = RepoConfig.model_validate({"url": url, "host": host})
    assert review_url_template(repo) == expected
    if expected:
        filled = expected.format(path="postmortems/x.md", line=12)
        assert filled.endswith("/main/postmortems/x.md#L12")


def test_braces_in_a_branch_name_stay_literal() -> None:
    repo = RepoConfig(url="https://github.com/a/r.git", branch="release{1}")
    template = review_url_template(repo)
    assert template is not None
    assert template.format(path="x.md", line=3).endswith("/blob/release{1}/x.md#L3")


def test_relative_files_are_relative_to_the_config_and_the_clone_sits_by_the_store(
    tmp_path: Path,
) -> None:
    (tmp_path / "syncd.yaml").write_text(
        "store: {url: 'sqlite:///state/syncd.db'}\n"
        "records:\n"
        "  repo:\n"
        "    url: https://github.com/acme/postmortems.git\n"
        "    token_file: secrets/git_token\n",
        encoding="utf-8",
    )
    loaded = load_config(tmp_path / "syncd.yaml", {})
    repo = loaded.config.records.repo
    assert repo is not None and repo.token_file == tmp_path / "secrets" / "git_token"
    assert default_workdir(loaded) == tmp_path / "state" / "repo"
    moved = loaded.config.model_copy(
        update={
            "records": loaded.config.records.model_copy(
                update={"repo": repo.model_copy(update={"workdir": tmp_path / "clone"})}
            )
        }
    )
    assert default_workdir(type(loaded)(moved, loaded.path, loaded.base_dir)) == tmp_path / "clone"


def test_the_example_file_shows_a_working_repo_section() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.yaml"
    # Switched on as a person would: delete each `#: `, keeping the indentation around it.
    text = re.sub(r"(?m)^( *)#: ", r"\1", example.read_text(encoding="utf-8"))
    config = parse_config(
        text,
        name="config.example.yaml",
        env={
            "GITHUB_TOKEN": "g",
            "JIRA_API_TOKEN": "j",
            "JIRA_PAT": "p",
            "SMTP_PASSWORD": "s",
            "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/x",
            "TEAMS_WORKFLOW_URL": "https://x.logic.azure.com/workflows/1",
            "DIGEST_HOOK_SECRET": "h",
        },
    )
    repo = config.records.repo
    assert repo is not None and repo.delivery == "push"
    assert review_url_template(repo) == (
        "https://github.com/acme/postmortems/blob/main/{path}#L{line}"
    )


def test_open_workspace_is_none_for_a_local_folder_and_wired_for_a_repo(tmp_path: Path) -> None:
    from syncd.clock import Clock
    from syncd.repo.workspace import open_workspace
    from syncd.trackers.github.pulls import GitHubPulls

    (tmp_path / "local.yaml").write_text("records: {paths: ['reviews/*.md']}\n", "utf-8")
    assert open_workspace(load_config(tmp_path / "local.yaml", {}), clock=Clock()) is None

    (tmp_path / "syncd.yaml").write_text(
        "trackers:\n"
        "  gh: {kind: github, repo: acme/ops, token: t}\n"
        "records:\n"
        "  repo:\n"
        "    url: git@github.com:acme/postmortems.git\n"
        "    delivery: pull_request\n"
        "    pull_request_tracker: gh\n",
        encoding="utf-8",
    )
    workspace = open_workspace(load_config(tmp_path / "syncd.yaml", {}), clock=Clock())
    assert workspace is not None and isinstance(workspace.pulls, GitHubPulls)
    assert workspace.workdir == tmp_path / ".syncd" / "repo"
