"""Table cells as GFM counts them: the segments between unescaped pipes, after indentation and
blockquote markers, leading and trailing pipes optional. One place for the parser (which
reads them) and the editor (which writes into them); it imports nothing of the parser, so a
pass served from the parse cache does not load it."""

from __future__ import annotations

import re

CONTAINER = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*")  # indentation and blockquote markers


def split_cells(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a row (line without "\\r"), as GFM counts them."""
    start = CONTAINER.match(line).end()  # type: ignore[union-attr]
    end = len(line.rstrip())
    pipes: list[int] = []
    i = line.find("|", start, end)
    while i >= 0:
        if i == 0 or line[i - 1] != "\\":
            pipes.append(i)
        i = line.find("|", i + 1, end)
    if not pipes:
        return []
    bounds = [start - 1, *pipes, end]
    cells = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]
    if pipes[0] == start:
        cells = cells[1:]
    if pipes[-1] == end - 1 and cells:
        cells = cells[:-1]
    return cells
