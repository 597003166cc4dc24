"""Run the checks over the loaded objects and turn findings into diagnostics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from svclint.catalog import Catalog, RuleMeta
from svclint.checks import CheckFn, ObjectContext
from svclint.diagnostics import INTERNAL_ERROR, Diagnostic, Related
from svclint.findings import Finding
from svclint.loader import LoadIssue
from svclint.model import KubeObject
from svclint.settings import Settings

SCHEMA_VIOLATION = "schema-violation"
OBJECT_SCOPE, PROJECT_SCOPE = "object", "project"


def rules_by_kind(catalog: Catalog, checks: Mapping[str, CheckFn],
                  scope: str) -> dict[str, list[tuple[RuleMeta, CheckFn]]]:
    """Which checks of ``scope`` run on which kind; kinds and scopes come from the catalog only."""
    table: dict[str, list[tuple[RuleMeta, CheckFn]]] = defaultdict(list)
    for rule in catalog:
        if rule.source == "check" and rule.scope == scope:
            for kind in rule.kinds:
                table[kind].append((rule, checks[rule.name]))
    return table


def _diagnostic(rule: RuleMeta, obj: KubeObject, finding: Finding) -> Diagnostic:
    related = tuple(
        Related(r.message, r.obj.path, r.obj.span(r.at)) for r in finding.related
    )
    # The catalog's severity is the rule's highest: a finding may only lower it.
    severity = rule.severity if finding.severity is None else min(finding.severity, rule.severity)
    other = finding.counterpart
    return Diagnostic(
        code=rule.code, rule=rule.name, severity=severity, message=finding.message,
        path=obj.path, span=obj.span(finding.at, on_key=finding.on_key), object=obj.ref,
        related=related, help=finding.help, at=finding.at,
        counterpart=None if other is None else _diagnostic(rule, other.obj, other.finding),
    )


def check_objects(objects: Iterable[KubeObject], context: ObjectContext, catalog: Catalog,
                  checks: Mapping[str, CheckFn], scope: str) -> list[Diagnostic]:
    """Run every check of ``scope`` on every object; a check that raises becomes internal-error.

    Object-scope checks (and schema violations) run where a file is parsed, in the worker
    processes, with an ObjectContext; project-scope checks run once every file is loaded, with
    a ProjectContext.
    """
    return checker(context, catalog, checks, scope)(objects)


def checker(context: ObjectContext, catalog: Catalog, checks: Mapping[str, CheckFn],
            scope: str) -> Callable[[Iterable[KubeObject]], list[Diagnostic]]:
    """``check_objects`` with its rule table made once, for the many files of a worker."""
    table = rules_by_kind(catalog, checks, scope)
    internal = catalog[INTERNAL_ERROR]
    schema = catalog[SCHEMA_VIOLATION]

    def run(objects: Iterable[KubeObject]) -> list[Diagnostic]:
        diagnostics: list[Diagnostic] = []
        for obj in objects:
            if obj.violations:
                # Rules see only well-typed objects: one diagnostic per violation, nothing else.
                if scope == OBJECT_SCOPE:
                    diagnostics.extend(_diagnostic(schema, obj, Finding(v.message, v.at, v.help, on_key=v.on_key))
                                       for v in obj.violations)
                continue
            for rule, function in () if obj.custom else table.get(obj.kind, ()):
                try:
                    for finding in function(obj, context):
                        diagnostics.append(_diagnostic(rule, obj, finding))
                except Exception as error:  # noqa: BLE001 - a buggy rule must not stop the run
                    diagnostics.append(Diagnostic(
                        code=internal.code, rule=internal.name, severity=internal.severity,
                        message=f"rule {rule.name} failed on {obj.ref}: {type(error).__name__}: {error}",
                        path=obj.path, span=obj.span(), object=obj.ref,
                        help="this is a bug in svclint; please report it with the manifest that triggers it",
                    ))
        return diagnostics

    return run


def load_diagnostics(issues: Iterable[LoadIssue], catalog: Catalog) -> list[Diagnostic]:
    """Diagnostics for problems found while reading and parsing files."""
    result = []
    for issue in issues:
        rule = catalog[issue.rule]
        result.append(Diagnostic(code=rule.code, rule=rule.name, severity=rule.severity,
                                 message=issue.message, path=issue.path, span=issue.span, help=issue.help))
    return result


def object_checker(settings: Settings, catalog: Catalog,
                   checks: Mapping[str, CheckFn]) -> Callable[[Iterable[KubeObject]], list[Diagnostic]]:
    """The object-scope checks, for one file's (or part's) objects at a time: what a worker
    can decide alone, without the project."""
    return checker(ObjectContext(settings), catalog, checks, OBJECT_SCOPE)
