"""The step after the engine: which diagnostics a run reports, and which it keeps as suppressed.

In order:

1. Rules that are not selected, or that ``per-file-ignores`` turns off for the file, are dropped.
2. ``# svclint: ignore[...]`` / ``ignore-file[...]`` comments and
   ``ignore-check.svclint.io/<rule>`` annotations mark findings as suppressed. A suppression
   that suppresses nothing is reported (unused-suppression), and so is one that cannot work:
   no rule named, an unknown rule, an annotation without a reason (invalid-suppression). Both
   rules then go through step 1 like any other.
3. Severity overrides.
4. Findings recorded in the baseline are marked as suppressed.
5. Only the files named on the command line are reported on (``context`` files are loaded
   for the cross-object rules only), with the counterparts of findings in other files that
   involve them (``findings.Counterpart``), which share their finding's fate.

Steps 1-4 run on the context files too, so a counterpart follows its finding exactly as a run
over all files treats it. Rendered input (``svclint.rendered``) is reported at its templates:
``per-file-ignores``, ``ignore-file`` comments and the baseline see the template paths, while
line comments match the lines of the input itself. Suppressed diagnostics stay in the result
(JSON shows them) but never count. svclint's own failure, internal-error, passes through every
step untouched.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from svclint.baseline import Baseline, fingerprint
from svclint.catalog import Catalog
from svclint.diagnostics import INTERNAL_ERROR, Diagnostic, JsonPath, ObjectRef, Span
from svclint.directives import IGNORE, IGNORE_FILE, Directive
from svclint.k8s import quote
from svclint.loader import LoadedFile
from svclint.model import KubeObject, mapping
from svclint.policy import Policy
from svclint.rendered import RenderedMap

UNUSED = "unused-suppression"
INVALID = "invalid-suppression"
ANNOTATION_PREFIX = "ignore-check.svclint.io/"
#: Rules that no comment or annotation can suppress: they are about svclint or the suppressions.
UNSUPPRESSIBLE = frozenset({INTERNAL_ERROR, UNUSED, INVALID})
#: Diagnostic.suppression: by a comment or an annotation, or by the baseline file (SARIF's kinds).
IN_SOURCE, EXTERNAL = "inSource", "external"


@dataclass(frozen=True, slots=True)
class _Suppression:
    """One rule suppressed by one comment or annotation."""

    rule: str  # the rule's name
    path: str
    line: int | None  # the line it covers; None for the whole file or an object
    scope: str  # the path whose findings it covers: ``path``, or for a rendered input's ignore-file its template's
    obj: ObjectRef | None  # annotations: the object it covers
    span: Span  # where it is written
    unused: str  # the message if it suppresses nothing
    help: str
    at: JsonPath = ()  # annotations: the annotation's key in the object


@dataclass(frozen=True, slots=True)
class _Problem:
    """A suppression that cannot work."""

    path: str
    span: Span
    message: str
    help: str
    obj: ObjectRef | None = None  # annotations: the annotated object, and the annotation's key in it
    at: JsonPath = ()


def apply_policy(diagnostics: Sequence[Diagnostic], files: Sequence[LoadedFile], policy: Policy,
                 catalog: Catalog, reported: Collection[str] | None, places: RenderedMap) -> list[Diagnostic]:
    """The diagnostics a run reports, sorted; ``reported``: the files to report on (None: all);
    ``places``: where the documents of rendered input come from."""

    @cache
    def ignored(path: str) -> frozenset[str]:
        return policy.ignored_rules(path)

    def selected(d: Diagnostic) -> bool:
        if d.rule == INTERNAL_ERROR:
            return True
        return policy.selects(d.rule) and d.rule not in ignored(places.path_at(d.path, d.span.line))

    result = [d for d in diagnostics if selected(d)]
    result, notes = _suppress(result, files, catalog, places)
    result += (n for n in notes if (reported is None or n.path in reported) and selected(n))
    result = [_with_severity(d, policy) for d in result]
    if policy.baseline is not None:
        result.sort(key=lambda d: places.show(d).sort_key)  # which of equal findings an entry takes
        result = _apply_baseline(result, policy.baseline, places.show)
    if reported is not None:
        result = _restrict(result, reported, selected)
    return sorted(map(places.show, result), key=lambda d: d.sort_key)


def _restrict(diagnostics: list[Diagnostic], reported: Collection[str],
              selected: Callable[[Diagnostic], bool]) -> list[Diagnostic]:
    """The diagnostics in the reported files, and the counterparts there of findings elsewhere."""
    result = []
    for d in diagnostics:
        if d.path in reported or d.rule == INTERNAL_ERROR:
            result.append(d)
        other = d.counterpart
        if other is not None and other.path != d.path and other.path in reported:
            other = dataclasses.replace(other, severity=d.severity, suppression=d.suppression)
            if selected(other):
                result.append(other)
    return result


def _with_severity(d: Diagnostic, policy: Policy) -> Diagnostic:
    severity = policy.severity.get(d.rule)
    return d if severity is None or d.rule == INTERNAL_ERROR else dataclasses.replace(d, severity=severity)


def _apply_baseline(diagnostics: list[Diagnostic], baseline: Baseline,
                    show: Callable[[Diagnostic], Diagnostic]) -> list[Diagnostic]:
    """Mark recorded findings as suppressed, as ``show`` reports them; each entry matches one finding.

    An entry for a finding's counterpart (written by a run restricted to its file) matches the
    finding too: either side of a collision stands for it.
    """
    left = Counter(baseline.fingerprints)
    result = []
    for d in diagnostics:
        if not d.suppressed and d.rule != INTERNAL_ERROR:
            sides = (d,) if d.counterpart is None else (d, d.counterpart)
            key = next((k for k in (fingerprint(show(side), baseline.root) for side in sides) if left[k] > 0), None)
            if key is not None:
                left[key] -= 1
                d = dataclasses.replace(d, suppression=EXTERNAL)
        result.append(d)
    return result


def _suppress(diagnostics: list[Diagnostic], files: Sequence[LoadedFile], catalog: Catalog,
              places: RenderedMap) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Mark suppressed findings; also return unused-suppression and invalid-suppression diagnostics."""
    suppressions: list[_Suppression] = []
    problems: list[_Problem] = []
    for file in files:
        for directive in file.directives:
            _from_directive(directive, file.path, places, catalog, suppressions.append, problems.append)
        for obj in file.objects:
            _from_annotations(obj, catalog, suppressions.append, problems.append)
    index: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for number, s in enumerate(suppressions):
        index[(s.scope, s.rule, s.line, s.obj)].append(number)
    used = [False] * len(suppressions)
    result = []
    for d in diagnostics:
        hits = [] if d.rule in UNSUPPRESSIBLE else [
            *index.get((d.path, d.rule, d.span.line, None), ()),
            *index.get((places.path_at(d.path, d.span.line), d.rule, None, None), ()),
            *(index.get((d.path, d.rule, None, d.object), ()) if d.object is not None else ()),
        ]
        for number in hits:
            used[number] = True
        result.append(dataclasses.replace(d, suppression=IN_SOURCE) if hits else d)
    notes = [_diagnostic(catalog, UNUSED, _Problem(s.path, s.span, s.unused, s.help, s.obj, s.at))
             for s, was_used in zip(suppressions, used) if not was_used]
    notes += [_diagnostic(catalog, INVALID, p) for p in problems]
    return result, notes


