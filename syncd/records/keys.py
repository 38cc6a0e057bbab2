"""Item keys: a review id plus a short hash of the item's normalized description (DESIGN §2).

Editing the owner, due date, status markers or syncd's suffix never changes the key;
rewording the description does (once linked, the ticket reference is the identity).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

_MARKUP = re.compile(r"[*_`~]+")
_NON_WORD = re.compile(r"[^\w]+")
# ASCII text needs no NFKC and no regex: one bytes.translate deletes the markup, lower-cases
# letters and turns every other non-word character into a space.
_ASCII_MARKUP = b"*_`~"
_ASCII_WORDS = bytes(
    ord(chr(c).lower()) if chr(c).isalnum() or chr(c) == "_" else ord(" ") for c in range(256)
)


# Parse (item keys) and lint (duplicates, placeholders, wording) normalize the same
# description a few times in a row; a small cache turns the repeats into lookups.
@functools.lru_cache(maxsize=256)
def normalize(description: str) -> str:
    """Lower-case words only: markup, links' targets, punctuation and spacing removed."""
    if description.isascii():
        text = strip_links(description) if "[" in description else description
        return " ".join(text.encode().translate(_ASCII_WORDS, _ASCII_MARKUP).decode().split())
    text = unicodedata.normalize("NFKC", description)
    text = strip_links(text) if "[" in text else text
    text = _MARKUP.sub("", text)
    text = _NON_WORD.sub(" ", text.casefold())
    return " ".join(text.split())


def strip_links(text: str) -> str:
    """Each `[label](target)` (or `![alt](src)`) replaced by its label, in linear time.

    Exactly what the pattern `!?[([^]]*)]([^)]*)` (brackets and parentheses escaped) gave
    (item keys must not change), without its rescan from every `[` of a line like `[[[[…`: a `[`
    can only close at the first `]` after it, so every `[` before that `]` fails or matches
    together (tests/unit/test_long_lines.py).
    """
    parts: list[str] = []
    done = 0  # text[:done] is settled
    at = text.find("[")
    while at >= 0:
        close = text.find("]", at + 1)
        if close < 0:
            break  # no later `[` has a `]` after it either
        if text.startswith("(", close + 1):
            end = text.find(")", close + 2)
            if end < 0:
                break  # no later link can end either
            start = at - 1 if at > done and text[at - 1] == "!" else at
            parts += (text[done:start], text[at + 1 : close])
            done = end + 1
            at = text.find("[", done)
        else:
            at = text.find("[", close + 1)  # every `[` up to `close` closes there too
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def item_key(review_id: str, description: str, occurrence: int = 1) -> str:
    """`<review id>#<8 hex>`; the n-th identical description in a review gets `-n`."""
    digest = hashlib.sha256(normalize(description).encode()).hexdigest()[:8]
    return f"{review_id}#{digest}" if occurrence == 1 else f"{review_id}#{digest}-{occurrence}"
