"""Rule scopes: object-scope checks run where each file is parsed (in the worker processes),
without the project, so their catalog entry must say the truth.

An object-scope check receives an ObjectContext, which has no project: the type checker stops it
from reading one, provided its signature says ObjectContext. Here every check's signature must
name the context of its catalog scope, and the object-scope checks must run cleanly on the
examples and the rule catalog's own examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_type_hints

from svclint.api import lint
from svclint.catalog import load_catalog
from svclint.checks import ObjectContext, ProjectContext, discover_checks
from svclint.engine import OBJECT_SCOPE, PROJECT_SCOPE, check_objects
from svclint.loader import load_source
from svclint.model import KubeObject
from svclint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _objects() -> list[KubeObject]:
    catalog = load_catalog()
    texts = [path.read_bytes() for path in sorted((ROOT / "examples").rglob("*.yaml"))]
    texts += [example.encode() for rule in catalog for example in (rule.failing_example, rule.passing_example)
              if example]
    return [obj for index, text in enumerate(texts) for obj in load_source(f"f{index}.yaml", text, index).objects]


def test_every_check_has_a_scope() -> None:
    scopes = {rule.name: rule.scope for rule in load_catalog() if rule.source == "check"}
    assert set(scopes.values()) == {OBJECT_SCOPE, PROJECT_SCOPE}
    assert set(scopes) == set(discover_checks())


def test_every_check_takes_the_context_of_its_scope() -> None:
    wanted = {OBJECT_SCOPE: ObjectContext, PROJECT_SCOPE: ProjectContext}
    checks = discover_checks()
    found = {rule.name: get_type_hints(checks[rule.name]).get("ctx") for rule in load_catalog()
             if rule.source == "check"}
    assert found == {rule.name: wanted[rule.scope] for rule in load_catalog() if rule.source == "check"}


def test_object_scope_checks_run_without_the_project() -> None:
    objects, catalog = _objects(), load_catalog()
    found = check_objects(objects, ObjectContext(Settings()), catalog, discover_checks(), OBJECT_SCOPE)
    assert [d for d in found if d.rule == "internal-error"] == []
    assert len({d.rule for d in found}) >= 10  # the examples exercise most of them


def test_both_scopes_are_reported_once() -> None:
    result = lint([str(ROOT / "examples")], jobs=1)
    keys = [(d.path, d.span, d.rule, d.message) for d in result.diagnostics]
    assert len(keys) == len(set(keys))
    assert {d.rule for d in result.diagnostics} >= {"node-port-collision", "invalid-port", "duplicate-object"}