def _diagnostic(catalog: Catalog, rule_name: str, problem: _Problem) -> Diagnostic:
    rule = catalog[rule_name]
    return Diagnostic(code=rule.code, rule=rule.name, severity=rule.severity, message=problem.message,
                      path=problem.path, span=problem.span, object=problem.obj, help=problem.help, at=problem.at)


def _unknown_rule(name: str, catalog: Catalog) -> str:
    close = difflib.get_close_matches(name, list(catalog.index), n=1)
    return f"did you mean {close[0]}? " if close else ""


def _from_directive(directive: Directive, path: str, places: RenderedMap, catalog: Catalog,
                    suppression: Callable[[_Suppression], None], problem: Callable[[_Problem], None]) -> None:
    text = directive.text
    if directive.kind not in (IGNORE, IGNORE_FILE):
        problem(_Problem(path, directive.span, f"`{text}` is not a suppression: svclint knows "
                         f"`# svclint: {IGNORE}[...]` and `# svclint: {IGNORE_FILE}[...]`",
                         f"write `# svclint: {IGNORE}[rule-name]` for one line, "
                         f"`# svclint: {IGNORE_FILE}[rule-name]` for the whole file"))
        return
    named = [r for r in directive.rules if r.name]
    if not named:
        problem(_Problem(path, directive.span, f"`{text}` names no rule, so it suppresses nothing: "
                         "svclint does not suppress every rule at once",
                         f"name the rules: `# svclint: {directive.kind}[rule-name]` (several: [rule-a, rule-b]); "
                         "to leave whole files out, use exclude in the configuration"))
        return
    for token in named:
        rule = catalog.get(token.name)
        if rule is None:
            problem(_Problem(path, token.span, f"`{text}` names {token.name!r}, which is not an svclint rule",
                             f"{_unknown_rule(token.name, catalog)}`svclint rules` lists the names and codes"))
        elif rule.name in UNSUPPRESSIBLE:
            problem(_Problem(path, token.span, f"{rule.name} cannot be suppressed by a comment",
                             _unsuppressible_help(rule.name)))
        else:
            whole = directive.kind == IGNORE_FILE
            where = "in this file" if whole else f"on line {places.line_at(path, directive.target)}"
            suppression(_Suppression(
                rule=rule.name, path=path, line=None if whole else directive.target,
                scope=places.path_at(path, directive.span.line) if whole else path, obj=None, span=token.span,
                unused=f"`{text}` suppresses nothing: there is no {rule.name} finding {where}",
                help="remove the comment" if len(named) == 1 else f"remove {token.name} from the list",
            ))


