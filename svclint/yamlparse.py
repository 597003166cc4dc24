"""YAML text to plain Python containers plus a tree of positions.

The parser's events (libyaml through ruamel.yaml.clib) are turned straight into plain
``dict``/``list``/scalars (what rules and schema validators want) and, beside them, a tree of
positions of the same shape saying where each key and value starts and ends. No node graph is
built and nothing recurses, so nesting depth is bounded by memory only. Everything is plain
data, so parsed files can cross process boundaries. Positions are 0-based ints here;
``positions.py`` is the only place that turns them into 1-based spans.

Scalars are resolved with the YAML 1.2 core schema. Explicit tags other than the core ones
(``!!python/object``, ``!Ref``, ...) are never constructed: their text is kept as a string.
Aliases share the anchored value instead of copying it, so an alias bomb costs nothing.

Longer than svclint's other modules on purpose: the general builder (``_DocumentBuilder``, with
positions, duplicate keys, merge keys and aliases) and the fast loop for documents without
positions (``_build_values``, which gives up to the general one on anything unusual) must agree
value for value, so they live side by side (tests/test_quick_parse.py holds them equal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from _ruamel_yaml import CParser  # type: ignore[import-not-found]  # ruamel.yaml.clib
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from svclint.pickling import shippable

#: (line, column, end_line, end_column), all 0-based.
Region = tuple[int, int, int, int]
#: The positions of a container, shaped like it (a "shadow" tree of plain, picklable data), one
#: flat tuple per entry to keep objects few:
#: per mapping key (*key region, *value region, the value's positions if it is a container);
#: per list item (*item region, the item's positions if it is a container).
MappingPositions = dict[str, tuple[Any, ...]]
SequencePositions = list[tuple[Any, ...]]
Positions = MappingPositions | SequencePositions

_CORE = "tag:yaml.org,2002:"
_MERGE = "<<"

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A parse problem at a 0-based position; ``kind`` is ``syntax``, ``too-deep`` (both end the
    stream) or ``duplicate-key``."""

    kind: str
    message: str
    line: int
    column: int


@shippable
@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a stream: its plain value, the positions shadowing it, and its region."""

    index: int  # within the parsed text (a part of a file, see streams.split_stream)
    value: Any
    positions: Positions | None  # None when the document is a scalar, or was parsed without positions
    region: Region
    line_offset: int = 0  # lines before the parsed text: add to every line of the regions
    #: Where the lines of the root start and where the root ends, as offsets into the parsed text
    #: (for parsing the document again alone, see positions.SourceText).
    lines: tuple[int, int] = (0, 0)

    @property
    def start_line(self) -> int:
        """The 1-based line of the file where the root starts."""
        return self.region[0] + self.line_offset + 1


@dataclass(frozen=True, slots=True)
class ParseResult:
    documents: tuple[YamlDocument, ...]
    problems: tuple[YamlProblem, ...]
    has_complex_keys: bool


#: Longer numbers stay text: Python refuses to convert huge ints to and from decimal, and no
#: Kubernetes field holds one (int64 has 19 digits).
_MAX_DIGITS = 100


def _number(text: str) -> int | float | None:
    if len(text) > _MAX_DIGITS:
        return None
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


def _region(event: Event) -> Region:
    start, end = event.start_mark, event.end_mark
    return (start.line, start.column, end.line, end.column)


_NO_KEY = object()  # a mapping frame waiting for its next key
_SKIP = object()  # the key was unusable (a mapping or list): drop its value

# Where a value went, so a container's full region can be recorded when it ends.
_ROOT, _ITEM, _VALUE, _DROPPED = range(4)
Slot = tuple[int, Any]


@dataclass(slots=True)
class _Frame:
    """An open mapping or sequence and where its pieces are."""

    container: dict[str, Any] | list[Any]
    positions: Positions
    start: tuple[int, int]
    slot: Slot  # where the container itself went in its parent
    anchor: str | None
    key: Any = _NO_KEY  # mappings: the key whose value comes next
    key_region: Region = (0, 0, 0, 0)
    key_is_merge: bool = False
    merges: list[tuple[Any, Region, Positions | None]] = field(default_factory=list)  # `<<` values


class _TooDeep(Exception):
    """Nesting beyond MAX_DEPTH: the stream is abandoned (libyaml slows down quadratically with
    flow depth, and deep data cannot be pickled or compared without recursion)."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line, self.column = line, column


#: No Kubernetes manifest comes close (CRD schemas nest a few dozen levels).
MAX_DEPTH = 200


