"""Suppression comments (``# svclint: ignore[rule]``) read from a file's raw text.

The parser drops comments, so the text is scanned for them, only in files that contain
``svclint:`` at all. A ``#`` starts a comment only at the start of a line or after a space or
tab; a match inside a scalar (a quoted string, a block scalar's lines, a key) is text, not a
comment, and is told apart exactly with the scalar regions of the parsed documents. Where the
parser stopped at a syntax error, nothing after the last complete document can be told apart,
so no directive is read there.

What a directive means (which findings it suppresses, whether its rules exist) is decided
later, in ``svclint.reporting``; this module only finds and splits them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from svclint.diagnostics import Span
from svclint.positions import line_number, region_span
from svclint.yamlparse import Region, YamlDocument

MARKER = "svclint:"
IGNORE = "ignore"
IGNORE_FILE = "ignore-file"

#: ``# svclint: WORD`` optionally followed by ``[rule, rule]``; anything may follow (a reason).
_DIRECTIVE = re.compile(r"(?:^|(?<=[ \t]))#[ \t]*svclint:[ \t]*(?P<kind>[\w-]*)(?P<rules>\[[^\]]*\])?")
#: Line breaks as libyaml counts them, so line numbers agree with the parser's.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
#: The rest of a block scalar's first line before a comment: properties, then ``|`` or ``>``.
_BLOCK_HEADER = re.compile(r"(?:[!&]\S*[ \t]+)*[|>][-+0-9]*[ \t]+")
_COMMENT_LINE = re.compile(r"[ \t]*#")


@dataclass(frozen=True, slots=True)
class RuleName:
    """One rule named in a directive, and where it is written."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Directive:
    """A ``# svclint:`` comment. Lines are 1-based, like diagnostics'."""

    kind: str  # IGNORE, IGNORE_FILE, or whatever else was written (reported as invalid)
    text: str  # as written, from the ``#`` to the ``]`` (or the end of the word)
    span: Span
    rules: tuple[RuleName, ...]
    bracketed: bool  # ``ignore[...]`` rather than a bare ``ignore``
    target: int  # the line it applies to: its own, or for a comment on a line of its own the next code line


def scan(text: str, documents: Sequence[YamlDocument], line_offset: int = 0,
         parsed_until: tuple[int, int] | None = None) -> tuple[Directive, ...]:
    """The directives in ``text`` (one parsed part of a file, ``line_offset`` lines into it).

    ``documents`` are the part's parsed documents; ``parsed_until`` is None when the whole part
    parsed, else ``(line, column)`` (0-based, in the part) of the end of the last complete
    document before a syntax error: later directives are dropped.
    """
    if MARKER not in text:
        return ()
    lines = LINE_BREAK.split(text)
    found = [(number, match) for number, line in enumerate(lines) if MARKER in line
             for match in _DIRECTIVE.finditer(line)]
    if parsed_until is not None:
        found = [(n, m) for n, m in found if (n, m.start()) < parsed_until]
    if not found:
        return ()
    in_text = _inside_scalars(documents, [(n, m.start()) for n, m in found], lines)
    return tuple(_directive(lines, n, m, line_offset) for n, m in found if (n, m.start()) not in in_text)


def _directive(lines: list[str], number: int, match: re.Match[str], line_offset: int) -> Directive:
    rules: list[RuleName] = []
    bracket = match.group("rules")
    if bracket is not None:
        column = match.start("rules") + 1  # 0-based column of the first character inside
        for piece in bracket[1:-1].split(","):
            name = piece.strip()
            start = column + (len(piece) - len(piece.lstrip()))
            rules.append(RuleName(name, region_span((number, start, number, start + max(len(name), 1)), line_offset)))
            column += len(piece) + 1
    own_line = not lines[number][:match.start()].strip()
    target = number + 1
    if own_line:
        while target < len(lines) and _COMMENT_LINE.match(lines[target]):
            target += 1
    else:
        target = number
    return Directive(
        kind=match.group("kind"), text=match.group(0),
        span=region_span((number, match.start(), number, match.end()), line_offset),
        rules=tuple(rules), bracketed=bracket is not None, target=line_number(target, line_offset),
    )


def _inside_scalars(documents: Sequence[YamlDocument], points: list[tuple[int, int]],
                    lines: list[str]) -> set[tuple[int, int]]:
    """The points (0-based line, column) that lie inside a scalar of ``documents``."""
    rows = sorted({line for line, _ in points})
    inside: set[tuple[int, int]] = set()
    for region in _scalar_regions(documents, rows):
        for point in points:
            if _contains(region, point, lines):
                inside.add(point)
    return inside


def _touches(rows: list[int], first: int, last: int) -> bool:
    index = bisect.bisect_left(rows, first)
    return index < len(rows) and rows[index] <= last


def _scalar_regions(documents: Iterable[YamlDocument], rows: list[int]) -> Iterator[Region]:
    """Regions of keys and scalar values on the given lines; containers that do not reach
    those lines are not entered, so the walk stays small."""
    for document in documents:
        if document.positions is None:
            yield document.region
            continue
        stack: list[Any] = [document.positions]
        while stack:
            table = stack.pop()
            # Mapping entries: (*key, *value, child); list entries: (*item, child).
            entries = [(e[:4], e[4:8], e[8]) for e in table.values()] if isinstance(table, dict) \
                else [(None, e[:4], e[4]) for e in table]
            for key, value, child in entries:
                if key is not None and _touches(rows, key[0], key[2]):
                    yield key
                if not _touches(rows, value[0], value[2]):
                    continue
                if child is None:
                    yield value
                else:
                    stack.append(child)


def _contains(region: Region, point: tuple[int, int], lines: list[str]) -> bool:
    """Whether ``point`` is inside the scalar at ``region`` (its end is exclusive).

    A block scalar's region starts at its ``|`` or ``>``; a comment may follow that on the same
    line, and is a comment, not content.
    """
    line, column, end_line, end_column = region
    if not (line, column) <= point < (end_line, end_column):
        return False
    if point[0] == line and end_line > line and line < len(lines):
        return not _BLOCK_HEADER.fullmatch(lines[line][column:point[1]])
    return True
