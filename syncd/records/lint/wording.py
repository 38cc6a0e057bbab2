"""Judge an action item's wording: vague phrasing (SYN106) and template placeholders (SYN111).

The heuristic is deliberately conservative (docs/lint.md, "SYN106"): a description is vague
only when it *starts* with a vague verb or phrase and carries no concrete signal — a number,
a named artifact, a link or ticket, or a condition clause with specific words. Reviews are
written by people in a hurry; a linter that cries wolf gets switched off.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Sequence

from syncd.records.keys import normalize

DEFAULT_VAGUE: tuple[str, ...] = (
    "improve",
    "enhance",
    "investigate",
    "look into",
    "look at",
    "consider",
    "review",
    "revisit",
    "explore",
    "evaluate",
    "assess",
    "examine",
    "research",
    "analyze",
    "analyse",
    "understand",
    "think about",
    "discuss",
    "communicate",
    "be more careful",
    "be careful",
    "better",
    "more",
    "ensure",
    "make sure",
    "try to",
    "work on",
    "follow up",
    "figure out",
    "raise awareness",
    "increase awareness",
    "optimize",
    "optimise",
    "streamline",
    "strengthen",
    "keep an eye on",
    "pay attention",
    "monitor",
)

# Openers that carry no meaning of their own: "We should improve monitoring" is as vague as
# "Improve monitoring".
_FILLERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(f.split())
    for f in (
        "we should",
        "we need to",
        "we must",
        "we will",
        "we ll",
        "we want to",
        "need to",
        "needs to",
        "should",
        "must",
        "let s",
        "please",
        "also",
        "continue to",
        "going forward",
        "in the future",
        "in future",
    )
)

_STOP = frozenset(
    """a an the of for to in on at by with and or our we us all any some its it this that these
    those be is are was were been being how why what whether when where which who so as from
    into about around across more better overall general generally also etc things stuff thing
    other others related between people everyone team teams further possible possibly
    ways way options alternatives approach approaches next new existing current same each
    there their them they do does done can could would should will need needs want
    again ever happen happens recur doesn don isn won t s anything something everything""".split()  # noqa: SIM905
)

# Objects too broad to name an outcome: "improve monitoring", "review all alerting".
_GENERIC = frozenset(
    """monitoring monitor alerting alert testing test communication communicate process
    procedure practice documentation doc observability visibility reliability stability
    performance resilience robustness tooling tool coverage quality awareness handling
    response incident system infrastructure setup configuration config deployment deploy
    release logging log metric dashboard runbook playbook oncall call escalation security
    capacity error check validation careful care attention workflow pipeline code situation
    issue problem root cause solution safeguard guardrail automation reporting tracking
    detection mitigation prevention recovery backup training sure eye""".split()  # noqa: SIM905
)

# Vague words that are never verbs, noun endings of vague verbs, and the words after a leading
# vague word that make it a noun (`Review of …`). Part of speech without a tagger: the openings
# of action items are few and regular (tests/unit/test_wording_openings.py holds fifty).
_NOT_VERBS = frozenset(("more", "better", "less", "further", "greater", "additional", "proper"))
_NOUN_ENDINGS = ("ment", "ments", "ion", "ions")
_NOUN_MARKERS = frozenset(("of", "into"))

_CONDITION = re.compile(
    r"\b(?:when|whenever|if|unless|until|so that|such that|below|above|within|exceeds?)\b(.*)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_BACKTICK = re.compile(r"`[^`]+`")
_QUOTED = re.compile(r"\"[^\"]{2,}\"|“[^“”]{2,}”")
_URL = re.compile(r"https?://|\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b")
_PATHLIKE = re.compile(r"\b\w+[./]\w+")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|and/or|w/o)\b\.?", re.IGNORECASE)

_PLACEHOLDER_TEXT = re.compile(
    r"^(?:action(?: item)?|item|task|to ?do|tbd|tba|tbc|fixme|xxx|placeholder|description"
    r"|lorem ipsum|n a|na|none|nothing|follow up|copy from \w+(?: \w+)?)(?: \d+)?$"
)
_PLACEHOLDER_MARK = re.compile(r"\b(?:TODO|TBD|FIXME)\s*:|\b(?:TBD|TBA|TBC|XXX)\b|^\s*<[^>]*>\s*$")


class Vagueness(enum.Enum):
    """How vague a description reads."""

    CONCRETE = "concrete"
    VAGUE_VERB = "vague_verb"  # vague opener, but a specific object follows: info at most
    VAGUE = "vague"  # vague opener and nothing specific after it


def is_placeholder(description: str, words: str | None = None) -> bool:
    """A template placeholder left unfilled: `Action`, `TODO`, `TBD`, `…`, `To do #1`.

    `words` is `normalize(description)` when the caller has it already.
    """
    if words is None:
        words = normalize(description)
    if not words:
        return True
    if _PLACEHOLDER_TEXT.match(words):
        return True
    # Each alternative of _PLACEHOLDER_MARK needs one of these; most descriptions have none.
    hinted = (
        "TODO" in description
        or "TB" in description
        or "FIXME" in description
        or "XXX" in description
        or "<" in description
    )
    return hinted and bool(_PLACEHOLDER_MARK.search(description))


def judge_wording(description: str, vague_words: Iterable[str]) -> tuple[Vagueness, str | None]:
    """How vague `description` is, and the vague phrase that opened it (if any)."""
    if _has_concrete_signal(description):
        return Vagueness.CONCRETE, None
    tokens = _strip_fillers(normalize(_drop_abbreviations(description)).split())
    phrases = _phrases(tuple(vague_words))
    for phrase in phrases:
        if _starts_with(tokens, phrase):
            rest = tokens[len(phrase) :]
            specific = len(_specific(rest, phrases)) >= 2
            if not _as_verb(tokens, phrase):
                # `More clarity on AMI configuration`, `Review of …`, `Improvements to …`: the
                # vague word is no verb here, so "starts with the vague verb" would be wrong.
                if specific:
                    return Vagueness.CONCRETE, None
                return Vagueness.VAGUE, " ".join(phrase)
            if specific:
                return Vagueness.VAGUE_VERB, " ".join(phrase)
            return Vagueness.VAGUE, " ".join(phrase)
    # Short noun phrases built on a vague word: "Monitoring improvements", "Alerting review".
    if len(tokens) <= 4 and not _specific(tokens, phrases):
        singles = [p[0] for p in phrases if len(p) == 1]
        for token in sorted(tokens, key=lambda t: t in _GENERIC):
            if any(_inflects(token, word) for word in singles):
                return Vagueness.VAGUE, token
    return Vagueness.CONCRETE, None


def _as_verb(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    """The vague phrase opens the description as its verb (issue #12: part of speech).

    Not a verb: a word that never is one (`more`, `better`); a noun form (`improvement`,
    `investigation`); a one-word phrase followed by `of` or `into` (`Review of the alerts`,
    `Research into failover`). Multi-word phrases (`look into`, `make sure`) are verbs.
    """
    first = tokens[0]
    if phrase[0] in _NOT_VERBS or first in _NOT_VERBS:
        return False
    if first != phrase[0] and first.endswith(_NOUN_ENDINGS):
        return False
    return not (len(phrase) == 1 and len(tokens) > 1 and tokens[1] in _NOUN_MARKERS)


@functools.lru_cache(maxsize=8)
def _phrases(vague_words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The vague phrases as word tuples, longest first (the settings' list, computed once)."""
    phrases = [p for p in (tuple(normalize(w).split()) for w in vague_words) if p]
    return tuple(sorted(phrases, key=len, reverse=True))


def _has_concrete_signal(description: str) -> bool:
    text = _drop_abbreviations(description)
    if _DIGIT.search(text) or _BACKTICK.search(text) or _QUOTED.search(text):
        return True
    if _URL.search(text) or _PATHLIKE.search(text):
        return True
    condition = _CONDITION.search(text)
    return condition is not None and bool(_specific(normalize(condition.group(1)).split(), []))


def _drop_abbreviations(text: str) -> str:
    # Every abbreviation has a "." or a "/" but `etc`; checking first spares most texts the regex.
    if "." in text or "/" in text or "etc" in text.lower():
        return _ABBREV.sub(" ", text)
    return text


def _strip_fillers(tokens: list[str]) -> list[str]:
    stripped = True
    while stripped:
        stripped = False
        for filler in _FILLERS:
            if tuple(tokens[: len(filler)]) == filler:
                tokens = tokens[len(filler) :]
                stripped = True
    return tokens


def _starts_with(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    if len(tokens) < len(phrase) or not _inflects(tokens[0], phrase[0]):
        return False
    if tokens[0] != phrase[0] and tokens[0].endswith("ed"):
        return False  # "Reviewed the alerts" reports what was done; it is not a plan
    return tuple(tokens[1 : len(phrase)]) == phrase[1:]


def _inflects(token: str, word: str) -> bool:
    """`improve` ~ improves, improved, improving, improvement(s); `investigate` ~ investigation."""
    return token == word or token in _forms(word)


@functools.lru_cache(maxsize=1024)
def _forms(word: str) -> frozenset[str]:
    stem = word[:-1] if word.endswith("e") else word
    forms = {word + "s", word + "d", word + "ed", stem + "ing", word + "ment", word + "ments"}
    forms |= {stem + "ion", stem + "ions", word + "ation", word + "ations"}
    return frozenset(forms)


def _specific(tokens: list[str], phrases: Sequence[tuple[str, ...]]) -> list[str]:
    """Words that name something: not stop words, not generic objects, not vague words."""
    # Only one-word phrases: the words of "pay attention" must not make "payments" vague.
    vague = {p[0] for p in phrases if len(p) == 1}
    found = []
    for token in tokens:
        if token in _STOP or token in vague:
            continue
        singular = token[:-1] if token.endswith("s") and len(token) > 3 else token
        if singular in _GENERIC or token in _GENERIC:
            continue
        if any(_inflects(token, w) for w in vague):
            continue
        found.append(token)
    return found
