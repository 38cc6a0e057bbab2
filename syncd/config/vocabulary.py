"""`records.vocabulary`: words a team adds to the ones syncd knows, per role (issue #12).

syncd reads English, Japanese and Portuguese reviews out of the box (section names, field keys,
status words: docs/record-format.md "Other languages"); a team writing another language, or
its own house words, adds them here. Additions only: the built-in words stay.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from syncd.config.values import Strings

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class VocabularyConfig(BaseModel):
    """Extra words per role; every list may also be a single string."""

    model_config = _FROZEN

    sections: Strings = Field(
        default=(), description="More headings that hold action items (added to the list in use)."
    )
    owner_keys: Strings = Field(
        default=(), description="More owner keys (`ansvarlig:`), also owner column headers."
    )
    due_keys: Strings = Field(
        default=(), description="More due-date keys (`frist:`), also due column headers."
    )
    status_keys: Strings = Field(
        default=(), description="More status keys (`tilstand:`), also status column headers."
    )
    done: Strings = Field(default=(), description="More status words that mean done.")
    in_progress: Strings = Field(default=(), description="More status words that mean in progress.")
    open: Strings = Field(default=(), description="More status words that mean open / not started.")
