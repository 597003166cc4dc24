"""Kustomize patches: the files a kustomization names as patches hold partial objects.

A patch (``patches`` entries with a ``path``, ``patchesStrategicMerge``, ``patchesJson6902``)
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
from collections.abc import Callable, Iterable

from svclint.model import mapping, sequence
from svclint.reading import DecodeError, decode
from svclint.yamlparse import parse_stream

#: The names kustomize recognises, in the order it looks for them.
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


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
        text = _read(path)
        if text is not None:
            patches.update(os.path.realpath(p) for p in patch_paths(text, directory))
    return frozenset(patches)


#: A kustomization is a page of YAML; anything far larger is not one worth reading.
MAX_KUSTOMIZATION_BYTES = 2**20


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KUSTOMIZATION_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_KUSTOMIZATION_BYTES:
        return None
    text = decode(data)
    return None if isinstance(text, DecodeError) else text