class _DocumentBuilder:
    """Feeds one document's events into plain containers and their positions."""

    def __init__(self, cache: dict[str, Any], problems: list[YamlProblem], line_offset: int) -> None:
        self.cache = cache
        self.problems = problems
        self.line_offset = line_offset  # only for messages that name a line
        self.anchors: dict[str, tuple[Any, Region, Positions | None]] = {}
        self.stack: list[_Frame] = []
        self.top: _Frame | None = None  # stack[-1], kept apart: it is read on every event
        self.root: Any = None
        self.root_positions: Positions | None = None
        self.root_region: Region | None = None
        self.root_lines: tuple[int, int] | None = None  # see YamlDocument.lines
        self.complex_keys = False

    def on_scalar(self, event: ScalarEvent) -> None:
        start, end = event.start_mark, event.end_mark
        region = (start.line, start.column, end.line, end.column)
        tag, text = event.ctag, event.value  # ctag: the raw tag, without the `tag` property's str()
        plain = tag is None and event.implicit[0]
        if plain:
            value = self.cache.get(text, _NO_KEY)
            if value is _NO_KEY:
                value = self.cache[text] = resolve_plain(text)
        elif tag is None or tag == "!":  # quoted, or explicitly non-specific
            value = text
        else:
            value = _resolve_tagged(str(tag), text)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, region, None)
        frame = self.top
        if frame is None:
            self.root_lines = (start.index - start.column, end.index)
        if frame is not None and frame.key is _NO_KEY and frame.positions.__class__ is dict:
            # The common case, a mapping key, handled here: keys are always scalars' text. A
            # plain key's cached resolution is that same text: one shared string per distinct key.
            frame.key = value if value.__class__ is str else text if plain else str(value)
            frame.key_region = region
            frame.key_is_merge = plain and text == _MERGE
            return
        self.add(value, region, None)

    def on_start(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        container: dict[str, Any] | list[Any]
        positions: Positions
        if event.__class__ is MappingStartEvent:
            container, positions = {}, {}
        else:
            container, positions = [], []
        start = (event.start_mark.line, event.start_mark.column)
        if self.top is None:
            self.root_lines = (event.start_mark.index - event.start_mark.column, 0)
        if event.anchor is not None:  # already, so an alias inside it is seen as recursive
            self.anchors[event.anchor] = (container, (*start, *start), positions)
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep(*start)
        slot = self.add(container, (*start, *start), positions)
        self.top = _Frame(container, positions, start, slot, event.anchor)
        self.stack.append(self.top)

    def on_end(self, event: MappingEndEvent | SequenceEndEvent) -> None:
        frame = self.stack.pop()
        self.top = self.stack[-1] if self.stack else None
        if self.top is None and self.root_lines is not None:
            self.root_lines = (self.root_lines[0], event.end_mark.index)
        if frame.merges:
            self.merge(frame)
        self.close(frame, (*frame.start, event.end_mark.line, event.end_mark.column))

    def alias(self, event: AliasEvent) -> None:
        anchored = self.anchors.get(event.anchor)
        problem = None
        if anchored is None:
            problem = f"found undefined alias {event.anchor!r}"
        elif any(frame.container is anchored[0] for frame in self.stack):
            problem = f"alias *{event.anchor} refers to a mapping or list that contains it"
        if problem is not None:
            self.problems.append(YamlProblem("syntax", problem, event.start_mark.line, event.start_mark.column))
            anchored = (None, _region(event), None)
        assert anchored is not None
        self.add(*anchored)

    def add(self, value: Any, region: Region, positions: Positions | None) -> Slot:
        """Put a new value where the parser is: a document root, a list item, a key or a value."""
        frame = self.top
        if frame is None:
            self.root, self.root_region, self.root_positions = value, region, positions
            return (_ROOT, None)
        if frame.container.__class__ is list:
            frame.container.append(value)
            frame.positions.append((*region, positions))  # type: ignore[union-attr]
            return (_ITEM, len(frame.container) - 1)
        if frame.key is _NO_KEY:  # only containers and aliases get here as keys
            if isinstance(value, (dict, list)):
                self.complex_keys = True
                self.problems.append(YamlProblem(
                    "syntax", "a mapping key must be a plain value, not a mapping or list", region[0], region[1]))
                frame.key = _SKIP
            else:
                frame.key, frame.key_region, frame.key_is_merge = str(value), region, False
            return (_DROPPED, None)
        key, frame.key = frame.key, _NO_KEY
        if key is _SKIP:
            return (_DROPPED, None)
        if frame.key_is_merge:
            frame.merges.append((value, frame.key_region, positions))
            return (_DROPPED, None)
        table = frame.positions
        assert isinstance(table, dict)
        if key in table:
            # Reported; the later value wins, as in kubectl without strict validation.
            self.problems.append(YamlProblem(
                "duplicate-key",
                f"duplicate key {key!r} (first defined on line {table[key][0] + 1 + self.line_offset}); "
                "kubectl's strict field validation rejects the document: keep one",
                frame.key_region[0], frame.key_region[1]))
        table[key] = (*frame.key_region, *region, positions)
        frame.container[key] = value
        return (_VALUE, key)

    def close(self, frame: _Frame, region: Region) -> None:
        """A container ended: record its full region where it was put (and for its anchor)."""
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, region, frame.positions)
        where, ref = frame.slot
        if where == _ROOT:
            self.root_region = region
        elif where == _ITEM:
            items = self.stack[-1].positions
            assert isinstance(items, list)
            items[ref] = (*region, frame.positions)
        elif where == _VALUE:
            table = self.stack[-1].positions
            assert isinstance(table, dict)
            table[ref] = (*table[ref][:4], *region, frame.positions)

    def merge(self, frame: _Frame) -> None:
        """``<<`` merge keys: explicit keys win, earlier merge sources win over later ones."""
        mapping, table = frame.container, frame.positions
        assert isinstance(mapping, dict) and isinstance(table, dict)
        for value, key_region, positions in frame.merges:
            if value is None:
                continue  # an alias that was already reported
            if isinstance(value, list) and isinstance(positions, list):
                sources = [(item, entry[4]) for item, entry in zip(value, positions)]
            else:
                sources = [(value, positions)]
            for source, source_positions in sources:
                if not isinstance(source, dict) or not isinstance(source_positions, dict):
                    self.problems.append(
                        YamlProblem("syntax", "a merge key '<<' must refer to a mapping", *key_region[:2]))
                    continue
                for key, item in source.items():
                    if key not in mapping:
                        mapping[key] = item
                        table[key] = source_positions[key]


