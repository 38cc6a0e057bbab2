"""Renderings: hostile review text escaped or defused in every format, chat payloads within
their limits (split at the edges), the HTML email self-contained."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from syncd.digest import chat
from syncd.digest.model import Digest
from syncd.digest.render import FORMATS, HTML_BUDGET, Renderer, RenderOptions
from tests.digest_world import HOSTILE, digest, reports

RENDERER = Renderer()
OPTIONS = RenderOptions(zone="Europe/Berlin")


def hostile_digest() -> Digest:
    text = f"""
        ---
        title: "Evil <b>title</b> @here"
        date: 2026-05-12
        ---
        ## Action Items
        - [ ] {HOSTILE} — owner: @priya — due: 2026-06-04
        - [ ] Plain item [link](javascript:alert(1)) *bold* — owner: @sam — due: 2026-06-05
        """
    return digest(reports(("reviews/evil.md", text)))


def big_digest(items: int, owners: int = 1) -> Digest:
    lines = "\n".join(
        f"- [ ] Rotate credential number {n} for the payments gateway cluster in region "
        f"eu-west-{n % 3} — owner: @owner{n % owners} — due: 2026-05-{1 + n % 28:02d}"
        for n in range(items)
    )
    text = f"---\ntitle: Big\ndate: 2026-04-01\n---\n## Action Items\n{lines}\n"
    return digest(reports(("reviews/big.md", text)))


# --- escaping -------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_escapes_review_text_and_loads_nothing_remote() -> None:
    html = RENDERER.render(hostile_digest(), "html", OPTIONS)
    parser = _Tags()
    parser.feed(html)
    names = [tag for tag, _ in parser.tags]
    assert "script" not in names and "link" not in names and "img" not in names
    assert names.count("style") == 1  # only the dark-mode hint
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Evil &lt;b&gt;title&lt;/b&gt;" in html
    assert not any((attrs.get("href") or "").startswith("javascript:") for _, attrs in parser.tags)
    assert "http" not in re.sub(r'href="[^"]*"', "", html).replace("http-equiv", "")


@pytest.mark.parametrize("fmt", ["slack", "teams", "text", "markdown"])
def test_chat_and_text_formats_neutralise_mentions(fmt: str) -> None:
    rendered = RENDERER.render(hostile_digest(), fmt, OPTIONS)  # type: ignore[arg-type]
    for live in ("<!here>", "<!channel>", "<@U024BE7LH>", "@channel", "@everyone", "@here"):
        assert live not in rendered, (fmt, live)
    assert "@\u2060channel" in rendered or "@\\u2060channel" in rendered


def test_slack_escapes_its_three_control_characters_and_links_nothing_itself() -> None:
    payload = json.loads(RENDERER.render(hostile_digest(), "slack", OPTIONS))[0]
    texts = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    joined = "\n".join(texts)
    assert "&lt;script&gt;" in joined and "&lt;\u2060!here&gt;" in joined
    assert all(b["text"]["verbatim"] for b in payload["blocks"] if b["type"] == "section")
    assert "<script>" not in joined


def test_markdown_keeps_review_text_from_becoming_markup() -> None:
    md = RENDERER.render(hostile_digest(), "markdown", OPTIONS)
    assert "&lt;script>" in md
    assert "\\[link\\](javascript:alert(1)) \\*bold\\*" in md


def test_a_tracker_issue_body_mentions_and_references_nobody() -> None:
    md = RENDERER.render(hostile_digest(), "markdown", RenderOptions(issue=True))
    outside_code = re.sub(r"`[^`]*`", "", md)
    assert re.search(r"[@#]\w", outside_code) is None  # owners are code spans, as GitHub needs
    assert "`@priya`" in md


# --- chat limits ----------------------------------------------------------------------------


def _slack_text(message: dict[str, object]) -> int:
    return sum(chat._block_text(b) for b in message["blocks"])  # type: ignore[attr-defined]


def test_a_small_digest_is_one_slack_message_with_a_fallback_text() -> None:
    (message,) = chat.slack_payloads(RENDERER, digest(), OPTIONS)
    assert message["text"].startswith("5 open actions, 2 overdue — Open actions: weekly")
    assert message["blocks"][0]["type"] == "header"


@pytest.mark.parametrize("items", [40, 120, 400])
def test_big_slack_digests_split_within_every_limit(items: int) -> None:
    big = big_digest(items, owners=3)
    messages = chat.slack_payloads(RENDERER, big, RenderOptions(max_items=1000))
    for index, message in enumerate(messages, 1):
        assert len(message["blocks"]) <= chat.SLACK_MAX_BLOCKS
        assert _slack_text(message) <= chat.SLACK_MAX_TEXT
        header = message["blocks"][0]["text"]["text"]
        assert len(header) <= chat.SLACK_MAX_HEADER
        if len(messages) > 1:
            assert header.endswith(f"({index}/{len(messages)})")
        for block in message["blocks"][1:]:
            text = block["text"]["text"]
            assert len(text) <= chat.SLACK_MAX_SECTION
            assert text.count("<") == text.count(">")  # never split inside a <url|label>
    shown = sum(
        b["text"]["text"].count("\n• ") + b["text"]["text"].startswith("• ")
        for m in messages
        for b in m["blocks"][1:]
    )
    assert shown == 2 * items  # every item, in "overdue" and again in "needs a decision"
    assert (len(messages) > 1) == (items >= 120)


def test_slack_chunks_split_exactly_at_the_section_limit() -> None:
    line = "x" * 999
    pieces = list(chat._chunks([line, line, line], 2_000))
    assert pieces == [f"{line}\n{line}", line]  # 999 + 1 + 999 = 1,999 fits; a third does not
    assert list(chat._chunks(["y" * 3_000], 2_900)) == ["y" * 2_899 + "…"]


def test_capped_sections_say_how_many_more() -> None:
    text = RENDERER.render(big_digest(30), "slack", RenderOptions(max_items=5))
    assert "… and 25 more" in text
    assert "syncd status --flag overdue" in text


def test_teams_cards_stay_under_24_kb_and_are_numbered() -> None:
    cards = chat.teams_payloads(RENDERER, big_digest(400, owners=3), RenderOptions(max_items=1000))
    assert len(cards) > 1
    for index, card in enumerate(cards, 1):
        assert len(json.dumps(card, ensure_ascii=False).encode()) <= chat.TEAMS_MAX_BYTES
        assert card["type"] == "message"
        content = card["attachments"][0]["content"]
        assert content["type"] == "AdaptiveCard"
        assert content["body"][0]["text"].endswith(f"({index}/{len(cards)})")


def test_a_huge_html_email_is_cut_to_stay_under_gmails_clipping() -> None:
    html = RENDERER.render(big_digest(2_000, owners=40), "html", RenderOptions(max_items=200))
    assert len(html.encode()) <= HTML_BUDGET
    assert "… and " in html


# --- every format ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_digest(fmt: str) -> None:
    empty = digest(reports(("reviews/none.md", "# Nothing\n")), today=date(2026, 6, 10))
    out = RENDERER.render(empty, fmt, OPTIONS)  # type: ignore[arg-type]
    assert out.strip()
    if fmt in ("text", "markdown", "html"):
        assert "Nothing is open" in out


def test_text_reads_as_a_report() -> None:
    text = RENDERER.render(digest(), "text", OPTIONS)
    assert text.startswith("Open actions: weekly — 2026-W23\n2026-06-01 09:00 to 2026-06-08 09:00")
    assert "OVERDUE (2), by owner, oldest first" in text
    assert "- Alert on checkout 5xx above 3% [@priya; due 2026-06-04; 6 days overdue]" in text
    assert "reviews/2026-05-12-checkout.md:10" in text


def test_a_long_running_process_renders_digests_without_growing() -> None:
    import gc
    import tracemalloc

    renderer = Renderer()
    d = digest()

    def week() -> None:
        for fmt in FORMATS:
            renderer.render(d, fmt, OPTIONS)

    for _ in range(5):
        week()  # templates compiled, caches warm
    gc.collect()
    tracemalloc.start()
    try:
        week()
        gc.collect()
        before = tracemalloc.take_snapshot()
        for _ in range(40):
            week()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < 64 * 1024, f"grew {grown} bytes over 40 renderings of every format"
