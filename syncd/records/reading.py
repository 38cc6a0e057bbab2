"""What reading a review needs before any parsing: the options, the default action-item
section headings, and how a file's bytes become text. PURE.

Kept apart from the parse package so that a pass served entirely from the parse cache (the warm
`syncd check`) can fingerprint its options without importing the parser (~30 ms of start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = ["BOM", "DEFAULT_SECTIONS", "ParseOptions", "Vocabulary", "decode"]

DEFAULT_SECTIONS: tuple[str, ...] = (
    "Action Items",
    "Action items",
    "Action Item",
    "Follow-ups",
    "Follow-up actions",
    "Follow-up tasks",
    "Corrective actions",
    "Corrective and Preventative Measures",
    "Remediation",
    "Next steps",
    "Review actions",
    "Actions following review",
    "Follow-up improvements",
    "Actionables",
    "Preventive actions",
    "Prevent recurrence",
    # Japanese (record-formats.md §2.1): recurrence prevention, countermeasures, next steps.
    "再発防止",
    "再発防止策",
    "恒久対策",
    "対策",
    "改善策",
    "今後の対応",
    "アクションアイテム",
    "是正処置",
    # Portuguese: actions, corrective (and preventive) actions, next steps, action plan.
    "Ações",
    "Ações corretivas",
    "Ações corretivas e preventivas",
    "Próximos passos",
    "Plano de ação",
    "Itens de ação",
)

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Words a team adds to the built-in ones (`records.vocabulary`), per role.

    Only the words: the parser compiles them once (`parse.words.words_for`). Being part of
    `ParseOptions`, they are part of the parse cache's fingerprint (its `repr`).
    """

    sections: tuple[str, ...] = ()  # headings that hold action items
    owner_keys: tuple[str, ...] = ()  # `responsável:` — also owner column headers
    due_keys: tuple[str, ...] = ()  # `prazo:` — also due column headers
    status_keys: tuple[str, ...] = ()  # `状態:` — also status column headers
    done: tuple[str, ...] = ()  # status words meaning done (`完了`)
    in_progress: tuple[str, ...] = ()  # … in progress (`対応中`)
    open: tuple[str, ...] = ()  # … open, not started (`未着手`)


class _VocabularyConfig(Protocol):
    """The shape of `syncd.config.vocabulary.VocabularyConfig`, duck-typed like lint's."""

    @property
    def sections(self) -> tuple[str, ...]: ...
    @property
    def owner_keys(self) -> tuple[str, ...]: ...
    @property
    def due_keys(self) -> tuple[str, ...]: ...
    @property
    def status_keys(self) -> tuple[str, ...]: ...
    @property
    def done(self) -> tuple[str, ...]: ...
    @property
    def in_progress(self) -> tuple[str, ...]: ...
    @property
    def open(self) -> tuple[str, ...]: ...


class _RecordsConfig(Protocol):
    """The shape of `syncd.config.models.RecordsConfig` that reading needs."""

    @property
    def sections(self) -> tuple[str, ...] | None: ...
    @property
    def date_order(self) -> Literal["dmy", "mdy"] | None: ...
    @property
    def max_file_bytes(self) -> int: ...
    @property
    def vocabulary(self) -> _VocabularyConfig: ...


@dataclass(frozen=True, slots=True)
class ParseOptions:
    sections: tuple[str, ...] = DEFAULT_SECTIONS
    date_order: Literal["dmy", "mdy"] | None = None
    max_bytes: int = 5_000_000
    vocabulary: Vocabulary = Vocabulary()

    @classmethod
    def from_config(cls, records: _RecordsConfig) -> ParseOptions:
        """Options from the `records:` config section (the engine's one place to build them)."""
        words = records.vocabulary
        return cls(
            sections=tuple(records.sections) if records.sections else DEFAULT_SECTIONS,
            date_order=records.date_order,
            max_bytes=records.max_file_bytes,
            vocabulary=Vocabulary(
                sections=tuple(words.sections),
                owner_keys=tuple(words.owner_keys),
                due_keys=tuple(words.due_keys),
                status_keys=tuple(words.status_keys),
                done=tuple(words.done),
                in_progress=tuple(words.in_progress),
                open=tuple(words.open),
            ),
        )

    @property
    def section_names(self) -> tuple[str, ...]:
        """The configured (or built-in) section names and the vocabulary's additions."""
        extra = self.vocabulary.sections
        return self.sections + extra if extra else self.sections


def decode(data: bytes) -> tuple[str, bool]:
    """(text without BOM, had_bom); raises UnicodeDecodeError for invalid UTF-8."""
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8"), True
    return data.decode("utf-8"), False
