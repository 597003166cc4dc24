"""From input paths to Kubernetes objects: discovery, decoding, parsing, object extraction.

File-system access lives in ``discover`` and ``read_source``; everything after the bytes are in
memory (``load_source``) is pure, so tests and stdin go through exactly the same code.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from svclint.diagnostics import Diagnostic, Span
from svclint.directives import MARKER, Directive, scan
from svclint.kinds import is_analysed, is_custom_resource
from svclint.model import KubeObject, mapping, sequence
from svclint.positions import LazyDocument, Reparse
from svclint.rendered import Segment, find_segments
from svclint.shipping import shippable
from svclint.structure import Violation, validate
from svclint.yamlparse import YamlDocument, parse_stream, part_starts, split_stream

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
#: Directories a walk never enters: dependencies and caches, not manifests.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv"})
# Template syntax in a structural place: a line, key, value or list item that starts with it.
# `{{ $labels.x }}` inside quoted strings (alert rules, dashboards) is data. Only consulted for
# files that fail to parse, so valid manifests with template text in block scalars are checked.
_TEMPLATE = re.compile(r"^[ \t]*\{\{|(?:^[ \t]*-|:)[ \t]+\{\{", re.MULTILINE)


class InputError(Exception):
    """A path the user named that cannot be used at all (exit code 2)."""


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
    text: str | None = None  # the decoded text, when it parsed: positions can be found again in it
    part_starts: tuple[int, ...] = (0,)  # where the parts it was parsed in start in ``text``
    segments: tuple[Segment, ...] = ()  # rendered input: the documents helm says it rendered from a template


@shippable
@dataclass(frozen=True, slots=True)
class Source:
    """An input: a display path (as the user wrote it) and what to read it from."""

    path: str
    real: str | None  # None for stdin
    error: str | None = None  # why it cannot be read (a directory that cannot be listed)
    resolved: str | None = None  # its real path, when a directory walk already knows it

    @property
    def is_stdin(self) -> bool:
        """Read from stdin, not from a file (an unreadable directory has no file either)."""
        return self.real is None and self.error is None


def discover(paths: Sequence[str], excluded: Callable[[str], bool] | None = None,
             stdin_name: str = STDIN) -> list[Source]:
    """Expand paths into sources: files as given, directories walked in sorted order; ``-`` is
    stdin, named ``stdin_name``.

    Walks skip hidden files and directories and SKIPPED_DIRS. Symlinked directories are
    followed once each, so a symlink loop cannot recurse forever. A file reachable twice is
    read once. A directory that cannot be listed becomes a source that fails to read.
    Files and directories for which ``excluded`` is true are left out, named ones included (and
    so is stdin when its name is). Raises InputError for a path that does not exist.
    """
    sources: list[Source] = []
    seen: set[str] = set()
    for given in paths:
        if given == STDIN:
            left_out = stdin_name != STDIN and excluded is not None and excluded(stdin_name)
            found = [] if left_out else [Source(stdin_name, None)]
        elif not os.path.lexists(given):
            raise InputError(f"{given}: no such file or directory")
        elif excluded is not None and excluded(given):
            found = []
        elif os.path.isdir(given):
            found = list(_walk(given, excluded))
        else:
            found = [Source(given, given)]
        for source in found:
            key = source_key(source)
            if key not in seen:
                seen.add(key)
                sources.append(source)
    return sources


def source_key(source: Source) -> str:
    """What makes two sources the same file: the real path. Stdin named like a file is that file
    (an editor's unsaved buffer replaces the file on disk); unnamed, it is itself."""
    if source.resolved is not None:
        return source.resolved
    return source.path if source.path == STDIN else os.path.realpath(source.real or source.path)


def _walk(top: str, excluded: Callable[[str], bool] | None) -> Iterator[Source]:
    """The manifests under ``top``: a directory's files (sorted), then its subdirectories.

    ``os.scandir`` says without a system call whether an entry is a directory, a regular file
    or a link, so a plain file's real path is its directory's plus its name (``realpath`` on
    every file cost five ``lstat`` each).
    """
    visited: set[str] = set()
    stack = [top]
    while stack:
        directory = stack.pop()
        real = os.path.realpath(directory)
        if real in visited:
            continue
        visited.add(real)
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            yield Source(directory, None, error=f"cannot list directory: {error.strerror or error}")
            continue
        subdirectories = []
        for entry in entries:
            name = entry.name
            full = os.path.normpath(entry.path) if top == "." else entry.path  # "app/x.yaml", not "./app/x.yaml"
            if name.startswith(".") or (excluded is not None and excluded(full)):
                continue
            if _is_dir(entry):
                if name not in SKIPPED_DIRS:
                    subdirectories.append(full)
            elif name.lower().endswith(MANIFEST_SUFFIXES) and _readable_kind(entry):
                link = entry.is_symlink()
                yield Source(full, full, resolved=None if link else os.path.join(real, name))
        stack.extend(reversed(subdirectories))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows links, as walks follow linked directories
    except OSError:
        return False


#: Default --max-file-size: far above any manifest, low enough that /dev/zero cannot eat memory.
MAX_FILE_BYTES = 100 * 2**20


def _readable_kind(entry: os.DirEntry[str]) -> bool:
    """Regular files, and links that lead nowhere (reading reports why). Not directories, and
    not FIFOs or devices: a pipe or a link to /dev/zero named *.yaml would never end."""
    try:
        return entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path))
    except OSError:
        return True


