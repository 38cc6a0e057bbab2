"""Render a `Digest` to text, Markdown, HTML email, JSON, Slack Block Kit or a Teams card.

Two Jinja2 environments per `Renderer` (reference §5): HTML autoescaped, the text formats
not, both `StrictUndefined`; per-format escape filters (escape.py) on every value taken from
a review. JSON is `json.dumps`, never a template. A `Renderer` holds only its environments
(compiled templates are cached inside them, a fixed set), so a long-running service keeps one
and renders for months without growing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import jinja2

from syncd.digest import escape
from syncd.digest.jsonout import digest_json_text
from syncd.digest.model import Digest, Selection

Format = Literal["text", "markdown", "html", "json", "slack", "teams"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html", "json", "slack", "teams")
_TEMPLATES = Path(__file__).parent / "templates"
HTML_BUDGET = 90_000  # bytes of HTML source; Gmail clips at ~102 KB (reference §4)


@dataclass(frozen=True, slots=True)
class RenderOptions:
    max_items: int = 10  # per section and per owner, then "and N more"
    more_url: str | None = None
    zone: str = "UTC"
    issue: bool = False  # Markdown for a tracker issue body: no mentions, no references


def pct(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}%"


def days(n: int | float | None) -> str:
    if n is None:
        return "–"
    whole = round(n)
    return f"{whole} day" if whole == 1 else f"{whole} days"


def days_or_dash(n: float | None) -> str:
    return "–" if n is None else days(n)


def selected(selection: Selection) -> str:
    parts = [
        f"{name} {', '.join(values)}"
        for name, values in (
            ("teams", selection.teams),
            ("services", selection.services),
            ("owners", selection.owners),
            ("trackers", selection.trackers),
        )
        if values
    ]
    return "; ".join(parts)


def local(instant: datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        e_plain=escape.plain,
        e_slack=escape.slack,
        e_md=escape.markdown,
        e_issue=escape.issue,
        e_teams=escape.teams,
        e_url=escape.url,
        pct=pct,
        days=days,
        days_or_dash=days_or_dash,
        selected=selected,
        local=local,
    )
    return env


class Renderer:
    """Renders digests; build one and keep it (its templates compile once)."""

    def __init__(self) -> None:
        self.html_env = _environment(autoescape=True)
        self.text_env = _environment(autoescape=False)

    def render(self, digest: Digest, fmt: Format, options: RenderOptions) -> str:
        """One rendering as text (slack and teams: the JSON payloads, one per message)."""
        if fmt == "json":
            return digest_json_text(digest)
        if fmt == "html":
            return self.html(digest, options)
        if fmt in ("slack", "teams"):
            from syncd.digest import chat

            pack = chat.slack_payloads if fmt == "slack" else chat.teams_payloads
            return json.dumps(pack(self, digest, options), indent=2, ensure_ascii=False) + "\n"
        name = "text.txt.j2" if fmt == "text" else "markdown.md.j2"
        return self._render(self.text_env, name, digest, options)

    def html(self, digest: Digest, options: RenderOptions) -> str:
        """The HTML email body, within the size Gmail shows without clipping: long lists are
        cut shorter (with "and N more") until it fits."""
        while True:
            html = self._render(self.html_env, "email.html.j2", digest, options)
            if len(html.encode()) <= HTML_BUDGET or options.max_items <= 1:
                return html
            options = replace(options, max_items=max(1, options.max_items // 2))

    def macros(self, name: str, options: RenderOptions) -> Any:
        """A template's macros, callable from Python (the chat packers use them)."""
        template = self.text_env.get_template(name)
        return template.make_module({"o": options, **self._globals(options)})

    def _render(
        self, env: jinja2.Environment, name: str, digest: Digest, options: RenderOptions
    ) -> str:
        return env.get_template(name).render(d=digest, o=options, **self._globals(options))

    @staticmethod
    def _globals(options: RenderOptions) -> dict[str, Any]:
        return {"local_zone": options.zone}
