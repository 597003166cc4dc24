"""Scopes: the files of one cluster. Objects meet only within a scope (``scopes`` in the configuration).

A file in several scopes (a kustomize base shared by overlays) is entered in each of them once.
Without scopes every file is in ``DEFAULT_SCOPE``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from svclint.k8s import quote

#: The scope of the files that no configured scope names, and of every file when none is configured.
DEFAULT_SCOPE = ""
#: A file's path -> the names of the scopes it is in (never empty).
ScopeOf = Callable[[str], tuple[str, ...]]

_T = TypeVar("_T")


def one_scope(path: str) -> tuple[str, ...]:
    """Every file in the default scope: all inputs are one cluster."""
    return (DEFAULT_SCOPE,)


def describe_scopes(names: Sequence[str]) -> str:
    """Scope names for a message: ``scope 'prod'``, ``scopes 'prod', 'staging'``."""
    if tuple(names) == (DEFAULT_SCOPE,):
        return "the default scope (files in no scope)"
    shown = ", ".join(quote(name) for name in names)
    return f"scope {shown}" if len(names) == 1 else f"scopes {shown}"


def union(groups: Sequence[Sequence[_T]], order: Callable[[_T], tuple[int, ...]]) -> Sequence[_T]:
    """The items of several scopes' lists, each once; merged in the input order of their objects.

    The sort is stable, so the items of one object (its ports, its templates) keep the order
    they have in the lists. One list is returned as it is.
    """
    if len(groups) == 1:
        return groups[0]
    seen: set[int] = set()
    items: list[_T] = []
    for group in groups:
        for item in group:
            if id(item) not in seen:
                seen.add(id(item))
                items.append(item)
    items.sort(key=order)
    return items
