"""A YAML stream as text: where it can be cut into parts that parse alone, and whether its line
breaks are only LF and CRLF (then lines can be counted with ``str.count``)."""

from __future__ import annotations

import re

_LONE_CR = re.compile("\r(?!\n)")


def has_odd_breaks(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` has line breaks that libyaml counts besides LF and CRLF (CR,
    NEL, LS, PS): line numbers cannot be found by counting LFs there.

    Substring searches first: a regex with alternatives scans text ten times slower.
    """
    end = len(text) if end is None else end
    if text.find("\r", start, end) != -1 and _LONE_CR.search(text, start, end):
        return True
    return any(text.find(ch, start, end) != -1 for ch in "\x85\u2028\u2029")


def split_stream(text: str, part_size: int) -> list[tuple[str, int]]:
    """Cut a multi-document stream into parts of about ``part_size`` characters, each with the
    number of lines before it, so big files can be parsed in pieces (and in parallel).

    A line starting with ``---`` is a document start wherever it appears (YAML forbids it
    inside block and quoted scalars), so cutting there cannot change any document. Streams
    with directives (``%YAML``) are left whole, as a directive belongs to the next document, and
    so are streams with line breaks other than LF and CRLF, which would shift the line count.
    """
    if len(text) < 2 * part_size or text.startswith("%") or "\n%" in text or has_odd_breaks(text):
        return [(text, 0)]
    parts: list[tuple[str, int]] = []
    start = line = 0
    while (cut := _document_start(text, start + part_size)) != -1:
        parts.append((text[start:cut], line))
        line += text.count("\n", start, cut)
        start = cut
    parts.append((text[start:], line))
    return parts


def _document_start(text: str, position: int) -> int:
    """Where the first line at or after ``position`` that is a document start (``---`` and then
    a space, a line break or the end) begins; -1 when there is none."""
    while (found := text.find("\n---", position - 1)) != -1:
        after = found + 4
        if after == len(text) or text[after] in " \t\r\n":
            return found + 1
        position = after
    return -1


def part_starts(parts: list[tuple[str, int]]) -> tuple[int, ...]:
    """Where each part of ``split_stream`` starts in the text (they are contiguous)."""
    starts, start = [], 0
    for text, _ in parts:
        starts.append(start)
        start += len(text)
    return tuple(starts)
