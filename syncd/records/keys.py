"""Item keys: a review id plus a short hash of the item's normalized description (DESIGN §2).

Editing the owner, due date, status markers or syncd's suffix never changes the key;
rewording the description does (once linked, the ticket reference is the identity).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
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
        text = _LINK.sub(r"\1", description) if "[" in description else description
        return " ".join(text.encode().translate(_ASCII_WORDS, _ASCII_MARKUP).decode().split())
    text = unicodedata.normalize("NFKC", description)
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    text = _NON_WORD.sub(" ", text.casefold())
    return " ".join(text.split())


def item_key(review_id: str, description: str, occurrence: int = 1) -> str:
    """`<review id>#<8 hex>`; the n-th identical description in a review gets `-n`."""
    digest = hashlib.sha256(normalize(description).encode()).hexdigest()[:8]
    return f"{review_id}#{digest}" if occurrence == 1 else f"{review_id}#{digest}-{occurrence}"
