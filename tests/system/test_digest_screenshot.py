"""The HTML digest email renders in a real browser (headless Chromium) at desktop and phone
width without errors. Skipped, saying why, where Debian's chromium is not installed."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from syncd.digest.render import Renderer, RenderOptions
from tests.unit.test_digest_render import hostile_digest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from screenshot import chromium, screenshot

BROWSER = chromium()
needs_chromium = pytest.mark.skipif(
    BROWSER is None, reason="chromium is not installed (apt-get install -y chromium)"
)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@needs_chromium
@pytest.mark.parametrize(("width", "height"), [(1000, 900), (390, 900)])
def test_the_email_renders_in_chromium_at_desktop_and_phone_width(
    tmp_path: Path, width: int, height: int
) -> None:
    assert BROWSER is not None
    page = tmp_path / "digest.html"
    page.write_text(Renderer().render(hostile_digest(), "html", RenderOptions()), "utf-8")
    png = tmp_path / "shot.png"
    screenshot(BROWSER, page, png, width, height)
    assert png_size(png) == (width, height)
    assert png.stat().st_size > 5_000  # a page with text, not a blank frame


@needs_chromium
def test_the_email_dom_is_what_was_sent_and_nothing_ran(tmp_path: Path) -> None:
    assert BROWSER is not None
    page = tmp_path / "digest.html"
    page.write_text(Renderer().render(hostile_digest(), "html", RenderOptions()), "utf-8")
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = done.stdout
    assert "Overdue, by owner" in dom
    assert "<script" not in dom  # the review's <script> stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_screenshots_in_docs_are_current_sizes() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    assert png_size(docs / "digest-email-desktop.png")[0] == 1000
    assert png_size(docs / "digest-email-phone.png")[0] == 390
