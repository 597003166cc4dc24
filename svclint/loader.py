"""From a file's bytes to Kubernetes objects: decoding, parsing (in parts for big files), template
detection, object extraction. Pure: no I/O (that is ``discovery`` and ``reading``), so tests and
stdin go through exactly the same code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from svclint.diagnostics import Diagnostic, Span
from svclint.directives import MARKER, Directive, scan
from svclint.kinds import is_analysed, is_custom_resource
from svclint.model import KubeObject, mapping, sequence
from svclint.pickling import shippable
from svclint.positions import SourceText, point_span
from svclint.reading import DecodeError, ReadError, decode
from svclint.rendered import Segment, find_segments
from svclint.schema_gate import Violation, validate
from svclint.streams import part_starts, split_stream
from svclint.yamlparse import YamlDocument, parse_stream

# Template syntax in a structural place: a line, key, value or list item that starts with it.
# `{{ $labels.x }}` inside quoted strings (alert rules, dashboards) is data. Only consulted for
# files that fail to parse, so valid manifests with template text in block scalars are checked.
_TEMPLATE = re.compile(r"^[ \t]*\{\{|(?:^[ \t]*-|:)[ \t]+\{\{", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How file contents become objects: the same for every file of a run."""

    default_namespace: str = "default"
    #: Plain scalar text -> its resolved value: a memo of a pure function, shared by the files
    #: one process loads (a worker's batch), so sharing it changes no result.
    scalars: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """A problem found while loading; ``rule`` is a catalog name, the engine adds the rest."""

    rule: str
    message: str
    path: str
    span: Span
    help: str | None = None


@shippable
@dataclass(frozen=True, slots=True)
class LoadedFile:
    path: str
    objects: tuple[KubeObject, ...]
    issues: tuple[LoadIssue, ...]
    directives: tuple[Directive, ...] = ()  # ``# svclint:`` comments
    #: Findings of the object-scope rules, made where the file was parsed (see engine.check_objects).
    diagnostics: tuple[Diagnostic, ...] = ()
    source: SourceText | None = None  # the decoded text, when it parsed: positions are found again in it
    segments: tuple[Segment, ...] = ()  # rendered input: the documents helm says it rendered from a template


#: Files above twice this size are parsed in parts (see streams.split_stream).
PART_SIZE = 1_000_000


