"""Gather the reviews: find them, and parse + lint the changed ones (the rest from the cache).

Reading only. What the parse cache should learn (files parsed this pass, files gone) is
returned as a value; the plan turns it into a store step, the writer writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from syncd.engine.context import PassContext
from syncd.engine.memo import FileKey, PassMemo
from syncd.model import Problem, Review
from syncd.records import codec
from syncd.records.discover import discover, relative
from syncd.records.lint import lint_review
from syncd.records.reading import ParseOptions
from syncd.store.database import Store
from syncd.store.schema import CachedReview

# A file modified this recently may change again within the same mtime tick without changing
# its size; such files are parsed but not cached (the "racy git" problem).
_RACY_SECONDS = 2.0

Lint = tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class GatheredReviews:
    reviews: tuple[Review, ...]
    lint: tuple[Problem, ...]  # lint problems incl. each review's own file problems
    discovery: tuple[Problem, ...]
    cache_save: tuple[tuple[str, CachedReview], ...]
    cache_forget: tuple[str, ...]
    parsed: int
    cached: int
    paths: tuple[Path, ...] = ()  # the review files found


def gather_reviews(ctx: PassContext, store: Store, memo: PassMemo | None = None) -> GatheredReviews:
    """Find and read every review: from `memo` (the last pass's, in a long-running process)
    or the store's parse cache where the file is unchanged, else parsed and linted."""
    records = ctx.loaded.config.records
    paths, discovery = discover(
        ctx.root, records.paths, records.exclude, allow_outside=records.allow_outside_root
    )
    reader = _Reader(ctx, store, memo.reviews if memo is not None else {})
    reviews: list[Review] = []
    lint: list[Problem] = []
    for path in paths:
        review, problems = reader.read(path)
        reviews.append(review)
        lint.extend(problems)
    if memo is not None:
        memo.reviews = reader.kept
    # Cached paths no longer found; only known once the cache was read (memo hits skip it).
    found = {relative(p, ctx.root) for p in paths} if reader.cache is not None else set()
    forget = tuple(sorted(set(reader.cache) - found)) if reader.cache is not None else ()
    return GatheredReviews(
        reviews=tuple(reviews),
        lint=tuple(lint),
        discovery=tuple(discovery),
        cache_save=tuple(reader.fresh),
        cache_forget=forget,
        parsed=reader.parsed,
        cached=reader.cached,
        paths=tuple(paths),
    )


class _Reader:
    """One pass's reading of review files: memo, then parse cache, then the parser."""

    def __init__(
        self, ctx: PassContext, store: Store, remembered: dict[str, tuple[FileKey, Review, Lint]]
    ) -> None:
        self.ctx, self.store, self.remembered = ctx, store, remembered
        self.cache: dict[str, CachedReview] | None = None  # loaded on the first miss only
        self.kept: dict[str, tuple[FileKey, Review, Lint]] = {}
        self.fresh: list[tuple[str, CachedReview]] = []
        self.parsed = self.cached = 0
        self.now = ctx.clock.now().timestamp()

    def read(self, path: Path) -> tuple[Review, Lint]:
        ctx = self.ctx
        rel = relative(path, ctx.root)
        try:
            st = path.stat()
        except OSError:  # gone or unreadable: the parser reports it (SYN001)
            self.parsed += 1
            review = read(path, ctx.root, ctx.parse)
            return review, tuple(lint_review(review, ctx.lint))
        key = (st.st_size, st.st_mtime_ns, ctx.fingerprint)
        known = self.remembered.get(rel)
        if known is not None and known[0] == key:
            self.cached += 1
            self.kept[rel] = known
            return known[1], known[2]
        if self.cache is None:
            self.cache = self.store.cached_reviews()
        hit = self.cache.get(rel)
        if hit is not None and (hit.size, hit.mtime_ns, hit.fingerprint) == key:
            review, problems = codec.loads(hit.payload)
            self.cached += 1
        else:
            review = read(path, ctx.root, ctx.parse)
            problems = tuple(lint_review(review, ctx.lint))
            self.parsed += 1
            if not review.readable or self.now - st.st_mtime <= _RACY_SECONDS:
                return review, problems  # read again next pass
            payload = codec.dumps(review, problems)
            self.fresh.append((rel, CachedReview(key[0], key[1], key[2], payload)))
        self.kept[rel] = (key, review, problems)
        return review, problems


def read(path: Path, base: Path, options: ParseOptions) -> Review:
    """Parse one review file. The parser is imported on first use: a pass served from the
    cache never loads it (~30 ms of a warm `syncd check`)."""
    from syncd.records.parse import read_review

    return read_review(path, base, options)[0]
