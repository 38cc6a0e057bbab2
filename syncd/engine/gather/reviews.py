"""Gather the reviews: find them, and parse + lint the changed ones (the rest from the cache).

Reading only. What the parse cache should learn (files parsed this pass, files gone) is
returned as a value; the plan turns it into a store step, the writer writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from syncd.engine.context import PassContext
from syncd.model import Problem, Review
from syncd.records import codec
from syncd.records.discover import discover
from syncd.records.lint import lint_review
from syncd.records.reading import ParseOptions
from syncd.store.schema import CachedReview

# A file modified this recently may change again within the same mtime tick without changing
# its size; such files are parsed but not cached (the "racy git" problem).
_RACY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class GatheredReviews:
    reviews: tuple[Review, ...]
    lint: tuple[Problem, ...]  # lint problems incl. each review's own file problems
    discovery: tuple[Problem, ...]
    cache_save: tuple[tuple[str, CachedReview], ...]
    cache_forget: tuple[str, ...]
    parsed: int
    cached: int


def gather_reviews(ctx: PassContext, cache: dict[str, CachedReview]) -> GatheredReviews:
    """Find and read every review, re-using `cache` (the store's parse cache) where unchanged."""
    records = ctx.loaded.config.records
    base = ctx.root
    paths, discovery = discover(base, records.paths, records.exclude)
    fresh: list[tuple[str, CachedReview]] = []
    reviews: list[Review] = []
    lint: list[Problem] = []
    parsed = cached = 0
    now = ctx.clock.now().timestamp()
    seen: set[str] = set()
    for path in paths:
        rel = path.relative_to(base).as_posix()
        seen.add(rel)
        try:
            st = path.stat()
        except OSError:
            st = None
        hit = cache.get(rel)
        if (
            st is not None
            and hit is not None
            and hit.size == st.st_size
            and hit.mtime_ns == st.st_mtime_ns
            and hit.fingerprint == ctx.fingerprint
        ):
            review, problems = codec.loads(hit.payload)
            cached += 1
        else:
            review = read(path, base, ctx.parse)
            problems = tuple(lint_review(review, ctx.lint))
            parsed += 1
            if st is not None and review.readable and now - st.st_mtime > _RACY_SECONDS:
                entry = CachedReview(
                    st.st_size, st.st_mtime_ns, ctx.fingerprint, codec.dumps(review, problems)
                )
                fresh.append((rel, entry))
        reviews.append(review)
        lint.extend(problems)
    return GatheredReviews(
        reviews=tuple(reviews),
        lint=tuple(lint),
        discovery=tuple(discovery),
        cache_save=tuple(fresh),
        cache_forget=tuple(sorted(set(cache) - seen)),
        parsed=parsed,
        cached=cached,
    )


def read(path: Path, base: Path, options: ParseOptions) -> Review:
    """Parse one review file. The parser is imported on first use: a pass served from the
    cache never loads it (~30 ms of a warm `syncd check`)."""
    from syncd.records.parse import read_review

    return read_review(path, base, options)[0]