@shippable
@dataclass(frozen=True, slots=True)
class PartResult:
    """What parsing one part of a file gives, before the parts are joined."""

    objects: tuple[KubeObject, ...]
    issues: tuple[LoadIssue, ...]
    stopped: bool  # a syntax error ended the stream here: later parts do not count
    troubled: bool  # any parse problem or complex key: the file may be an unrendered template
    directives: tuple[Directive, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()  # of the object-scope rules, as in LoadedFile


def load_source(path: str, data: bytes | ReadError, file_index: int, options: LoadOptions | None = None,
                rendered: bool = False) -> LoadedFile:
    """Parse one file's content into objects and load issues. Pure: no I/O.

    ``rendered``: the content is stdin, which may be ``helm template`` output whose documents
    are then reported at their templates (``svclint.rendered``). Files are reported where they
    are: a file is something to open at that line, and a repository path is what pre-commit,
    baselines and code scanning need, while helm's template paths start at the chart's name.
    """
    options = options or LoadOptions()
    if isinstance(data, ReadError):
        return LoadedFile(path, (), (LoadIssue("unreadable-file", data.message, path, point_span(0, 0)),))
    text = decode(data)
    if isinstance(text, DecodeError):
        return LoadedFile(path, (), (LoadIssue("yaml-syntax-error", text.message, path, text.span),))
    parts = split_stream(text, PART_SIZE)
    results = [parse_part(path, part, offset, (file_index, i), options) for i, (part, offset) in enumerate(parts)]
    return join_parts(path, SourceText(text, part_starts(parts)), results, rendered)


def parse_part(path: str, text: str, line_offset: int, index: tuple[int, int], options: LoadOptions) -> PartResult:
    """Parse one part of a file (``index``: file and part number) into objects and issues; the
    objects find their positions in the part's text.

    Documents come without position tables (see ``positions.SourceText``), except in a part with
    suppression comments, which are told apart from text inside scalars with the positions.
    """
    result = parse_stream(text, options.scalars, line_offset, positions=MARKER in text)
    issues = tuple(
        LoadIssue("duplicate-key" if p.kind == "duplicate-key" else "yaml-syntax-error",
                  p.message, path, point_span(p.line, p.column))
        for p in result.problems
    )
    source = SourceText(text, (0,), line_offset, index[1])
    objects = tuple(obj for doc in result.documents
                    for obj in _objects(path, doc, index, options.default_namespace, source))
    stopped = any(p.kind in ("syntax", "too-deep") for p in result.problems)
    # After a syntax error, comments cannot be told from text past the last complete document.
    last = result.documents[-1].region if result.documents else (0, 0, 0, 0)
    parsed_until = (last[2], last[3]) if stopped else None
    directives = scan(text, result.documents, line_offset, parsed_until)
    return PartResult(objects, issues, stopped, bool(result.problems) or result.has_complex_keys, directives)


def join_parts(path: str, source: SourceText, parts: list[PartResult], rendered: bool = False) -> LoadedFile:
    """One file's result from its parts (parsed from ``source``), exactly as if it had been
    parsed in one piece (``rendered``: as in ``load_source``); the objects find their positions
    in the file's text."""
    objects: list[KubeObject] = []
    issues: list[LoadIssue] = []
    directives: list[Directive] = []
    diagnostics: list[Diagnostic] = []
    for part in parts:
        objects += part.objects
        issues += part.issues
        directives += part.directives
        diagnostics += part.diagnostics
        if part.stopped:
            break
    segments = find_segments(source.text) if rendered else ()
    if any(part.troubled for part in parts):
        template = _template_issue(path, source.text)
        if template is not None:
            return LoadedFile(path, (), (template,), segments=segments)
        if not rendered and not objects and not _mentions_an_object(source.text):
            return LoadedFile(path, (), ())  # a broken file that is no manifest (tsconfig.json): not ours
        if path.lower().endswith(".json"):
            issues = [_as_json(issue) for issue in issues]
    return LoadedFile(path, with_source(objects, source), tuple(issues), tuple(directives), tuple(diagnostics),
                      source, segments)


def _mentions_an_object(text: str) -> bool:
    """Whether a file that does not parse could be a manifest: it names an apiVersion or a kind."""
    return "apiVersion" in text or "kind" in text


def _as_json(issue: LoadIssue) -> LoadIssue:
    """A syntax error of a .json file, said of JSON: svclint reads JSON as YAML (JSON is a subset
    of YAML 1.2), so the parser's words are YAML's."""
    if issue.rule != "yaml-syntax-error":
        return issue
    return dataclasses.replace(issue, message=f"invalid JSON (read as YAML, of which JSON is a subset): {issue.message}")


def with_source(objects: Iterable[KubeObject], source: SourceText | None) -> tuple[KubeObject, ...]:
    """The objects, finding their positions in ``source`` (None: nowhere, while they travel).

    An object already parsed from that text, cut the same way (a file of one part), is kept as
    it is: most files are one part, and copying their objects again was work for nothing."""
    return tuple(obj if obj.source == source else obj.with_document(obj.document, source) for obj in objects)


def _template_issue(path: str, text: str) -> LoadIssue | None:
    """Unrendered Helm/Go templates (in a file that did not parse): report once, instead of
    confusing syntax errors."""
    match = _TEMPLATE.search(text)
    if match is None:
        return None
    start = text.index("{{", match.start())
    line_end = text.find("\n", start)
    close = text.find("}}", start, len(text) if line_end == -1 else line_end)
    length = close + 2 - start if close != -1 else 2
    line, column = text.count("\n", 0, start), start - (text.rfind("\n", 0, start) + 1)
    return LoadIssue(
        "unrendered-template",
        "file contains template syntax ({{ ... }}) and is not a manifest yet; it was not checked",
        path,
        point_span(line, column, length),
        help="render it first, e.g. `helm template . | svclint check -` or `kubectl kustomize DIR | svclint check -`",
    )


def _objects(path: str, doc: YamlDocument, index: tuple[int, int], default_namespace: str,
             source: SourceText) -> Iterator[KubeObject]:
    root = doc.value
    if not isinstance(root, dict):
        return
    kind = root.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(root.get("items"), list):
        for i, item in enumerate(sequence(root.get("items"))):
            obj = _object(path, doc, ("items", i), item, (*index, doc.index, i), default_namespace, source)
            if obj is not None:
                yield obj
        return
    obj = _object(path, doc, (), root, (*index, doc.index, 0), default_namespace, source)
    if obj is not None:
        yield obj


def _object(path: str, doc: YamlDocument, base: tuple[str | int, ...], data: Any,
            order: tuple[int, int, int, int], default_namespace: str, source: SourceText) -> KubeObject | None:
    if not isinstance(data, dict):
        return None
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not (isinstance(kind, str) and isinstance(api_version, str)):
        return None  # not a Kubernetes object
    analysed = is_analysed(kind, api_version)
    if not analysed and not is_custom_resource(api_version):
        return None
    if "status" in data and "spec" not in data:
        return None  # a status to compare with (a kuttl assert file), not an object to apply
    violations: tuple[Violation, ...] = ()
    if analysed:
        data, violations = validate(kind, data)
    metadata = mapping(data.get("metadata"))
    name = metadata.get("name") or metadata.get("generateName") or ""
    namespace = metadata.get("namespace")
    return KubeObject(
        path=path, document=doc, base=base, data=data, kind=kind, api_version=api_version,
        name=name if isinstance(name, str) else str(name),
        namespace=namespace if isinstance(namespace, str) and namespace else default_namespace,
        order=order, custom=not analysed, violations=violations, source=source,
    )
