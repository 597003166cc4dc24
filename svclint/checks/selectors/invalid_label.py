"""SVC103 invalid-label: label keys and values the API server rejects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from svclint.checks import ObjectContext, check
from svclint.diagnostics import JsonPath, format_path
from svclint.findings import Finding
from svclint.k8s import (
    label_key_problem,
    label_value_problem,
    quote,
)
from svclint.kinds import template_path
from svclint.model import (
    KubeObject,
    get,
    mapping,
    sequence,
)

#: Kinds whose spec.selector is a LabelSelector that the API server validates. A CronJob's
#: jobTemplate selector is rejected outright (job-selector-not-allowed), never label-checked.
_LABEL_SELECTOR_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job")
_KEY_HELP = ("a label key is [prefix/]name: the name up to 63 letters, digits, '-', '_' or '.', starting "
             "and ending with a letter or digit; the optional prefix a lowercase DNS name such as example.com")
_VALUE_HELP = ("a label value is empty or up to 63 letters, digits, '-', '_' or '.', starting and ending "
               "with a letter or digit")


def _label_maps(obj: KubeObject) -> Iterator[JsonPath]:
    """Paths of the plain label maps of an object: its labels, its pod template's, a map selector."""
    yield ("metadata", "labels")
    template = template_path(obj.kind)
    if template:  # a Pod's own labels are its template's
        yield (*template, "metadata", "labels")
    if obj.kind in ("Service", "ReplicationController"):
        yield ("spec", "selector")


def _suggestion(value: str) -> str | None:
    """A valid label value close to ``value`` (spaces and other characters become '-'), if any."""
    fixed = re.sub(r"[^A-Za-z0-9_.-]+", "-", value)[:63].strip("-_.")
    return fixed if fixed and fixed != value and label_value_problem(fixed) is None else None


def _key_finding(key: str, reason: str, where: JsonPath, kind: str) -> Finding:
    return Finding(
        f"label key {quote(key)} in {format_path(where)} is invalid: it {reason}; the API server rejects the {kind}",
        at=(*where, key), on_key=True, help=_KEY_HELP,
    )


def _value_finding(value: str, key: str, reason: str, at: JsonPath, kind: str) -> Finding:
    suggestion = _suggestion(value)
    return Finding(
        f"label value {quote(value)} of {quote(key)} in {format_path(at[:-1])} is invalid: it {reason}; "
        f"the API server rejects the {kind}",
        at=at, help=f"did you mean {suggestion!r}? ({_VALUE_HELP})" if suggestion else _VALUE_HELP,
    )


def _check_map(labels: Any, where: JsonPath, kind: str) -> Iterator[Finding]:
    for key, value in mapping(labels).items():
        if not isinstance(key, str):
            continue
        reason = label_key_problem(key)
        if reason is not None:
            yield _key_finding(key, reason, where, kind)
        reason = label_value_problem(value) if isinstance(value, str) else None
        if reason is not None:
            yield _value_finding(value, key, reason, (*where, key), kind)


def _check_expressions(expressions: Any, where: JsonPath, kind: str) -> Iterator[Finding]:
    for i, raw in enumerate(sequence(expressions)):
        requirement = mapping(raw)
        key = requirement.get("key")
        reason = label_key_problem(key) if isinstance(key, str) else None
        if reason is not None:
            yield Finding(
                f"label key {quote(key)} in {format_path((*where, i))} is invalid: it {reason}; the API server "
                f"rejects the {kind}",
                at=(*where, i, "key"), help=_KEY_HELP,
            )
        for j, value in enumerate(sequence(requirement.get("values"))):
            reason = label_value_problem(value) if isinstance(value, str) else None
            if reason is not None:
                yield _value_finding(value, key if isinstance(key, str) else "?", reason,
                                     (*where, i, "values", j), kind)


@check("invalid-label")
def invalid_label(obj: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateObjectMeta and ValidatePodTemplateSpec (ValidateLabels), ValidateService's
    selector and ValidateLabelSelector: IsQualifiedName keys, IsValidLabelValue values."""
    for where in _label_maps(obj):
        yield from _check_map(get(obj.data, *where), where, obj.kind)
    if obj.kind in _LABEL_SELECTOR_KINDS:
        selector = mapping(obj.spec.get("selector"))
        yield from _check_map(selector.get("matchLabels"), ("spec", "selector", "matchLabels"), obj.kind)
        yield from _check_expressions(selector.get("matchExpressions"),
                                      ("spec", "selector", "matchExpressions"), obj.kind)