def _unsuppressible_help(rule: str) -> str:
    if rule == INTERNAL_ERROR:
        return "internal-error is a bug in svclint: please report it"
    return f"fix or remove the suppression it reports, or turn {rule} off with ignore in the configuration"


def _from_annotations(obj: KubeObject, catalog: Catalog, suppression: Callable[[_Suppression], None],
                      problem: Callable[[_Problem], None]) -> None:
    for key, reason in _annotations(obj):
        name = key.removeprefix(ANNOTATION_PREFIX)
        at = ("metadata", "annotations", key)
        span = obj.span(at, on_key=True)
        rule = catalog.get(name)
        if rule is None:
            problem(_Problem(obj.path, span, f"annotation {key} names {name!r}, which is not an svclint rule",
                             f"{_unknown_rule(name, catalog)}`svclint rules` lists the names and codes", obj.ref, at))
        elif rule.name in UNSUPPRESSIBLE:
            problem(_Problem(obj.path, span, f"{rule.name} cannot be suppressed by an annotation",
                             _unsuppressible_help(rule.name), obj.ref, at))
        elif not isinstance(reason, str) or not reason.strip():
            got = "is empty" if isinstance(reason, str) or reason is None else f"is {quote(reason)}"
            problem(_Problem(obj.path, span, f"annotation {key} gives no reason (its value {got}), "
                             f"so it does not suppress {rule.name}",
                             f'say why the finding is acceptable: {key}: "<reason>"', obj.ref, at))
        else:
            suppression(_Suppression(
                rule=rule.name, path=obj.path, line=None, scope=obj.path, obj=obj.ref, span=span,
                unused=f"annotation {key} suppresses nothing: {obj.ref} has no {rule.name} finding",
                help="remove the annotation", at=at,
            ))


def annotation_suppresses(obj: KubeObject, rule_name: str, catalog: Catalog) -> bool:
    """Whether an annotation of the object, with a reason, suppresses the rule."""
    if rule_name in UNSUPPRESSIBLE:
        return False
    return any(catalog.get(key.removeprefix(ANNOTATION_PREFIX)) is catalog.get(rule_name)
               and isinstance(reason, str) and reason.strip() for key, reason in _annotations(obj))


def _annotations(obj: KubeObject) -> Iterator[tuple[str, Any]]:
    annotations = mapping(mapping(obj.data.get("metadata")).get("annotations"))
    for key, value in annotations.items():
        if key.startswith(ANNOTATION_PREFIX):
            yield key, value
