"""Custom resources whose operator creates pods, per scope and namespace.

A Service in front of an operator's pods selects labels that no pod template of the inputs has:
the operator writes the StatefulSet or the pods itself when it reconciles its custom resource
(an Alertmanager, a CloudNativePG Cluster, a Kafka). This index tells such a Service from one
that selects nothing, with evidence from the inputs only: a custom resource in the Service's
namespace and scope, and either

- a kind of the table of well-known operators (``svclint/operators.py``) whose pod labels, the
  operator's own and those it copies from the resource, give every pair of the selector, one of
  them naming this resource (its name, or a value that only this operator sets); or
- another kind, whose name a selector value is, and whose spec declares pods (replicas,
  instances, an image or containers): a ServiceMonitor or a Certificate named like the app
  creates no pods, so it is no evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from svclint.diagnostics import JsonPath, format_path
from svclint.k8s import string_map
from svclint.model import KubeObject, get
from svclint.operators import EACH, Operator, identifies, operator_of, value_pattern
from svclint.project import Project


@dataclass(frozen=True, slots=True)
class PodLabel:
    """A label the pods of an operator's resource get, and who gives it."""

    values: re.Pattern[str]
    #: Whether the label points at this resource: a pattern with its name, a fixed value, or a
    #: label copied from the resource; a role or a hash (any value, alternatives) does not.
    identifies: bool
    source: str  # the operator's name, or the field of the resource it copies the label from


@dataclass(frozen=True, slots=True, eq=False)
class OperatorPods:
    """A custom resource of the inputs that an operator may turn into pods."""

    owner: KubeObject
    operator: Operator | None  # its entry in the table; None for a kind the table does not know
    labels: Mapping[str, tuple[PodLabel, ...]]  # label key -> how its pods get it (table kinds)
    declares_pods: bool  # its spec has replicas, instances, an image or containers


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a selector is taken to select an operator's pods."""

    owner: KubeObject
    operator: Operator | None  # None: the resource is named like a selector value
    #: Selector key -> where its label comes from (the operator, a field of the resource, its name).
    sources: Mapping[str, str]


#: Spec fields that say a custom resource of an unknown kind runs pods.
POD_FIELDS = frozenset({"replicas", "instances", "image", "containers", "podTemplate", "nodeSets"})


def _copied(data: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Mapping[str, str]]]:
    """The label maps at ``path`` (``EACH`` walks every item of a list), with their concrete paths."""
    nodes: list[tuple[Any, JsonPath]] = [(data, ())]
    for step in path:
        following: list[tuple[Any, JsonPath]] = []
        for node, at in nodes:
            if step == EACH and isinstance(node, list):
                following.extend((item, (*at, i)) for i, item in enumerate(node))
            elif isinstance(node, dict) and step in node:
                following.append((node[step], (*at, step)))
        nodes = following
    for node, at in nodes:
        labels = string_map(node)
        if labels:
            yield at, labels


def _pod_labels(obj: KubeObject, operator: Operator) -> dict[str, tuple[PodLabel, ...]]:
    labels: dict[str, list[PodLabel]] = defaultdict(list)
    for key, pattern in operator.labels.items():
        labels[key].append(PodLabel(value_pattern(pattern, obj.name, obj.kind), identifies(pattern), operator.name))
    for path in operator.copied:
        for at, copied in _copied(obj.data, path):
            for key, value in copied.items():
                labels[key].append(PodLabel(re.compile(re.escape(value)), True, format_path(at)))
    return {key: tuple(found) for key, found in labels.items()}


def _declares_pods(spec: Any, max_depth: int = 4) -> bool:
    stack: list[tuple[Any, int]] = [(spec, 0)]
    seen: set[int] = set()  # aliases share nodes: visit each once
    while stack:
        node, depth = stack.pop()
        if depth > max_depth or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if POD_FIELDS.intersection(node):
                return True
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
    return False


def operator_pods_index(project: Project) -> Mapping[tuple[str, str], tuple[OperatorPods, ...]]:
    """The index: (scope, namespace) -> the custom resources there, in input order."""
    found: dict[tuple[str, str], list[OperatorPods]] = defaultdict(list)
    for obj in project.objects:
        if not obj.custom or not isinstance(get(obj.data, "metadata", "name"), str):
            continue
        operator = operator_of(obj.api_version, obj.kind)
        pods = OperatorPods(obj, operator, _pod_labels(obj, operator) if operator else {},
                            operator is None and _declares_pods(obj.data.get("spec")))
        for scope in project.scopes_of(obj):
            found[(scope, obj.namespace)].append(pods)
    return {key: tuple(value) for key, value in found.items()}


def _candidates(project: Project, service: KubeObject) -> list[OperatorPods]:
    """The custom resources in the Service's namespace and scopes; those in its file first."""
    index = project.index(operator_pods_index)
    seen: dict[int, OperatorPods] = {}
    for scope in project.scopes_of(service):
        for pods in index.get((scope, service.namespace), ()):
            seen.setdefault(id(pods), pods)
    return sorted(seen.values(), key=lambda pods: (pods.owner.path != service.path, pods.owner.order))


def _explained(pods: OperatorPods, selector: Mapping[str, str]) -> Evidence | None:
    sources: dict[str, str] = {}
    identified = False
    for key, value in selector.items():
        label = next((label for label in pods.labels.get(key, ()) if label.values.fullmatch(value)), None)
        if label is None:
            return None
        sources[key] = label.source
        identified = identified or label.identifies
    return Evidence(pods.owner, pods.operator, sources) if identified else None


def operator_evidence(project: Project, service: KubeObject, selector: Mapping[str, str]) -> Evidence | None:
    """Evidence that the Service selects the pods an operator creates from a custom resource of
    the inputs (same namespace and scope): a table kind first, then one named like a value."""
    candidates: Sequence[OperatorPods] = _candidates(project, service)
    for pods in candidates:
        if pods.operator is not None and (evidence := _explained(pods, selector)) is not None:
            return evidence
    for pods in candidates:
        if pods.declares_pods:
            named = [key for key, value in selector.items() if value == pods.owner.name]
            if named:
                return Evidence(pods.owner, None, {key: "its name" for key in named})
    return None
