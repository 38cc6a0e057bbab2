"""Item keys: a review id plus a short hash of the item's normalized description (DESIGN §2).

Editing the owner, due date, status markers or syncd's suffix never changes the key;
rewording the description does (once linked, the ticket reference is the identity).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`~]+")
_NON_WORD = re.compile(r"[^\w]+")


def normalize(description: str) -> str:
    """Lower-case words only: markup, links' targets, punctuation and spacing removed."""
    text = unicodedata.normalize("NFKC", description)
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    text = _NON_WORD.sub(" ", text.casefold())
    return " ".join(text.split())


def item_key(review_id: str, description: str, occurrence: int = 1) -> str:
    """`<review id>#<8 hex>`; the n-th identical description in a review gets `-n`."""
    digest = hashlib.sha256(normalize(description).encode()).hexdigest()[:8]
    return f"{review_id}#{digest}" if occurrence == 1 else f"{review_id}#{digest}-{occurrence}"
