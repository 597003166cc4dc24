"""Turn a path into a document into a 1-based span: the one place that shifts from 0-based."""

from __future__ import annotations

from typing import Any, Protocol

from svclint.diagnostics import JsonPath, Span
from svclint.yamlparse import Positions, Region, YamlDocument, has_odd_breaks, parse_stream


class Document(Protocol):
    """What a span is resolved in: a parsed document (YamlDocument) or a LazyDocument."""

    @property
    def index(self) -> int: ...
    @property
    def value(self) -> Any: ...
    @property
    def positions(self) -> Positions | None: ...
    @property
    def region(self) -> Region: ...
    @property
    def line_offset(self) -> int: ...
    @property
    def start_line(self) -> int: ...


class Reparse:
    """A file's text, parsed again when positions are needed: only the lines of the document
    asked for, each document once.

    Worker processes send objects back without their position tables: those are three quarters
    of what would be pickled, and only the objects named by a cross-object finding need them.
    """

    def __init__(self, text: str, part_starts: tuple[int, ...] = (0,), line_offset: int = 0,
                 first_part: int = 0) -> None:
        """``text`` is a file, parsed in parts starting at ``part_starts``, or one part of it
        (``line_offset`` lines into the file, numbered ``first_part``)."""
        self._text = text
        self._starts = (*part_starts, len(text))
        self._line_offset, self._first_part = line_offset, first_part
        self._part_lines: list[int] = []  # per part: the lines before it (counted on first use)
        self._odd: dict[int, bool] = {}  # per part: whether it has line breaks other than LF and CRLF
        self._documents: dict[tuple[int, int], YamlDocument | None] = {}

    def document(self, part: int, parsed: YamlDocument) -> YamlDocument | None:
        """Document ``parsed`` of part ``part`` (as the file was parsed), with positions."""
        key = (part, parsed.index)
        if key not in self._documents:
            self._documents[key] = self._parse(part - self._first_part, parsed)
        return self._documents[key]

    def _lines_before(self, part: int) -> int:
        if not self._part_lines:  # one pass over the text, not one per part
            counted = self._line_offset
            for start, end in zip(self._starts, self._starts[1:]):
                self._part_lines.append(counted)
                counted += self._text.count("\n", start, end)
        return self._part_lines[part]

    def _parse(self, part: int, parsed: YamlDocument) -> YamlDocument | None:
        start, end = self._starts[part], self._starts[part + 1]
        if part not in self._odd:
            self._odd[part] = has_odd_breaks(self._text, start, end)
        if self._odd[part]:  # lines other than LF or CRLF: the whole part, as it was parsed
            documents = parse_stream(self._text[start:end], None, self._lines_before(part)).documents
            return documents[parsed.index] if 0 <= parsed.index < len(documents) else None
        # The document's own lines: its regions count from its first line (its line_offset says so).
        first, last = parsed.lines
        stop = self._text.find("\n", start + last, end)
        piece = self._text[start + first:end if stop == -1 else stop]
        documents = parse_stream(piece, None, self._lines_before(part) + parsed.region[0]).documents
        return documents[0] if documents else None


class LazyDocument:
    """A document whose position table is parsed again from its file's text on first use.

    Its regions and line offset are replaced by those of the parse, which count from the
    document's first line: the three are always read together.
    """

    __slots__ = ("_line_offset", "_part", "_positions", "_region", "_source", "index", "parsed", "value")

    def __init__(self, document: YamlDocument, source: Reparse, part: int) -> None:
        self.parsed = document  # as it was parsed, without positions
        self.index, self.value = document.index, document.value
        self._region, self._line_offset = document.region, document.line_offset
        self._source, self._part = source, part
        self._positions: Positions | None | bool = False  # False: not parsed yet

    def _load(self) -> None:
        if self._positions is False:
            again = self._source.document(self._part, self.parsed)
            self._positions = None
            if again is not None:
                self._positions, self._region, self._line_offset = again.positions, again.region, again.line_offset

    @property
    def positions(self) -> Positions | None:
        self._load()
        assert self._positions is not True and self._positions is not False
        return self._positions

    @property
    def region(self) -> Region:
        self._load()
        return self._region

    @property
    def line_offset(self) -> int:
        self._load()
        return self._line_offset

    @property
    def start_line(self) -> int:
        """The 1-based line of the file where the root starts (known without parsing again)."""
        return self.parsed.start_line


def _span(region: Region, line_offset: int) -> Span:
    line, column, end_line, end_column = region
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    return Span(line + 1 + line_offset, column + 1, end_line + 1 + line_offset, end_column + 1)


def resolve_span(document: Document, path: JsonPath, *, on_key: bool = False) -> Span:
    """Span of the value at ``path`` in a document.

    Scalars point at the value itself; mappings and lists point at the key that holds them
    (a block mapping's value starts on the next line, which reads badly). When the path goes
    through a key that is missing, the span of the deepest existing ancestor is returned.
    """
    node, table = document.value, document.positions
    best_key: Region | None = None
    best_value: Region = document.region
    offset = document.line_offset
    for step in path:
        if isinstance(node, dict) and isinstance(table, dict) and step in table and step in node:
            entry = table[step]
            best_key, best_value, table = entry[:4], entry[4:8], entry[8]
            node = node[step]
        elif (isinstance(node, list) and isinstance(table, list) and isinstance(step, int)
              and 0 <= step < len(table)):
            entry = table[step]
            best_key, best_value, table = None, entry[:4], entry[4]
            node = node[step]
        else:
            # Missing: point at the key of the deepest ancestor that exists.
            return _span(best_key if best_key is not None else _first_line(best_value), offset)
    if best_key is not None and (on_key or isinstance(node, (dict, list))):
        return _span(best_key, offset)
    if isinstance(node, (dict, list)):
        return _span(_first_line(best_value), offset)
    return _span(best_value, offset)


def _first_line(region: Region) -> Region:
    """A container's region cut to its first line, so a span never covers a whole block."""
    line, column, end_line, _ = region
    if end_line == line:
        return region
    return (line, column, line, column + 1)
