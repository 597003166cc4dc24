"""SVC102 workload-selector-mismatch: a workload selector that misses its own template."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from svclint.checks import ObjectContext, check
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import (
    quote,
    requirement_matches,
    requirement_problem,
    selector_labels_are_valid,
    string_map,
)
from svclint.kinds import workload_template
from svclint.model import (
    KubeObject,
    get,
    mapping,
    sequence,
)


@check("workload-selector-mismatch")
def workload_selector_mismatch(workload: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateDeploymentSpec & co.: the selector must select the template's own labels."""
    template_at = workload_template(workload.kind)
    labels_at = (*template_at, "metadata", "labels")
    labels = string_map(get(workload.data, *labels_at))
    spec = workload.spec
    selector = spec.get("selector")
    related = (RelatedFinding("pod template labels", workload, labels_at),)
    if workload.kind == "ReplicationController":
        # A plain map, defaulted from the template labels when absent.
        yield from _match_labels(string_map(selector), labels, ("spec", "selector"), related)
        return
    if workload.kind == "Job" and spec.get("manualSelector") is not True:
        # The selector is generated (job-selector-not-allowed), but one that is given is validated.
        yield from _invalid_requirements(selector, workload.kind)
        return
    if selector is None:
        if workload.api_version == "apps/v1" or workload.kind == "Job":
            yield Finding(
                f"{workload.kind} has no spec.selector; {workload.api_version} requires one "
                "(the API server rejects the object)",
                at=("spec", "selector"),
                help=f"add spec.selector.matchLabels with the labels of {'.'.join(map(str, labels_at))}",
            )
        return
    if not isinstance(selector, dict):
        return  # a type error, reported by schema validation
    match_labels = string_map(selector.get("matchLabels"))
    expressions = sequence(selector.get("matchExpressions"))
    if not match_labels and not expressions and workload.kind != "Job":  # a manual Job may select all
        yield Finding(
            f"empty selector is invalid for {workload.kind.lower()} (it would select every pod)",
            at=("spec", "selector"),
            help="select the pod template's labels with matchLabels",
        )
        return
    invalid = list(_invalid_requirements(selector, workload.kind))
    if invalid or not selector_labels_are_valid(selector):
        # LabelSelectorAsSelector fails, so the API server never compares (label syntax: invalid-label).
        yield from invalid
        return
    yield from _match_labels(match_labels, labels, ("spec", "selector", "matchLabels"), related)
    for i, raw in enumerate(expressions):
        requirement = mapping(raw)
        if not requirement_matches(requirement, labels):
            yield Finding(
                f"the pod template labels do not satisfy matchExpressions[{i}] "
                f"({_expression(requirement)}): the {workload.kind} would not select its own pods "
                "(the API server rejects it)",
                at=("spec", "selector", "matchExpressions", i),
                related=related,
            )


def _invalid_requirements(selector: Any, kind: str) -> Iterator[Finding]:
    """ValidateLabelSelectorRequirement, for each matchExpressions entry of a LabelSelector."""
    for i, raw in enumerate(sequence(mapping(selector).get("matchExpressions"))):
        problem = requirement_problem(mapping(raw))
        if problem is not None:
            yield Finding(f"matchExpressions[{i}] is invalid: it {problem}; the API server rejects the {kind}",
                          at=("spec", "selector", "matchExpressions", i))


def _match_labels(selector: Mapping[str, str], labels: Mapping[str, str], at: tuple[str, ...],
                  related: tuple[RelatedFinding, ...]) -> Iterator[Finding]:
    for key, value in selector.items():
        if labels.get(key) == value:
            continue
        actual = f"has {key}={labels[key]}" if key in labels else f"has no label {key}"
        yield Finding(
            f"selector requires {key}={value} but the pod template {actual}: the workload would not "
            "select its own pods (the API server rejects it)",
            at=(*at, key),
            help=f"make the selector and spec.template.metadata.labels agree on {key}",
            related=related,
        )


def _expression(requirement: Mapping[str, Any]) -> str:
    values = requirement.get("values")
    shown = f" [{', '.join(quote(v) for v in values[:5])}{', ...' if len(values) > 5 else ''}]" \
        if isinstance(values, list) else ""
    return f"{requirement.get('key')} {requirement.get('operator')}{shown}"  # both valid strings here
