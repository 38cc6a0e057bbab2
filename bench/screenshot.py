"""Screenshots of the HTML digest email in headless Chromium, desktop and phone width.

    python bench/screenshot.py [--out docs]     (make screenshot)

Renders the digest of the bundled example reviews as of a fixed day with the real `syncd`
command, then has Debian's `chromium` take a picture at 1000 px and at 390 px (a phone).
Needs `apt-get install -y chromium`; exits 2 saying so when it is missing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYNCD = Path(sys.executable).with_name("syncd")
TODAY = "2026-11-30"
SIZES = {"desktop": (1000, 1500), "phone": (390, 1500)}


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> None:
    """One headless Chromium screenshot of `page`; raises CalledProcessError on failure."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def render_example(work: Path) -> Path:
    shutil.copy(ROOT / "config.example.yaml", work / "syncd.yaml")
    shutil.copytree(ROOT / "examples", work / "examples")
    page = work / "digest.html"
    subprocess.run(
        [str(SYNCD), "digest", "--format", "html", "--today", TODAY, "-o", str(page)],
        cwd=work,
        check=True,
    )
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        print("chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        page = render_example(Path(tmp))
        for name, (width, height) in SIZES.items():
            png = args.out / f"digest-email-{name}.png"
            screenshot(browser, page, png, width, height)
            print(f"wrote {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