def _problem_from_error(error: YAMLError) -> YamlProblem:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        parts = [p for p in (error.context, error.problem) if p]
        message = "; ".join(parts) or "invalid YAML"
        if mark is not None:
            return YamlProblem("syntax", message, mark.line, mark.column)
        return YamlProblem("syntax", message, 0, 0)
    return YamlProblem("syntax", str(error).splitlines()[0], 0, 0)


def parse_stream(text: str, cache: dict[str, Any] | None = None, line_offset: int = 0,
                 positions: bool = True) -> ParseResult:
    """Parse every document of ``text``. A syntax error stops the stream; earlier documents stay.

    The C parser (libyaml, YAML 1.1 scanning rules) rejects a few inputs that YAML 1.2 and
    kubectl accept, such as ``[host:80]`` in flow style; only when it fails is the text parsed
    again with ruamel.yaml's pure-Python parser, whose verdict then stands. ``line_offset``
    says where ``text`` starts in its file (see streams.split_stream).

    ``positions=False``: documents come without position tables (``positions`` is None, the
    ``region`` is there), to be parsed again for positions only if a finding needs them. Text
    that is not plain data (aliases, merge keys, duplicate or complex keys, errors) is parsed
    with positions all the same, so its problems are reported exactly.
    """
    cache = {} if cache is None else cache
    if not positions:
        quick = _build_values(_Parser(text).get_event, cache, line_offset)
        if quick is not None:
            return quick
    result = _build(_Parser(text).get_event, cache, line_offset)
    if any(p.kind == "syntax" for p in result.problems):
        result = _build(_pure_events(text), cache, line_offset)
    return result


def _build(next_event: Callable[[], Event], cache: dict[str, Any], line_offset: int = 0) -> ParseResult:
    documents: list[YamlDocument] = []
    problems: list[YamlProblem] = []
    complex_keys = False
    builder = _DocumentBuilder(cache, problems, line_offset)
    try:
        while True:
            event: Any = next_event()
            kind = event.__class__  # dispatch by class, not isinstance: this runs for every event
            if kind is ScalarEvent:
                builder.on_scalar(event)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                builder.on_start(event)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                builder.on_end(event)
            elif kind is AliasEvent:
                builder.alias(event)
            elif kind is DocumentStartEvent:
                builder = _DocumentBuilder(cache, problems, line_offset)
            elif kind is DocumentEndEvent:
                region = builder.root_region or _region(event)
                lines = builder.root_lines or (event.start_mark.index - event.start_mark.column, event.end_mark.index)
                documents.append(YamlDocument(len(documents), builder.root, builder.root_positions, region,
                                              line_offset, lines))
                complex_keys = complex_keys or builder.complex_keys
            elif kind is StreamEndEvent:
                break
    except YAMLError as error:
        problems.append(_problem_from_error(error))
    except _TooDeep as error:
        problems.append(YamlProblem("too-deep", f"nesting deeper than {MAX_DEPTH} levels; the rest of the "
                                    "file was not read", error.line, error.column))
    if line_offset:
        problems = [YamlProblem(p.kind, p.message, p.line + line_offset, p.column) for p in problems]
    return ParseResult(tuple(documents), tuple(problems), complex_keys)


