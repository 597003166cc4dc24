"""Rendered input: diagnostics on ``helm template`` output name the template each document came from.

``helm template`` prints every document it renders as ``---``, then ``# Source: <chart>/templates/<file>``,
then the rendered text. For stdin, svclint reports a diagnostic in such a document at that
template path, on the line counted from the ``# Source:`` comment (line 1 is the line after it),
and keeps where it is in the input as a note. The template's own line cannot be known: whatever
a template action above it expanded to or removed shifts it, and helm trims blank lines at the
start of each document. So the line is the line of the rendered document, which equals the
template's line only where nothing above it expanded or vanished.

A document without its own ``# Source:`` comment (one appended by hand, or a second document
of a file in a chart's ``crds/``) stays at its position in the input: attributing it to the
template before it would be a guess. Files are never mapped (see ``loader.load_source``).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from svclint.diagnostics import Diagnostic, Related, Span
from svclint.directives import LINE_BREAK
from svclint.model import KubeObject

#: What helm prints before each rendered document.
MARKER = "# Source:"
_HEADER = re.compile(r"# Source:[ \t]+(\S(?:.*\S)?)[ \t]*")
#: A document start (``---``) or end (``...``) marker line.
_BOUNDARY = re.compile(r"(?:---|\.\.\.)(?:[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Segment:
    """The lines of one rendered document: 1-based and inclusive, the first right after its header."""

    first_line: int
    last_line: int
    source: str  # the template path from the ``# Source:`` comment


def find_segments(text: str) -> tuple[Segment, ...]:
    """The documents of ``text`` that carry a ``# Source:`` comment before their content, in order.

    The comment counts between a document's start (``---``, or the start of the stream) and its
    first content line; other comments and blank lines may come before it.
    """
    if MARKER not in text:
        return ()
    segments: list[Segment] = []
    open_segment: tuple[str, int] | None = None  # source and first line of the current document
    expecting = True  # before the current document's content: a header may still come

    def close(last_line: int) -> None:
        if open_segment is not None and open_segment[1] <= last_line:
            segments.append(Segment(open_segment[1], last_line, open_segment[0]))

    number = 0
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if _BOUNDARY.match(line):
            close(number - 1)
            open_segment, expecting = None, True
        elif expecting:
            header = _HEADER.fullmatch(line)
            if header is not None:
                open_segment, expecting = (header[1], number + 1), False
            elif line.strip() and not line.lstrip().startswith("#"):
                expecting = False
    close(number)
    return tuple(segments)


def _first_line(segment: Segment) -> int:
    return segment.first_line


@dataclass(frozen=True, slots=True)
class RenderedMap:
    """The segments of each rendered input, by its path; turns input positions into template positions."""

    segments: Mapping[str, tuple[Segment, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, inputs: Iterable[tuple[str, tuple[Segment, ...]]]) -> RenderedMap:
        """The map of the inputs (path, segments) that have segments."""
        return cls({path: found for path, found in inputs if found})

    def _segment(self, path: str, line: int) -> Segment | None:
        segments = self.segments.get(path)
        if segments is None:
            return None
        index = bisect.bisect_right(segments, line, key=_first_line) - 1
        if index < 0 or line > segments[index].last_line:
            return None
        return segments[index]

    def path_at(self, path: str, line: int) -> str:
        """The path a position of input ``path`` is reported at: its template's, or ``path``."""
        segment = self._segment(path, line)
        return path if segment is None else segment.source

    def line_at(self, path: str, line: int) -> int:
        """The line a line of input ``path`` is reported at: counted from its ``# Source:`` comment, or itself."""
        segment = self._segment(path, line)
        return line if segment is None else line - segment.first_line + 1

    def object_path(self, obj: KubeObject) -> str:
        """The path an object is reported at (where its document starts)."""
        if obj.path not in self.segments:
            return obj.path
        return self.path_at(obj.path, obj.document.start_line)

    def show(self, diagnostic: Diagnostic) -> Diagnostic:
        """The diagnostic as reported: located in its template, the input position kept as a note."""
        if not self.segments:
            return diagnostic
        related = tuple(self._related(r) for r in diagnostic.related)
        segment = self._segment(diagnostic.path, diagnostic.span.line)
        if segment is None:
            return diagnostic if related == diagnostic.related else dataclasses.replace(diagnostic, related=related)
        span = _shift(diagnostic.span, segment)
        here = Related(f"in the rendered input: line {span.line} after `{MARKER} {segment.source}`",
                       diagnostic.path, diagnostic.span)
        return dataclasses.replace(diagnostic, path=segment.source, span=span, related=(*related, here))

    def _related(self, related: Related) -> Related:
        segment = self._segment(related.path, related.span.line)
        if segment is None:
            return related
        return Related(related.message, segment.source, _shift(related.span, segment))


def _shift(span: Span, segment: Segment) -> Span:
    shift = segment.first_line - 1
    return Span(span.line - shift, span.column, span.end_line - shift, span.end_column)