def read_source(source: Source, stdin: bytes | None = None, limit: int = MAX_FILE_BYTES) -> bytes | str:
    """The bytes of a source, or a message saying why it cannot be read."""
    if source.error is not None:
        return source.error
    if source.real is None:
        data = stdin if stdin is not None else b""
    else:
        try:
            with open(source.real, "rb") as handle:
                data = _read_at_most(handle, limit + 1)
        except OSError as error:
            return f"cannot read file: {error.strerror or error}"
    if len(data) > limit:
        return f"file is larger than the {limit / 2**20:g} MiB limit (--max-file-size): not checked"
    return data


def _read_at_most(handle: BinaryIO, count: int) -> bytes:
    """Up to ``count`` bytes. A regular file is read with a request of its own size: asking for
    ``count`` bytes allocates that much first, which made reading small files three times slower."""
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size + 1, count))
    if size < len(data) < count:  # not a regular file (its size is 0), or it grew since fstat
        data += handle.read(count - len(data))
    return data


def _point(line: int, column: int) -> Span:
    """A one-character span from 1-based coordinates."""
    return Span(line, column, line, column + 1)


def decode(data: bytes) -> tuple[str, None] | tuple[None, tuple[str, Span]]:
    """Decode manifest bytes: UTF-8 (BOM optional) or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as error:
            return None, (f"invalid UTF-16 at byte offset {error.start}", _point(1, 1))
    nul = data.find(b"\x00")
    if nul != -1:
        return None, (f"binary file (NUL byte at offset {nul}); not a YAML or JSON manifest", _point(1, 1))
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8"), None
    except UnicodeDecodeError as error:
        offset = error.start + bom
        prefix = data[bom:offset].decode("utf-8", "replace")
        line = prefix.count("\n") + 1
        column = len(prefix) - (prefix.rfind("\n") + 1) + 1
        return None, (f"invalid UTF-8 at byte offset {offset}: manifests must be UTF-8", _point(line, column))


#: Files above twice this size are parsed in parts (see yamlparse.split_stream).
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


def load_source(path: str, data: bytes | str, file_index: int, default_namespace: str,
                cache: dict[str, Any] | None = None, rendered: bool = False) -> LoadedFile:
    """Parse one file's content into objects and load issues. Pure: no I/O.

    ``rendered``: the content is stdin, which may be ``helm template`` output whose documents
    are then reported at their templates (``svclint.rendered``). Files are reported where they
    are: a file is something to open at that line, and a repository path is what pre-commit,
    baselines and code scanning need, while helm's template paths start at the chart's name.
    """
    if isinstance(data, str):  # read_source's error message
        return LoadedFile(path, (), (LoadIssue("unreadable-file", data, path, _point(1, 1)),))
    text, failure = decode(data)
    if text is None:
        assert failure is not None
        message, span = failure
        return LoadedFile(path, (), (LoadIssue("yaml-syntax-error", message, path, span),))
    parts = split_stream(text, PART_SIZE)
    results = [parse_part(path, part, offset, (file_index, i), default_namespace, cache)
               for i, (part, offset) in enumerate(parts)]
    return join_parts(path, text, results, part_starts(parts), rendered)


def parse_part(path: str, text: str, line_offset: int, index: tuple[int, int], default_namespace: str,
               cache: dict[str, Any] | None = None) -> PartResult:
    """Parse one part of a file (``index``: file and part number) into objects and issues.

    Documents come without position tables (see ``locate``), except in a part with suppression
    comments, which are told apart from text inside scalars with the positions.
    """
    result = parse_stream(text, cache, line_offset, positions=MARKER in text)
    issues = tuple(
        LoadIssue("duplicate-key" if p.kind == "duplicate-key" else "yaml-syntax-error",
                  p.message, path, _point(p.line + 1, p.column + 1))
        for p in result.problems
    )
    objects = tuple(obj for doc in result.documents for obj in _objects(path, doc, index, default_namespace))
    stopped = any(p.kind in ("syntax", "too-deep") for p in result.problems)
    # After a syntax error, comments cannot be told from text past the last complete document.
    last = result.documents[-1].region if result.documents else (0, 0, 0, 0)
    parsed_until = (last[2], last[3]) if stopped else None
    directives = scan(text, result.documents, line_offset, parsed_until)
    return PartResult(objects, issues, stopped, bool(result.problems) or result.has_complex_keys, directives)


def join_parts(path: str, text: str, parts: list[PartResult], starts: tuple[int, ...],
               rendered: bool = False) -> LoadedFile:
    """One file's result from its parts, exactly as if it had been parsed in one piece
    (``starts``: where the parts start in ``text``; ``rendered``: as in ``load_source``)."""
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
    segments = find_segments(text) if rendered else ()
    if any(part.troubled for part in parts):
        template = _template_issue(path, text)
        if template is not None:
            return LoadedFile(path, (), (template,), segments=segments)
    located = locate(tuple(objects), Reparse(text, starts))
    return LoadedFile(path, located, tuple(issues), tuple(directives), tuple(diagnostics), text, starts,
                      segments=segments)


def locate(objects: tuple[KubeObject, ...], text: Reparse) -> tuple[KubeObject, ...]:
    """The objects, those parsed without position tables with documents that find their positions
    again in ``text`` (where they were parsed) when a finding asks (see positions.LazyDocument)."""
    lazy: dict[int, LazyDocument] = {}  # one per document (List items share theirs)
    located = []
    for obj in objects:
        document = obj.document
        if isinstance(document, YamlDocument) and document.positions is None:
            view = lazy.get(id(document))
            if view is None:
                view = lazy[id(document)] = LazyDocument(document, text, obj.order[1])
            obj = obj.with_document(view)
        located.append(obj)
    return tuple(located)


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
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return LoadIssue(
        "unrendered-template",
        "file contains template syntax ({{ ... }}) and is not a manifest yet; it was not checked",
        path,
        Span(line, column, line, column + length),
        help="render it first, e.g. `helm template . | svclint check -` or `kubectl kustomize DIR | svclint check -`",
    )


def _objects(path: str, doc: YamlDocument, index: tuple[int, int], default_namespace: str) -> Iterator[KubeObject]:
    root = doc.value
    if not isinstance(root, dict):
        return
    kind = root.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(root.get("items"), list):
        for i, item in enumerate(sequence(root.get("items"))):
            obj = _object(path, doc, ("items", i), item, (*index, doc.index, i), default_namespace)
            if obj is not None:
                yield obj
        return
    obj = _object(path, doc, (), root, (*index, doc.index, 0), default_namespace)
    if obj is not None:
        yield obj


def _object(path: str, doc: YamlDocument, base: tuple[str | int, ...], data: Any,
            order: tuple[int, int, int, int], default_namespace: str) -> KubeObject | None:
    if not isinstance(data, dict):
        return None
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not (isinstance(kind, str) and isinstance(api_version, str)):
        return None  # not a Kubernetes object
    analysed = is_analysed(kind, api_version)
    if not analysed and not is_custom_resource(api_version):
        return None
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
        order=order, custom=not analysed, violations=violations,
    )