class _NotPlain(Exception):
    """The quick builder met something it leaves to the full one (see _build_values)."""


def _build_values(next_event: Callable[[], Event], cache: dict[str, Any], line_offset: int) -> ParseResult | None:
    """The documents' values and regions, without position tables; None for text that is not
    plain data (see parse_stream), which the full builder then parses.

    One loop with local state: this is most of the time svclint spends on a healthy manifest.
    A value is resolved exactly as the full builder does it, so both give equal documents.
    Anchors are not looked at: an anchor that no alias uses changes nothing, and an alias (or
    a merge key) sends the text to the full builder.
    """
    documents: list[YamlDocument] = []
    stack: list[Any] = []  # the open containers' parents (None above the root)
    top: Any = None  # the open container
    key: Any = _NO_KEY  # in a mapping: the key whose value comes next
    root: Any = None
    start = end = None  # the marks of the document's root
    get = cache.get
    try:
        while True:
            event: Any = next_event()
            kind = event.__class__
            if kind is ScalarEvent:
                text, tag = event.value, event.ctag
                plain = tag is None and event.implicit[0]
                if plain:
                    value = get(text, _NO_KEY)
                    if value is _NO_KEY:
                        value = cache[text] = resolve_plain(text)
                elif tag is None or tag == "!":
                    value = text
                else:
                    value = _resolve_tagged(str(tag), text)
                if top.__class__ is dict:
                    if key is _NO_KEY:  # a key: its text, as in _DocumentBuilder.on_scalar
                        if plain and text == _MERGE:
                            raise _NotPlain
                        key = value if value.__class__ is str else text if plain else str(value)
                    elif key in top:
                        raise _NotPlain  # a duplicate key
                    else:
                        top[key] = value
                        key = _NO_KEY
                elif top is None:
                    root, start, end = value, event.start_mark, event.end_mark
                else:
                    top.append(value)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    raise _NotPlain
                container: Any = {} if kind is MappingStartEvent else []
                if top.__class__ is dict:
                    if key is _NO_KEY or key in top:
                        raise _NotPlain  # a complex or duplicate key
                    top[key] = container
                elif top is None:
                    root, start = container, event.start_mark
                else:
                    top.append(container)
                stack.append(top)
                top, key = container, _NO_KEY
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                top, key = stack.pop(), _NO_KEY  # in a mapping, the container was its key's value
                if top is None:
                    end = event.end_mark
            elif kind is DocumentEndEvent:
                assert start is not None and end is not None
                region = (start.line, start.column, end.line, end.column)
                lines = (start.index - start.column, end.index)
                documents.append(YamlDocument(len(documents), root, None, region, line_offset, lines))
            elif kind is StreamEndEvent:
                break
            elif kind is AliasEvent:
                raise _NotPlain
    except (YAMLError, _NotPlain):
        return None
    return ParseResult(tuple(documents), (), False)


class _Parser(CParser):  # type: ignore[misc]
    """libyaml's event parser; the resolver hooks are only used by its composer, never here."""

    def resolve(self, *_: object) -> None:
        return None

    def descend_resolver(self, *_: object) -> None:
        return None

    def ascend_resolver(self, *_: object) -> None:
        return None


_SURROGATES = re.compile("[\ud800-\udfff]")


def _pure_events(text: str) -> Callable[[], Event]:
    """ruamel.yaml's pure-Python parser (imported only when needed)."""
    from ruamel.yaml import YAML

    def events() -> Iterator[Event]:
        for event in YAML(typ="safe", pure=True).parse(text):
            if event.__class__ is ScalarEvent and _SURROGATES.search(event.value):
                # "\ud83d\ude00" (JSON's escape for one emoji) arrives as two halves: join them.
                event.value = event.value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
            yield event

    return events().__next__
