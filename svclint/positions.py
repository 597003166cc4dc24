"""Turn a path into a document into a 1-based span: the one place that shifts from 0-based."""

from __future__ import annotations

from svclint.diagnostics import JsonPath, Span
from svclint.yamlparse import Region, YamlDocument


def _span(region: Region, line_offset: int) -> Span:
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
