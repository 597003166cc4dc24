"""YAML text to plain Python containers plus a side table of positions.

ruamel.yaml.clib's C composer builds the node graph; this module walks it once into plain
``dict``/``list``/scalars (what rules and schema validators want) and records, for every
container, where each key and value starts and ends. Positions are 0-based ints here;
``positions.py`` is the only place that turns them into 1-based spans.

Scalars are resolved with the YAML 1.2 core schema. Explicit tags other than the core ones
(``!!python/object``, ``!Ref``, ...) are never constructed: their text is kept as a string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from _ruamel_yaml import CParser  # type: ignore[import-not-found]  # ruamel.yaml.clib
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: (line, column, end_line, end_column), all 0-based.
Region = tuple[int, int, int, int]
#: Per mapping: key -> (key region, value region). Per sequence: item regions.
MappingPositions = dict[str, tuple[Region, Region]]
SequencePositions = list[Region]
#: id(container) -> its positions. Containers stay alive inside the document they belong to.
PositionTable = dict[int, "MappingPositions | SequencePositions"]

_PLAIN = "?"  # marker tags our resolver hands to the C composer
_QUOTED = "!"
_CORE = "tag:yaml.org,2002:"

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class _Parser(CParser):  # type: ignore[misc]
    """The C composer asks its host for tags; we only mark plain vs quoted scalars."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        return _PLAIN if kind is ScalarNode and implicit[0] else _QUOTED

    def descend_resolver(self, *_: object) -> None:
        return None

    def ascend_resolver(self, *_: object) -> None:
        return None


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A parse problem at a 0-based position; ``kind`` is ``syntax`` or ``duplicate-key``."""

    kind: str
    message: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a stream: its plain value, its position table and its start."""

    index: int
    value: Any
    positions: PositionTable
    region: Region


@dataclass(frozen=True, slots=True)
class ParseResult:
    documents: tuple[YamlDocument, ...]
    problems: tuple[YamlProblem, ...]
    has_complex_keys: bool


def _region(node: Node) -> Region:
    start, end = node.start_mark, node.end_mark
    return (start.line, start.column, end.line, end.column)


def _number(text: str) -> int | float | None:
    if _INT.fullmatch(text):
        return int(text, 0) if text.startswith(("0o", "0x")) else int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    lowered = text.lower()
    return _SPECIAL_FLOATS.get(lowered)


def resolve_plain(text: str) -> Any:
    """Resolve an untagged plain scalar with the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[:1] in "-+.0123456789":
        number = _number(text)
        if number is not None:
            return number
    return text


def _resolve_tagged(tag: str, text: str) -> Any:
    """Resolve an explicitly tagged scalar; unknown tags keep their text (never constructed)."""
    if tag == _CORE + "str":
        return text
    if tag == _CORE + "null" and text in _NULLS:
        return None
    if tag == _CORE + "bool" and text in _BOOLS:
        return _BOOLS[text]
    if tag in (_CORE + "int", _CORE + "float"):
        number = _number(text)
        if number is not None:
            return float(number) if tag.endswith("float") else number
    return text


class _Builder:
    """Walks one document's node graph iteratively (no recursion limit) into plain data."""

    def __init__(self, cache: dict[str, Any]) -> None:
        self.cache = cache
        self.positions: PositionTable = {}
        self.problems: list[YamlProblem] = []
        self.memo: dict[int, Any] = {}  # node id -> container: aliases share, never expand
        self.pending_merges: dict[int, list[tuple[Any, Node]]] = {}
        self.complex_keys = False

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag.__class__ is not str:  # the pure-Python composer hands out Tag objects
            tag = str(tag)
        if tag == _PLAIN:
            text = node.value
            try:
                return self.cache[text]
            except KeyError:
                value = self.cache[text] = resolve_plain(text)
                return value
        if tag == _QUOTED:
            return node.value
        return _resolve_tagged(tag, node.value)

    def value(self, node: Node, work: list[tuple[Node, Any]]) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        container: Any = {} if isinstance(node, MappingNode) else []
        self.memo[key] = container
        work.append((node, container))
        return container

    def build(self, root: Node) -> Any:
        work: list[tuple[Node, Any]] = []
        result = self.value(root, work)
        while work:
            node, container = work.pop()
            if isinstance(node, MappingNode):
                self.fill_mapping(node, container, work)
            else:
                self.positions[id(container)] = [_region(item) for item in node.value]
                container.extend(self.value(item, work) for item in node.value)
        for target in list(self.pending_merges):
            self.apply_merges(target, set())
        return result

    def fill_mapping(self, node: MappingNode, mapping: dict[str, Any], work: list[tuple[Node, Any]]) -> None:
        positions: MappingPositions = {}
        self.positions[id(mapping)] = positions
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.complex_keys = True
                self.problems.append(
                    YamlProblem("syntax", "a mapping key must be a plain value, not a mapping or list",
                                key_node.start_mark.line, key_node.start_mark.column)
                )
                continue
            key = key_node.value
            if key == "<<" and key_node.tag == _PLAIN:
                self.pending_merges.setdefault(id(mapping), []).append((mapping, value_node))
                self.value(value_node, work)
                continue
            if key in positions:
                # Reported; the later value wins, as in kubectl without strict validation.
                first = positions[key][0]
                self.problems.append(
                    YamlProblem("duplicate-key",
                                f"duplicate key {key!r} (first defined on line {first[0] + 1}); "
                                "kubectl's strict field validation rejects the document: keep one",
                                key_node.start_mark.line, key_node.start_mark.column)
                )
            positions[key] = (_region(key_node), _region(value_node))
            mapping[key] = self.value(value_node, work)

    def apply_merges(self, target: int, active: set[int]) -> None:
        """Apply ``<<`` merge keys: explicit keys win, earlier merge sources win over later."""
        entries = self.pending_merges.pop(target, None)
        if entries is None or target in active:
            return
        active.add(target)
        for mapping, value_node in entries:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            positions = self.positions[id(mapping)]
            assert isinstance(positions, dict)
            for source_node in sources:
                source = self.memo.get(id(source_node))
                if not isinstance(source, dict):
                    self.problems.append(
                        YamlProblem("syntax", "a merge key '<<' must refer to a mapping",
                                    source_node.start_mark.line, source_node.start_mark.column)
                    )
                    continue
                self.apply_merges(id(source), active)
                source_positions = self.positions[id(source)]
                assert isinstance(source_positions, dict)
                for key, item in source.items():
                    if key not in mapping:
                        mapping[key] = item
                        positions[key] = source_positions[key]


