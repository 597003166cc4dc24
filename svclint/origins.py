"""Findings in a kustomize render, put back where their fields are written.

Each object of a render names the file it came from (``config.kubernetes.io/origin``, see
``svclint.kustomize_build``). A finding's field (``Diagnostic.at``) is looked up, in order, in
the strategic-merge patches of the root's build that target the object (the root's own first:
the patch applied last wins) and in the object's resource file; the first that holds the
field with the rendered value is where the finding is reported. Lists are matched by what
kustomize merges them by (a container's ``name``, a port's ``containerPort`` or ``port``), as
kustomize reorders them. A field no file holds as rendered was set by a transformer
(``namespace``, ``namePrefix``, ``labels``, ...): the finding points at the nearest field of the
resource that exists, and a note at the kustomization line that sets it. Every finding keeps
a note naming the build and its line in the build's output.

One finding at the same place in several builds (a base shared by overlays) is reported once,
naming the other builds. Pure: files are read through the function it is given.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from svclint.diagnostics import Diagnostic, JsonPath, Related, Span
from svclint.kustomize import Forest, Kustomization
from svclint.kustomize_build import ORIGIN_ANNOTATION
from svclint.model import KubeObject, mapping
from svclint.positions import resolve_span
from svclint.yamlparse import YamlDocument, parse_stream

#: The keys kustomize merges list items by, in the order they are tried.
_MERGE_KEYS = ("name", "containerPort", "port", "mountPath", "devicePath", "ip", "topologyKey", "key", "path")
#: The start of a file: where a finding goes that has no better place in it.
_FILE_START = Span(1, 1, 1, 2)


@dataclass(frozen=True, slots=True)
class Render:
    """One root's build, as loaded: its objects carry ``path``, which no file has."""

    root: Kustomization
    name: str  # the root's directory as messages name it
    path: str
    objects: tuple[KubeObject, ...]
    origin_base: str  # the directory origin paths are relative to
    command: str  # as the notes show it: "kubectl kustomize overlays/prod"


#: A file's real path -> its documents with positions (empty when it cannot be read or parsed).
Documents = Callable[[str], tuple[YamlDocument, ...]]


