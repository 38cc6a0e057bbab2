"""What a release depends on: one version everywhere, SPDX license metadata, docs that match."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import syncd

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_in_pyproject_and_package_agree() -> None:
    """docs/releasing.md bumps both together; `syncd --version` prints the package's."""
    assert PYPROJECT["project"]["version"] == syncd.__version__


def test_changelog_has_an_unreleased_section_above_dated_releases() -> None:
    """docs/releasing.md moves Unreleased to `## [X.Y.Z] - YYYY-MM-DD` and starts a new one."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"(?m)^## .*$", text)
    assert headings and headings[0] == "## [Unreleased]", headings
    for heading in headings[1:]:
        assert re.fullmatch(r"## \[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", heading), heading


def test_license_is_an_spdx_expression() -> None:
    """A TOML table (`{text = …}`) is deprecated in setuptools ≥ 77 and warns on every build."""
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert not any(c.startswith("License ::") for c in PYPROJECT["project"]["classifiers"])


def test_readme_install_pins_a_tag_of_this_version_scheme() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"pip install 'syncd @ git\+https://[^']+@v\d+\.\d+\.\d+'", text), (
        "README: document `pip install 'syncd @ git+https://…@vX.Y.Z'`"
    )
    assert "pipx install" in text
