"""Run the checks over the loaded objects and turn findings into diagnostics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from svclint.catalog import Catalog, RuleMeta
from svclint.checks import CheckFn, Context
from svclint.diagnostics import Diagnostic, Finding, JsonPath, Related, Span
from svclint.loader import LoadIssue
from svclint.model import KubeObject
from svclint.positions import resolve_span
from svclint.project import Project
from svclint.settings import Settings

INTERNAL_ERROR = "internal-error"
SCHEMA_VIOLATION = "schema-violation"


def object_span(obj: KubeObject, at: JsonPath = (), *, on_key: bool = False) -> Span:
    """Where ``at`` (a path inside ``obj``) is in the object's file."""
    return resolve_span(obj.document, (*obj.base, *at), on_key=on_key)


def rules_by_kind(catalog: Catalog, checks: Mapping[str, CheckFn]) -> dict[str, list[tuple[RuleMeta, CheckFn]]]:
    """Which checks run on which kind; kinds come from the catalog only."""
    table: dict[str, list[tuple[RuleMeta, CheckFn]]] = defaultdict(list)
    for rule in catalog:
        if rule.source == "check":
            for kind in rule.kinds:
                table[kind].append((rule, checks[rule.name]))
    return table


def _diagnostic(rule: RuleMeta, obj: KubeObject, finding: Finding) -> Diagnostic:
    related = tuple(
        Related(r.message, r.obj.path, object_span(r.obj, r.at)) for r in finding.related
    )
    # The catalog's severity is the rule's highest: a finding may only lower it.
    severity = rule.severity if finding.severity is None else min(finding.severity, rule.severity)
    other = finding.counterpart
    return Diagnostic(
        code=rule.code, rule=rule.name, severity=severity, message=finding.message,
        path=obj.path, span=object_span(obj, finding.at, on_key=finding.on_key), object=obj.ref,
        related=related, help=finding.help, at=finding.at,
        counterpart=None if other is None else _diagnostic(rule, other.obj, other.finding),
    )


def check_objects(objects: Iterable[KubeObject], project: Project, settings: Settings,
                  catalog: Catalog, checks: Mapping[str, CheckFn]) -> list[Diagnostic]:
    """Run every applicable check on every object; a check that raises becomes internal-error."""
    context = Context(project, settings)
    table = rules_by_kind(catalog, checks)
    internal = catalog[INTERNAL_ERROR]
    schema = catalog[SCHEMA_VIOLATION]
    diagnostics: list[Diagnostic] = []
    for obj in objects:
        if obj.violations:
            # Rules see only well-typed objects: one diagnostic per violation, nothing else.
            diagnostics.extend(_diagnostic(schema, obj, Finding(v.message, v.at, v.help, on_key=v.on_key))
                               for v in obj.violations)
            continue
        for rule, function in () if obj.custom else table.get(obj.kind, ()):
            try:
                diagnostics.extend(_diagnostic(rule, obj, finding) for finding in function(obj, context))
            except Exception as error:  # noqa: BLE001 - a buggy rule must not stop the run
                diagnostics.append(Diagnostic(
                    code=internal.code, rule=internal.name, severity=internal.severity,
                    message=f"rule {rule.name} failed on {obj.ref}: {type(error).__name__}: {error}",
                    path=obj.path, span=object_span(obj), object=obj.ref,
                    help="this is a bug in svclint; please report it with the manifest that triggers it",
                ))
    return diagnostics


def load_diagnostics(issues: Iterable[LoadIssue], catalog: Catalog) -> list[Diagnostic]:
    """Diagnostics for problems found while reading and parsing files."""
    result = []
    for issue in issues:
        rule = catalog[issue.rule]
        result.append(Diagnostic(code=rule.code, rule=rule.name, severity=rule.severity,
                                 message=issue.message, path=issue.path, span=issue.span, help=issue.help))
    return result
