"""Where things are in a file: the one place a 0-based position becomes a 1-based span.

The parser (``yamlparse``) gives 0-based regions; everything shown to a user is a 1-based Span.
``SourceText`` owns a file's text as it was parsed and finds a document's position table again
when a finding needs it; ``resolve_span`` applies the placement policy (docs/architecture.md).
"""

from __future__ import annotations

from svclint.diagnostics import JsonPath, Span
from svclint.streams import has_odd_breaks
from svclint.yamlparse import Region, YamlDocument, parse_stream


class SourceText:
    """A file's text as it was parsed, in parts starting at ``part_starts``, with the position
    tables of its documents parsed again on first use: only the lines of the document asked
    for, each document once.

    Documents are parsed without position tables (three quarters of what worker processes
    would pickle, and only the objects a finding names need them). It pickles as its text and
    offsets only, never the tables it has parsed again.
    """

    __slots__ = ("_documents", "_first_part", "_line_offset", "_odd", "_part_lines", "_starts", "text")

    def __init__(self, text: str, part_starts: tuple[int, ...] = (0,), line_offset: int = 0,
                 first_part: int = 0) -> None:
        """``text`` is a file, parsed in parts starting at ``part_starts``, or one part of it
        (``line_offset`` lines into the file, numbered ``first_part``)."""
        self.text = text
        self._starts = (*part_starts, len(text))
        self._line_offset, self._first_part = line_offset, first_part
        self._part_lines: list[int] = []  # per part: the lines before it (counted on first use)
        self._odd: dict[int, bool] = {}  # per part: whether it has line breaks other than LF and CRLF
        self._documents: dict[tuple[int, int], YamlDocument] = {}

    def _key(self) -> tuple[str, tuple[int, ...], int, int]:
        return (self.text, self.part_starts, self._line_offset, self._first_part)

    def __eq__(self, other: object) -> bool:
        """The same text, cut the same way: what is parsed again from it is the same."""
        return isinstance(other, SourceText) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[SourceText], tuple[str, tuple[int, ...], int, int]]:
        return (SourceText, self._key())

    @property
    def part_starts(self) -> tuple[int, ...]:
        return self._starts[:-1]

    def located(self, part: int, parsed: YamlDocument) -> YamlDocument:
        """Document ``parsed`` of part ``part`` (as the file was parsed) with its position table.

        Its regions and line offset are those of the new parse, which count from the document's
        first line: read them together. A document that does not parse alone is returned as it is.
        """
        if parsed.positions is not None:
            return parsed
        key = (part, parsed.index)
        found = self._documents.get(key)
        if found is None:
            found = self._documents[key] = self._parse(part - self._first_part, parsed) or parsed
        return found

    def _lines_before(self, part: int) -> int:
        if not self._part_lines:  # one pass over the text, not one per part
            counted = self._line_offset
            for start, end in zip(self._starts, self._starts[1:]):
                self._part_lines.append(counted)
                counted += self.text.count("\n", start, end)
        return self._part_lines[part]

    def _parse(self, part: int, parsed: YamlDocument) -> YamlDocument | None:
        start, end = self._starts[part], self._starts[part + 1]
        if part not in self._odd:
            self._odd[part] = has_odd_breaks(self.text, start, end)
        if self._odd[part]:  # lines other than LF or CRLF: the whole part, as it was parsed
            documents = parse_stream(self.text[start:end], None, self._lines_before(part)).documents
            return documents[parsed.index] if 0 <= parsed.index < len(documents) else None
        # The document's own lines: its regions count from its first line (its line_offset says so).
        first, last = parsed.lines
        stop = self.text.find("\n", start + last, end)
        piece = self.text[start + first:end if stop == -1 else stop]
        documents = parse_stream(piece, None, self._lines_before(part) + parsed.region[0]).documents
        return documents[0] if documents else None


def line_number(line: int, line_offset: int = 0) -> int:
    """The 1-based line of a 0-based one, ``line_offset`` lines into the file."""
    return line + 1 + line_offset


def point_span(line: int, column: int, length: int = 1) -> Span:
    """A span of ``length`` characters on one line, from 0-based coordinates."""
    return Span(line + 1, column + 1, line + 1, column + 1 + length)


def region_span(region: Region, line_offset: int = 0) -> Span:
    """The span of a 0-based region, ``line_offset`` lines into the file; never empty."""
    line, column, end_line, end_column = region
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    return Span(line + 1 + line_offset, column + 1, end_line + 1 + line_offset, end_column + 1)


def resolve_span(document: YamlDocument, path: JsonPath, *, on_key: bool = False) -> Span:
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
            return region_span(best_key if best_key is not None else _first_line(best_value), offset)
    if best_key is not None and (on_key or isinstance(node, (dict, list))):
        return region_span(best_key, offset)
    if isinstance(node, (dict, list)):
        return region_span(_first_line(best_value), offset)
    return region_span(best_value, offset)


def _first_line(region: Region) -> Region:
    """A container's region cut to its first line, so a span never covers a whole block."""
    line, column, end_line, _ = region
    if end_line == line:
        return region
    return (line, column, line, column + 1)
