"""What project-scope rules read: the run's objects, the scopes of their files, and the indexes.

Rules ask through the object they check (``scopes_of(service)``, an index's lookups), so they see
the objects of its scopes only and never need to know how scopes are configured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from svclint.indexes.scopes import ScopeOf, one_scope
from svclint.model import KubeObject

_Index = TypeVar("_Index")


class Project:
    """The objects of one run, and the cross-object indexes over them, each built on first use.

    Not a value: it memoizes the indexes (and each file's scopes) as rules ask for them. The
    objects themselves never change.
    """

    __slots__ = ("_indexes", "_scope_of", "_scopes", "objects")

    def __init__(self, objects: Sequence[KubeObject], scope_of: ScopeOf = one_scope) -> None:
        """``scope_of`` is asked once per file."""
        self.objects = tuple(objects)
        self._scope_of = scope_of
        self._scopes: dict[str, tuple[str, ...]] = {}
        self._indexes: dict[Callable[[Project], Any], Any] = {}

    def of_kind(self, kind: str) -> Iterator[KubeObject]:
        """The analysed objects of ``kind`` (not custom resources that share its name), in input order."""
        return (obj for obj in self.objects if obj.kind == kind and not obj.custom)

    def scopes_of(self, obj: KubeObject) -> tuple[str, ...]:
        """The scopes an object's file is in."""
        return self.scopes_of_path(obj.path)

    def scopes_of_path(self, path: str) -> tuple[str, ...]:
        """The scopes a file is in."""
        found = self._scopes.get(path)
        if found is None:
            found = self._scopes[path] = self._scope_of(path)
        return found

    def scope_names(self) -> tuple[str, ...]:
        """Every scope some object is in, in the order the objects first name them."""
        return tuple(dict.fromkeys(scope for obj in self.objects for scope in self.scopes_of(obj)))

    def shared_scopes(self, obj: KubeObject, other: KubeObject) -> tuple[str, ...]:
        """The scopes both objects are in: empty when they never meet in a cluster."""
        theirs = self.scopes_of(other)
        return tuple(scope for scope in self.scopes_of(obj) if scope in theirs)

    def index(self, build: Callable[[Project], _Index]) -> _Index:
        """The index ``build`` makes from this project, built the first time it is asked for."""
        if build not in self._indexes:
            self._indexes[build] = build(self)
        result: _Index = self._indexes[build]
        return result
