"""`syncd check` with the reviews in a remote git repository (records.repo): the pass reads
the branch head, writes its marks, and pushes one commit; a person's edit of the same line,
pushed while syncd planned, wins — syncd re-plans that review and marks the person's text."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.repo.conftest import RemoteRepo, git
from tests.system.conftest import Run, write

REVIEW = """\
---
date: 2026-05-02
severity: SEV-2
---
# Checkout outage

## Action items
- [ ] Alert on checkout 5xx rate — owner: @priya — due: 2026-05-20
- [ ] Pin the base image — owner: @sam — due: 2027-01-10
"""
PATH = "postmortems/2026-05-checkout.md"
TODAY = "2026-06-01"


def _project(tmp_path: Path, delivery: str = "push") -> tuple[Path, RemoteRepo]:
    remote = RemoteRepo(tmp_path / "host", {PATH: REVIEW, "README.md": "Postmortems.\n"})
    base = tmp_path / "syncd"
    write(
        base / "syncd.yaml",
        f"""
        timezone: UTC
        records:
          paths: ["postmortems/**/*.md"]
          repo:
            url: {remote.url}
            branch: main
            delivery: {delivery}
            author: "syncd <syncd@acme.example>"
        """,
    )
    return base, remote


def test_check_reads_the_branch_marks_and_pushes_one_commit(tmp_path: Path, run: Run) -> None:
    base, remote = _project(tmp_path)
    result = run("check", "--today", TODAY, cwd=base)
    assert result.returncode == 1, result.stdout + result.stderr  # overdue: exit 1
    assert "Pushed " in result.stdout
    text = remote.show(PATH)
    assert "due: 2026-05-20 · ⚠ overdue since 2026-05-21" in text
    sha, author, message = remote.log()[0]
    assert author == "syncd@acme.example"
    assert "Alert on checkout 5xx rate" in message and "overdue since 2026-05-21" in message
    assert remote.only_fast_forwards()
    # Nothing changed: no second commit.
    again = run("check", "--today", TODAY, cwd=base)
    assert again.returncode == 1 and "Pushed" not in again.stdout
    assert remote.log()[0][0] == sha


def test_a_persons_edit_of_the_same_line_wins_and_is_marked(tmp_path: Path, run: Run) -> None:
    base, remote = _project(tmp_path)
    git(remote.person, "pull", "--quiet", "origin", "main")
    # The person rewords the overdue item and pushes just before syncd's first push.
    real = "/usr/bin/git" if os.path.exists("/usr/bin/git") else "git"
    person = remote.person
    edit = f"{tmp_path}/edit.sh"
    Path(edit).write_text(
        "#!/bin/sh\nset -e\n"
        # syncd runs git with its own author and repository settings: not the person's
        "unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL\n"
        "unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f"cd {person}\n"
        f"sed -i 's/Alert on checkout 5xx rate/Alert on checkout 5xx and 4xx rates/' {PATH}\n"
        f"{real} -c user.name=Person -c user.email=person@acme.example commit --quiet -am reword\n"
        f"{real} push --quiet origin HEAD:main\n",
        encoding="utf-8",
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = push ] && [ ! -e {tmp_path}/done ]; then touch {tmp_path}/done; '
        f"sh {edit} >/dev/null 2>&1; fi\n"
        f'exec {real} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = run("check", "--today", TODAY, cwd=base, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    text = remote.show(PATH)
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    assert (
        "Alert on checkout 5xx and 4xx rates — owner: @priya — due: 2026-05-20 · ⚠ overdue" in text
    )
    (_, syncd_author, _), (_, person_author, reword), *_ = remote.log()
    assert (syncd_author, person_author, reword.strip()) == (
        "syncd@acme.example",
        "person@acme.example",
        "reword",
    )
    assert remote.only_fast_forwards()


def test_a_dry_run_shows_the_diff_and_pushes_nothing(tmp_path: Path, run: Run) -> None:
    base, remote = _project(tmp_path)
    before = remote.head()
    write(base / "syncd.yaml", (base / "syncd.yaml").read_text() + "trackers: {}\n")
    result = run("check", "--today", TODAY, "--no-write", cwd=base)
    assert result.returncode == 1, result.stdout + result.stderr
    assert remote.head() == before