@dataclass(frozen=True, slots=True)
class Origins:
    """Where the findings of a run's renders are reported."""

    renders: Mapping[str, Render]  # by their path
    forest: Forest
    display: Callable[[str], str]  # a real path as messages name it
    documents: Documents
    #: Whether an annotation of an object suppresses a rule for it (see ``reporting``).
    suppressed: Callable[[KubeObject, str], bool]

    def place(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics with those in renders moved to their sources, each place once."""
        kept: dict[tuple[str, str, Span], tuple[Diagnostic, list[Render]]] = {}
        result: list[Diagnostic] = []
        for diagnostic in diagnostics:
            render = self.renders.get(diagnostic.path)
            if render is None:
                result.append(self._related_placed(diagnostic))
                continue
            placed = self._placed(diagnostic, render)
            key = (placed.code, placed.path, placed.span)
            if key not in kept:
                kept[key] = (placed, [render])
            elif render not in kept[key][1]:
                kept[key][1].append(render)
        for placed, renders in kept.values():
            also = tuple(Related(f"the same in the output of `{other.command}`", self.display(other.root.path),
                                 _FILE_START) for other in renders[1:])
            result.append(dataclasses.replace(placed, related=(*placed.related, *also)) if also else placed)
        return result

    def object_path(self, obj: KubeObject) -> str:
        """The file an object is reported in: for a rendered one, its resource file."""
        render = self.renders.get(obj.path)
        if render is None:
            return obj.path
        local = _origin(obj).get("path")
        if not isinstance(local, str) or "repo" in _origin(obj):
            return self.display(render.root.path)
        return self.display(os.path.normpath(os.path.join(render.origin_base, local)))

    def _related_placed(self, diagnostic: Diagnostic) -> Diagnostic:
        related = tuple(self._related(r) for r in diagnostic.related)
        return diagnostic if related == diagnostic.related else dataclasses.replace(diagnostic, related=related)

    def _placed(self, diagnostic: Diagnostic, render: Render) -> Diagnostic:
        root_file = self.display(render.root.path)
        built = Related(f"rendered by `{render.command}`, line {diagnostic.span.line} of its output",
                        root_file, _FILE_START)
        obj = _object_at(render, diagnostic.span.line)
        notes: tuple[Related, ...] = ()
        if obj is None or diagnostic.object is None:
            path, span = root_file, _FILE_START
        else:
            path, span, notes = self._locate(render, obj, diagnostic.at, on_key=_on_key(obj, diagnostic))
        counterpart = diagnostic.counterpart
        if counterpart is not None and counterpart.path in self.renders:
            counterpart = self._placed(counterpart, self.renders[counterpart.path])
        suppression = diagnostic.suppression
        if suppression is None and obj is not None and self.suppressed(obj, diagnostic.rule):
            suppression = "inSource"
        return dataclasses.replace(
            diagnostic, path=path, span=span, related=(*map(self._related, diagnostic.related), *notes, built),
            counterpart=counterpart, suppression=suppression)

    def _related(self, related: Related) -> Related:
        render = self.renders.get(related.path)
        if render is None:
            return related
        obj = _object_at(render, related.span.line)
        if obj is None:
            return Related(related.message, self.display(render.root.path), _FILE_START)
        document = obj.document if obj.source is None else obj.source.located(obj.order[1], obj.document)
        at = path_at(document, related.span.line - 1 - document.line_offset, related.span.column - 1)
        path, span, _ = self._locate(render, obj, at[len(obj.base):], on_key=False)
        return Related(related.message, path, span)

    def _locate(self, render: Render, obj: KubeObject, at: JsonPath, on_key: bool) -> tuple[str, Span, tuple[Related, ...]]:
        """Where a field of a rendered object is written, and the notes that say how it got its value."""
        origin = _origin(obj)
        local = origin.get("path")
        if not isinstance(local, str) or "repo" in origin:  # generated, or from a remote base
            made = origin.get("configuredIn")
            where = os.path.normpath(os.path.join(render.origin_base, made)) if isinstance(made, str) else render.root.path
            kind = mapping(origin.get("configuredBy")).get("kind")
            note = Related(f"made by kustomize ({kind or 'a remote base'}), not written in a file of the inputs",
                           self.display(where), _FILE_START)
            return self.display(where), _FILE_START, (note,)
        resource = os.path.normpath(os.path.join(render.origin_base, local))
        rendered = _value_of(obj)
        document = _document_for(self.documents(resource), obj)
        if document is None:
            return self.display(resource), _FILE_START, ()
        found, complete, same = follow(document.value, rendered, at)
        here = self.display(resource), resolve_span(document, found, on_key=on_key)
        if complete and isinstance(_value(document.value, found), (dict, list)):  # a mapping or list: where it starts
            return (*here, () if same else self._transformer_notes(render.root, at))
        name = mapping(mapping(document.value).get("metadata")).get("name")
        for patch in self._patches(render.root, obj.kind, (name, obj.name)):
            in_patch, _, same_in_patch = follow(patch.value, rendered, at)
            if same_in_patch:  # a patch applied later than the resource, or its value
                return self.display(patch.file), resolve_span(patch.document, in_patch, on_key=on_key), ()
        return (*here, () if same else self._transformer_notes(render.root, at))

    def _patches(self, root: Kustomization, kind: str, names: Sequence[Any]) -> Iterator[_Patch]:
        """The documents of the strategic-merge patch files of a build that patch an object
        (by its kind and its name before or after the build), the root's first."""
        for kustomization in self.forest.chain(root):
            for file in kustomization.patches:
                for document in self.documents(file):
                    data = mapping(document.value)
                    if data.get("kind") == kind and mapping(data.get("metadata")).get("name") in names:
                        yield _Patch(file, document)

    def _transformer_notes(self, root: Kustomization, at: JsonPath) -> tuple[Related, ...]:
        for kustomization in self.forest.chain(root):
            for key in _transformers(at):
                if kustomization.value(key) is not None and kustomization.document is not None:
                    shown = self.display(kustomization.path)
                    return (Related(f"kustomize sets this with `{key}` in {shown}", shown,
                                    resolve_span(kustomization.document, (key,), on_key=True)),)
        return ()


@dataclass(frozen=True, slots=True)
class _Patch:
    file: str  # real path
    document: YamlDocument

    @property
    def value(self) -> Any:
        return self.document.value


def _transformers(at: JsonPath) -> tuple[str, ...]:
    """The kustomization fields that may have set the field at ``at``."""
    if at[:2] == ("metadata", "namespace"):
        return ("namespace",)
    if at[:2] == ("metadata", "name"):
        return ("namePrefix", "nameSuffix")
    if "labels" in at or "selector" in at:
        return ("labels", "commonLabels")
    if "annotations" in at:
        return ("commonAnnotations",)
    if at == ("spec", "replicas"):
        return ("replicas",)
    if at[-1:] == ("image",):
        return ("images",)
    return ("patches", "patchesStrategicMerge", "patchesJson6902", "replacements")


def _value(data: Any, path: JsonPath) -> Any:
    for step in path:
        data = data[step]
    return data


def _origin(obj: KubeObject) -> Mapping[str, Any]:
    text = mapping(mapping(obj.data.get("metadata")).get("annotations")).get(ORIGIN_ANNOTATION)
    if not isinstance(text, str):
        return {}
    parsed = parse_stream(text)
    return mapping(parsed.documents[0].value) if parsed.documents and not parsed.problems else {}


def _value_of(obj: KubeObject) -> Any:
    return _value(obj.document.value, obj.base)


def _on_key(obj: KubeObject, diagnostic: Diagnostic) -> bool:
    """Whether the finding points at its field's key rather than at its value, as in the render."""
    at = (*obj.base, *diagnostic.at)
    document = obj.document if obj.source is None else obj.source.located(obj.order[1], obj.document)
    return diagnostic.span == resolve_span(document, at, on_key=True) != resolve_span(document, at)


def _object_at(render: Render, line: int) -> KubeObject | None:
    """The object of a render whose document holds ``line``."""
    starts = [obj.document.start_line for obj in render.objects]
    index = bisect.bisect_right(starts, line) - 1
    return render.objects[index] if index >= 0 else None


def _document_for(documents: Sequence[YamlDocument], obj: KubeObject) -> YamlDocument | None:
    """The document of a resource file that a rendered object was made from: the one of its kind
    whose name it has (kustomize adds prefixes and suffixes), the longest such name if several."""
    named = [(mapping(mapping(d.value).get("metadata")).get("name"), d) for d in documents
             if mapping(d.value).get("kind") == obj.kind]
    fitting = [(len(name), d) for name, d in named if isinstance(name, str) and name and name in obj.name]
    if fitting:
        return max(fitting, key=lambda pair: pair[0])[1]
    return named[0][1] if len(named) == 1 else None


def follow(source: Any, rendered: Any, at: JsonPath) -> tuple[JsonPath, bool, bool]:
    """The path in ``source`` of the field at ``at`` in ``rendered``, as far as it goes; whether
    it goes all the way; and whether the field there has the rendered value."""
    found: list[str | int] = []
    for step in at:
        if isinstance(step, str):
            if not (isinstance(source, dict) and isinstance(rendered, dict) and step in source and step in rendered):
                return tuple(found), False, False
            source, rendered = source[step], rendered[step]
            found.append(step)
        else:
            if not (isinstance(source, list) and isinstance(rendered, list) and 0 <= step < len(rendered)):
                return tuple(found), False, False
            index = _matching_item(source, rendered, step)
            if index is None:
                return tuple(found), False, False
            source, rendered = source[index], rendered[step]
            found.append(index)
    return tuple(found), True, source == rendered


def _matching_item(source: list[Any], rendered: list[Any], step: int) -> int | None:
    """The index in ``source`` of the item kustomize rendered as ``rendered[step]``."""
    item = rendered[step]
    if isinstance(item, dict):
        for key in _MERGE_KEYS:
            if key in item:
                hits = [i for i, candidate in enumerate(source) if isinstance(candidate, dict)
                        and candidate.get(key) == item[key]]
                if hits:
                    return hits[0]
    elif item in source:
        return source.index(item)
    return step if len(source) == len(rendered) else None


def path_at(document: YamlDocument, line: int, column: int) -> JsonPath:
    """The path of the deepest key or value of ``document`` that holds a 0-based position."""
    point = (line, column)
    table: Any = document.positions
    path: list[str | int] = []
    while table:
        entries: Iterable[tuple[str | int, tuple[Any, ...]]] = table.items() if isinstance(table, dict) else enumerate(table)
        step = None
        for key, entry in entries:
            start, end, child = ((entry[0], entry[1]), (entry[6], entry[7]), entry[8]) if isinstance(table, dict) \
                else ((entry[0], entry[1]), (entry[2], entry[3]), entry[4])
            if start <= point < end or point == start:
                step = key, child
                break
        if step is None:
            break
        path.append(step[0])
        table = step[1]
    return tuple(path)
