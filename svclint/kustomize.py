"""Kustomize trees: which kustomizations are roots to render, which files belong to a tree, and
(when kustomize cannot be run) which files are patches.

A root is a kustomization of the inputs that no other kustomization reached from the inputs
names as a resource, base or component: what a user deploys with ``kubectl apply -k``. Files of
a tree (those a kustomization names, and every file in a kustomization's directory, such as
kubebuilder's commented-out patches) are partial or unused on their own: they are linted
through the renders of the roots only (see ``svclint.kustomize_build`` and ``svclint.origins``).
``plan`` reads kustomization files through the function it is given; the rest is pure.

Without kustomize, files are read one by one, and patches are told apart: a patch (``patches`` entries with a ``path``, ``patchesStrategicMerge``, ``patchesJson6902``)
sets a few fields of an object defined elsewhere: a Deployment patch that only sets
``replicas`` is not a Deployment without selector. Patch files are still parsed (their syntax
errors are reported), but their objects are neither checked nor indexed. Output rendered by
``kubectl kustomize`` has the patches applied and is checked like any manifest.

Kustomize loads a patch only from its kustomization's directory or below (the default load
restrictor), so the kustomizations that can name a file are in the file's directory or above
it: those are the ones read. ``patch_paths`` is pure; ``find_patches`` reads the disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from svclint.model import mapping, sequence
from svclint.reading import DecodeError, decode
from svclint.yamlparse import YamlDocument, parse_stream

#: The names kustomize recognises, in the order it looks for them.
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True, slots=True)
class Kustomization:
    """One kustomization file, parsed: what it names, as normalised absolute paths."""

    path: str  # the file, absolute
    document: YamlDocument | None  # with positions (notes point at its keys); None if it does not parse
    component: bool  # ``kind: Component``: only ever part of another build
    bases: tuple[str, ...]  # the local resources, bases and components: directories or files
    patches: tuple[str, ...]  # the files of its strategic-merge patches
    files: tuple[str, ...]  # the other local files it reads: JSON patches, generator inputs, ...

    @property
    def directory(self) -> str:
        return os.path.dirname(self.path)

    def value(self, key: str) -> Any:
        """A top-level field, or None."""
        return None if self.document is None else mapping(self.document.value).get(key)


def parse_kustomization(path: str, text: str) -> Kustomization:
    """The kustomization at ``path`` (absolute) with content ``text``; one that does not parse names nothing."""
    parsed = parse_stream(text, positions=True)
    document = parsed.documents[0] if parsed.documents and not parsed.problems else None
    root = mapping(document.value) if document is not None else {}
    directory = os.path.dirname(path)

    def local(names: Iterable[Any]) -> tuple[str, ...]:
        return tuple(os.path.normpath(os.path.join(directory, name)) for name in names if _is_local(name))

    bases = local(entry for key in ("resources", "bases", "components") for entry in sequence(root.get(key)))
    patches = local([*(mapping(entry).get("path") for entry in sequence(root.get("patches"))),
                     *sequence(root.get("patchesStrategicMerge"))])
    return Kustomization(path, document, root.get("kind") == "Component", bases, patches, local(_named_files(root)))


def _named_files(root: Mapping[str, Any]) -> Iterator[Any]:
    """The names of the files a kustomization reads besides its resources (generator inputs as
    ``key=path`` give their path)."""
    yield from (mapping(entry).get("path") for key in ("patchesJson6902", "replacements")
                for entry in sequence(root.get(key)))
    for key in ("crds", "configurations", "generators", "transformers", "validators"):
        yield from sequence(root.get(key))
    yield mapping(root.get("openapi")).get("path")
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in map(mapping, sequence(root.get(key))):
            yield from (name.rpartition("=")[2] if isinstance(name, str) else name
                        for name in sequence(generator.get("files")))
            yield from sequence(generator.get("envs"))
            yield generator.get("env")


def _is_local(name: Any) -> bool:
    """A path on disk, not a URL or inline YAML. A remote ``host/org/repo`` base passes as a
    relative path that leads nowhere, which is what it is offline."""
    return isinstance(name, str) and bool(name) and "\n" not in name and "://" not in name and not name.startswith("git@")


@dataclass(frozen=True, slots=True)
class Forest:
    """The kustomization trees of a run's inputs."""

    roots: tuple[Kustomization, ...]  # in input order
    kustomizations: Mapping[str, Kustomization]  # every one read, by directory
    named: frozenset[str]  # files some kustomization names
    directories: frozenset[str]  # the directories that hold a kustomization

    def is_member(self, real_path: str) -> bool:
        """Whether a file (by its real path) belongs to a tree, so it is not linted on its own."""
        return real_path in self.named or os.path.dirname(real_path) in self.directories

    def chain(self, root: Kustomization) -> tuple[Kustomization, ...]:
        """The kustomizations a root's build reads: the root first, then breadth first (an
        overlay before its bases, as a value set nearer the root wins)."""
        found = {root.directory: root}
        queue = [root]
        for kustomization in queue:
            for base in kustomization.bases:
                below = self.kustomizations.get(base)
                if below is not None and base not in found:
                    found[base] = below
                    queue.append(below)
        return tuple(found.values())


