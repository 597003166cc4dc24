"""Rule scopes: object-scope checks run where each file is parsed (in the worker processes),
without the project's indexes, so their catalog entry must say the truth.

A check marked ``scope: object`` that read the project would silently see an empty one in the
workers: here every object-scope check must find exactly the same with the full project as
with an empty one, over the examples and the rule catalog's own examples.
"""

from __future__ import annotations

from pathlib import Path

from svclint.api import lint
from svclint.catalog import load_catalog
from svclint.checks import discover_checks
from svclint.engine import OBJECT_SCOPE, PROJECT_SCOPE, check_objects
from svclint.loader import load_source
from svclint.model import KubeObject
from svclint.project import build_project
from svclint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _objects() -> list[KubeObject]:
    catalog = load_catalog()
    texts = [path.read_bytes() for path in sorted((ROOT / "examples").rglob("*.yaml"))]
    texts += [example.encode() for rule in catalog for example in (rule.failing_example, rule.passing_example)
              if example]
    return [obj for index, text in enumerate(texts) for obj in load_source(f"f{index}.yaml", text, index, "default").objects]


def test_every_check_has_a_scope() -> None:
    scopes = {rule.name: rule.scope for rule in load_catalog() if rule.source == "check"}
    assert set(scopes.values()) == {OBJECT_SCOPE, PROJECT_SCOPE}
    assert set(scopes) == set(discover_checks())


def test_object_scope_checks_do_not_read_the_project() -> None:
    objects, catalog, checks = _objects(), load_catalog(), discover_checks()
    full = check_objects(objects, build_project(objects), Settings(), catalog, checks, OBJECT_SCOPE)
    alone = check_objects(objects, build_project([]), Settings(), catalog, checks, OBJECT_SCOPE)
    assert full == alone
    assert len({d.rule for d in full}) >= 10  # the examples exercise most of them


def test_both_scopes_are_reported_once() -> None:
    result = lint([str(ROOT / "examples")], jobs=1)
    keys = [(d.path, d.span, d.rule, d.message) for d in result.diagnostics]
    assert len(keys) == len(set(keys))
    assert {d.rule for d in result.diagnostics} >= {"node-port-collision", "invalid-port", "duplicate-object"}