def _problem_from_error(error: YAMLError) -> YamlProblem:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        parts = [p for p in (error.context, error.problem) if p]
        message = "; ".join(parts) or "invalid YAML"
        if mark is not None:
            return YamlProblem("syntax", message, mark.line, mark.column)
        return YamlProblem("syntax", message, 0, 0)
    return YamlProblem("syntax", str(error).splitlines()[0], 0, 0)


def parse_stream(text: str, cache: dict[str, Any] | None = None) -> ParseResult:
    """Parse every document of ``text``. A syntax error stops the stream; earlier documents stay.

    The C parser (libyaml, YAML 1.1 scanning rules) rejects a few inputs that YAML 1.2 and
    kubectl accept, such as ``[host:80]`` in flow style; only when it fails is the text parsed
    again with ruamel.yaml's pure-Python parser, whose verdict then stands.
    """
    cache = {} if cache is None else cache
    result = _parse(_Parser(text), cache)
    if result.problems and any(p.kind == "syntax" for p in result.problems):
        result = _parse(_pure_composer(text), cache)
    return result


def _parse(nodes: Iterator[Node] | _Parser, cache: dict[str, Any]) -> ParseResult:
    documents: list[YamlDocument] = []
    problems: list[YamlProblem] = []
    complex_keys = False
    try:
        for index, root in enumerate(_nodes(nodes) if isinstance(nodes, _Parser) else nodes):
            builder = _Builder(cache)
            value = builder.build(root)
            documents.append(YamlDocument(index, value, builder.positions, _region(root)))
            problems.extend(builder.problems)
            complex_keys = complex_keys or builder.complex_keys
    except YAMLError as error:
        problems.append(_problem_from_error(error))
    except RecursionError:
        problems.append(YamlProblem("syntax", "document is nested too deeply to analyse", 0, 0))
    return ParseResult(tuple(documents), tuple(problems), complex_keys)


def _nodes(parser: _Parser) -> Iterator[Node]:
    while parser.check_node():
        yield parser.get_node()


def _pure_composer(text: str) -> Iterator[Node]:
    """ruamel.yaml's pure-Python composer with the same plain/quoted marker tags (imported lazily)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    plain, quoted = Tag(suffix=_PLAIN), Tag(suffix=_QUOTED)

    class PureResolver(VersionedResolver):
        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> Tag:
            return plain if kind is ScalarNode and implicit[0] else quoted

    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = PureResolver
    return iter(yaml.compose_all(text))
