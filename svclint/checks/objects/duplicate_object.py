"""SVC601 duplicate-object: an object defined twice in one file."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from svclint.checks import ProjectContext, check
from svclint.findings import Finding, RelatedFinding
from svclint.indexes.definitions import first_definition
from svclint.model import KubeObject, mapping


def _content(obj: KubeObject) -> Mapping[str, Any]:
    """The object as the cluster sees it: a namespace left to the default is the same namespace."""
    metadata = {k: v for k, v in mapping(obj.data.get("metadata")).items() if k != "namespace"}
    return {**obj.data, "metadata": metadata}


def same_data(first: Any, second: Any) -> bool:
    """Deep equality of parsed YAML that compares each pair of nodes once.

    Aliases share nodes, so a plain ``==`` of two alias bombs would walk every path: here the
    work is bounded by the pairs of distinct nodes, and nesting costs no recursion.
    """
    seen: set[tuple[int, int]] = set()
    stack = [(first, second)]
    while stack:
        a, b = stack.pop()
        if a is b or (id(a), id(b)) in seen:
            continue
        seen.add((id(a), id(b)))
        if isinstance(a, dict) and isinstance(b, dict):
            if a.keys() != b.keys():
                return False
            stack.extend((a[k], b[k]) for k in a)
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                return False
            stack.extend(zip(a, b))
        elif type(a) is not type(b) or isinstance(a, (dict, list)) or a != b:
            return False
    return True


@check("duplicate-object")
def duplicate_object(obj: KubeObject, ctx: ProjectContext) -> Iterator[Finding]:
    """Mirrors kubectl apply: the documents of one file are applied in order, so of two
    definitions of one object (kind, namespace, name) the later one replaces the first."""
    first = first_definition(ctx.project, obj)
    if first is None or same_data(_content(first), _content(obj)):
        return  # an identical repeat changes nothing
    yield Finding(
        f"{obj.ref} is defined twice in this file with different content: `kubectl apply` applies both "
        "in order, so only this later definition reaches the cluster (`kubectl create` fails on it)",
        at=("metadata", "name"),
        help="keep one definition with the settings you want, or give the objects different names",
        related=(RelatedFinding(f"first definition of {obj.ref}", first, ("metadata", "name")),),
    )