def kustomization_file(directory: str) -> str | None:
    """The kustomization file of a directory, in kustomize's order of preference, or None."""
    return next((path for name in KUSTOMIZATION_NAMES
                 if os.path.isfile(path := os.path.join(directory, name))), None)


def plan(inputs: Iterable[str], read: Callable[[str], str | None]) -> Forest:
    """The trees of the kustomization files ``inputs`` (real paths, in input order), following
    what they name through ``read`` (a file's text or None), also outside the inputs."""
    kustomizations: dict[str, Kustomization] = {}
    queue: list[str] = []
    for path in inputs:
        if os.path.dirname(path) not in kustomizations:
            kustomizations[os.path.dirname(path)] = parse_kustomization(path, read(path) or "")
            queue.append(os.path.dirname(path))
    from_inputs = list(kustomizations.values())
    for directory in queue:
        for base in kustomizations[directory].bases:
            if base in kustomizations:
                continue
            file = kustomization_file(base)
            if file is not None:
                kustomizations[base] = parse_kustomization(file, read(file) or "")
                queue.append(base)
    named = {base for k in kustomizations.values() for base in k.bases}
    roots = tuple(k for k in from_inputs if not k.component and k.directory not in named)
    named.update(file for k in kustomizations.values() for file in (*k.patches, *k.files))
    return Forest(roots, kustomizations, frozenset(named), frozenset(kustomizations))


def patch_paths(text: str, directory: str) -> list[str]:
    """The files a kustomization's text names as patches, joined to its ``directory`` and normalised.

    Inline patches (``patch:``, multi-line ``patchesStrategicMerge`` entries) and remote URLs
    name no file. A kustomization that does not parse names none.
    """
    parsed = parse_stream(text)
    if parsed.problems or not parsed.documents:
        return []
    root = mapping(parsed.documents[0].value)
    names = [mapping(entry).get("path")
             for key in ("patches", "patchesJson6902") for entry in sequence(root.get(key))]
    names += sequence(root.get("patchesStrategicMerge"))
    return [os.path.normpath(os.path.join(directory, name)) for name in names
            if isinstance(name, str) and name and "\n" not in name and "://" not in name]


def _directories(files: Iterable[str]) -> list[str]:
    """The directories of ``files`` and every directory above them, each once."""
    found: dict[str, None] = {}
    for file in files:
        directory = os.path.dirname(os.path.abspath(file))
        while directory not in found:
            found[directory] = None
            directory = os.path.dirname(directory)  # the root is its own parent: found, the loop ends
    return list(found)


def find_patches(files: Iterable[str], excluded: Callable[[str], bool] | None = None) -> frozenset[str]:
    """Real paths of the files named as patches by the kustomizations in the directories of
    ``files`` or above them. Kustomizations that are excluded, unreadable or over
    ``MAX_KUSTOMIZATION_BYTES`` are skipped: a skipped one only leaves its patches checked."""
    patches: set[str] = set()
    for directory in _directories(files):
        candidates = (os.path.join(directory, name) for name in KUSTOMIZATION_NAMES)
        path = next((candidate for candidate in candidates if os.path.isfile(candidate)), None)
        if path is None or (excluded is not None and excluded(path)):
            continue
        text = read_kustomization(path)
        if text is not None:
            patches.update(os.path.realpath(p) for p in patch_paths(text, directory))
    return frozenset(patches)


#: A kustomization is a page of YAML; anything far larger is not one worth reading.
MAX_KUSTOMIZATION_BYTES = 2**20


def read_kustomization(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KUSTOMIZATION_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_KUSTOMIZATION_BYTES:
        return None
    text = decode(data)
    return None if isinstance(text, DecodeError) else text
