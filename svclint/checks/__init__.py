"""Rule implementations: one module per rule, ``<family>/<rule_name>.py``, holding one function
decorated with ``@check("rule-name")``; helpers two rules of a family share are in its ``common.py``.

Every module under this package is imported by ``discover_checks``; a new rule needs only its
catalog entry in ``rules/``, its module here and its cases in ``tests/rules/`` (CONTRIBUTING.md).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from svclint.findings import Finding
from svclint.model import KubeObject
from svclint.project import Project
from svclint.settings import Settings


@dataclass(frozen=True, slots=True)
class ObjectContext:
    """What an object-scope check may read besides its object: the run settings.

    Object-scope checks run where a file is parsed, in the worker processes, where no other
    file is known: their context has no project, so the type checker holds them to their scope.
    """

    settings: Settings


@dataclass(frozen=True, slots=True)
class ProjectContext(ObjectContext):
    """What a project-scope check reads besides its object: the settings, and every object of
    the run with its indexes (``svclint.indexes``)."""

    project: Project


#: A check: its object and its context (ObjectContext or ProjectContext, as its catalog scope
#: says; tests/test_rule_scope.py holds the two together) -> its findings.
CheckFn = Callable[[KubeObject, Any], Iterable[Finding]]
F = TypeVar("F", bound=CheckFn)
_MARK = "__svclint_rule__"


def check(rule: str) -> Callable[[F], F]:
    """Bind a function to the catalog rule named ``rule``."""

    def mark(function: F) -> F:
        setattr(function, _MARK, rule)
        return function

    return mark


def discover_checks() -> dict[str, CheckFn]:
    """Import every module under this package and return its checks by rule name."""
    found: dict[str, CheckFn] = {}
    for module_info in sorted(pkgutil.walk_packages(__path__, f"{__name__}."), key=lambda m: m.name):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            rule = getattr(value, _MARK, None)
            if rule is not None:
                if rule in found and found[rule] is not value:
                    raise RuntimeError(f"two checks claim rule {rule!r}")
                found[rule] = value
    return found
