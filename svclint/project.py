"""The cross-object indexes, built once per run, that keep every rule linear.

Objects meet only within a scope: the files of one cluster (see ``scopes`` in the
configuration). Every index is kept per scope, and a file in several scopes (a kustomize base
shared by overlays) is entered in each of them once, so lookups stay exact and the indexes
linear in the objects times the scopes of their files. Without scopes every file is in
``DEFAULT_SCOPE``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, TypeVar

from svclint.diagnostics import JsonPath
from svclint.k8s import quote
from svclint.model import (
    KubeObject,
    PodTemplate,
    embedded_templates,
    get,
    is_headless,
    mapping,
    needs_health_check,
    operator_key,
    pod_template,
    sequence,
    service_selector,
    service_type,
)


@dataclass(frozen=True, slots=True)
class NodePortUse:
    """One claim on a node port: a ``spec.ports[i].nodePort`` or the ``spec.healthCheckNodePort``."""

    service: KubeObject
    number: int
    at: JsonPath
    port: int | str | None  # the Service port's ``port``: entries of one port may share a nodePort
    health_check: bool = False

    @property
    def field(self) -> str:
        """The field's name, for messages."""
        return "healthCheckNodePort" if self.health_check else "nodePort"


@dataclass(frozen=True, slots=True)
class LabelIndex:
    """Pod templates by label, so selector lookups never scan every workload."""

    by_label: Mapping[tuple[str, str], tuple[PodTemplate, ...]]
    by_runtime_key: Mapping[str, tuple[PodTemplate, ...]]
    by_namespace_key: Mapping[tuple[str, str], tuple[PodTemplate, ...]]

    @classmethod
    def build(cls, templates: list[PodTemplate]) -> LabelIndex:
        by_label: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
        by_runtime_key: dict[str, list[PodTemplate]] = defaultdict(list)
        by_namespace_key: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
        for template in templates:
            namespace = template.owner.namespace
            for key, value in template.labels.items():
                by_label[(key, value)].append(template)
                by_namespace_key[(namespace, key)].append(template)
            for runtime in template.runtime_labels:
                by_runtime_key[runtime.key].append(template)
                by_namespace_key[(namespace, runtime.key)].append(template)
        return cls(_freeze(by_label), _freeze(by_runtime_key), _freeze(by_namespace_key))

    def select(self, selector: Mapping[str, str], namespace: str | None) -> list[PodTemplate]:
        """Pod templates a Service selector matches, in one namespace or (None) in any."""
        best: list[PodTemplate] | None = None
        for key, value in selector.items():
            candidates = [
                *self.by_label.get((key, value), ()),
                *self.by_runtime_key.get(key, ()),
                *self.by_runtime_key.get(operator_key(key) or "", ()),
            ]
            if best is None or len(candidates) < len(best):
                best = candidates
        seen: set[int] = set()
        result = []
        for template in best or ():
            if id(template) in seen or (namespace is not None and template.owner.namespace != namespace):
                continue
            seen.add(id(template))
            if template.matches(selector):
                result.append(template)
        return result

    def neighbours(self, selector: Mapping[str, str], namespace: str) -> list[PodTemplate]:
        """Templates in ``namespace`` that have at least one of the selector's keys."""
        candidates: dict[int, PodTemplate] = {}
        for key in selector:
            for template in self.by_namespace_key.get((namespace, key), ()):
                candidates.setdefault(id(template), template)
        return list(candidates.values())


def rank_near_misses(selector: Mapping[str, str],
                     templates: Iterable[PodTemplate]) -> list[tuple[PodTemplate, list[str]]]:
    """Templates best first, with the selector keys each one does not satisfy."""
    scored = []
    for template in templates:
        differing = [k for k, v in selector.items() if not template.label_matches(k, v)]
        # Fewest differing labels first, then the closest spelling (app=payment ~ payments).
        likeness = sum(_likeness(selector[k], template.labels.get(k)) for k in differing)
        scored.append(((len(differing), -likeness, template.owner.order), template, differing))
    scored.sort(key=lambda item: item[0])
    return [(template, differing) for _, template, differing in scored]


def _likeness(wanted: str, actual: str | None) -> float:
    return 0.0 if actual is None else SequenceMatcher(None, wanted, actual).ratio()


def _freeze(index: dict[Any, list[PodTemplate]]) -> dict[Any, tuple[PodTemplate, ...]]:
    return {key: tuple(values) for key, values in index.items()}


#: The scope of the files that no configured scope names, and of every file when none is configured.
DEFAULT_SCOPE = ""
#: A file's path -> the names of the scopes it is in (never empty).
ScopeOf = Callable[[str], tuple[str, ...]]

_T = TypeVar("_T")


def one_scope(path: str) -> tuple[str, ...]:
    """Every file in the default scope: all inputs are one cluster."""
    return (DEFAULT_SCOPE,)


def describe_scopes(names: Sequence[str]) -> str:
    """Scope names for a message: ``scope 'prod'``, ``scopes 'prod', 'staging'``."""
    if tuple(names) == (DEFAULT_SCOPE,):
        return "the default scope (files in no scope)"
    shown = ", ".join(quote(name) for name in names)
    return f"scope {shown}" if len(names) == 1 else f"scopes {shown}"


def _union(groups: Sequence[Sequence[_T]], order: Callable[[_T], tuple[int, ...]]) -> Sequence[_T]:
    """The items of several scopes' lists, each once; merged in the input order of their objects.

    The sort is stable, so the items of one object (its ports, its templates) keep the order
    they have in the lists. One list is returned as it is.
    """
    if len(groups) == 1:
        return groups[0]
    seen: set[int] = set()
    items: list[_T] = []
    for group in groups:
        for item in group:
            if id(item) not in seen:
                seen.add(id(item))
                items.append(item)
    items.sort(key=order)
    return items


def _template_order(template: PodTemplate) -> tuple[int, ...]:
    return template.owner.order


def _use_order(use: NodePortUse) -> tuple[int, ...]:
    return use.service.order


def _select(labels: Mapping[str, LabelIndex], scopes: Iterable[str], selector: Mapping[str, str],
            namespace: str | None) -> Sequence[PodTemplate]:
    return _union([index.select(selector, namespace) for scope in scopes
                   if (index := labels.get(scope)) is not None], _template_order)


@dataclass(frozen=True, slots=True)
class Project:
    """What cross-object rules read: indexes built once per scope, so every rule is linear.

    Rules ask through the object they check (``select(service, ...)``), so they see the objects
    of its scopes only and never need to know how scopes are configured.
    """

    scopes: Mapping[str, tuple[str, ...]]  # file path -> the scopes it is in
    labels: Mapping[str, LabelIndex]  # scope -> its pod templates by label
    node_ports: Mapping[tuple[str, int], tuple[NodePortUse, ...]]  # (scope, number) -> claims, input order
    backends: Mapping[int, tuple[PodTemplate, ...]]  # id(Service) -> nearest templates it selects
    #: KubeObject.order of a repeated definition -> the first definition of that object in its file
    first_definitions: Mapping[tuple[int, int, int, int], KubeObject]
    #: scope -> the first Service port (or health check) in input order with an auto-allocated node port
    first_auto_node_ports: Mapping[str, tuple[KubeObject, JsonPath]]

    def scopes_of(self, obj: KubeObject) -> tuple[str, ...]:
        """The scopes an object's file is in."""
        return self.scopes.get(obj.path, (DEFAULT_SCOPE,))

    def shared_scopes(self, obj: KubeObject, other: KubeObject) -> tuple[str, ...]:
        """The scopes both objects are in: empty when they never meet in a cluster."""
        theirs = self.scopes_of(other)
        return tuple(scope for scope in self.scopes_of(obj) if scope in theirs)

    def backends_of(self, service: KubeObject) -> tuple[PodTemplate, ...]:
        """Templates a Service sends traffic to (same namespace and scope), computed once per Service."""
        return self.backends.get(id(service), ())

    def select(self, obj: KubeObject, selector: Mapping[str, str], namespace: str | None) -> Sequence[PodTemplate]:
        """Pod templates in ``obj``'s scopes that ``selector`` matches, in one namespace or (None) in any."""
        return _select(self.labels, self.scopes_of(obj), selector, namespace)

    def select_in_other_scopes(self, obj: KubeObject, selector: Mapping[str, str]) -> list[PodTemplate]:
        """Pod templates (any namespace) that ``selector`` matches in files sharing no scope with ``obj``."""
        mine = self.scopes_of(obj)
        found = _select(self.labels, (scope for scope in self.labels if scope not in mine), selector, None)
        return [template for template in found if not self.shared_scopes(obj, template.owner)]

    def near_misses(self, obj: KubeObject, selector: Mapping[str, str],
                    namespace: str) -> list[tuple[PodTemplate, list[str]]]:
        """Templates in ``obj``'s scopes and ``namespace`` sharing a selector key, best first, with
        the keys that differ."""
        groups = [index.neighbours(selector, namespace) for scope in self.scopes_of(obj)
                  if (index := self.labels.get(scope)) is not None]
        return rank_near_misses(selector, _union(groups, _template_order))

    def node_port_claims(self, service: KubeObject, number: int) -> Sequence[NodePortUse]:
        """Claims on node port ``number`` by Services sharing a scope with ``service``, in input order."""
        claims = [self.node_ports.get((scope, number), ()) for scope in self.scopes_of(service)]
        return _union(claims, _use_order)

    def first_auto_node_port(self, service: KubeObject) -> tuple[KubeObject, JsonPath] | None:
        """The first port in input order, among the Services sharing a scope with ``service``, that
        gets an auto-allocated node port."""
        found = [auto for scope in self.scopes_of(service) if (auto := self.first_auto_node_ports.get(scope))]
        return min(found, key=lambda auto: auto[0].order, default=None)


def build_project(objects: list[KubeObject], scope_of: ScopeOf = one_scope) -> Project:
    """Index the run's objects per scope: pod templates by label, node ports by number, Service backends.

    ``scope_of`` is asked once per file.
    """
    scopes: dict[str, tuple[str, ...]] = {}
    templates: dict[str, list[PodTemplate]] = defaultdict(list)
    for obj in objects:
        in_scopes = scopes.get(obj.path)
        if in_scopes is None:
            in_scopes = scopes[obj.path] = scope_of(obj.path)
        if obj.custom:
            found = embedded_templates(obj)
        else:
            template = pod_template(obj)
            found = [] if template is None else [template]
        for scope in in_scopes:
            templates[scope].extend(found)
    labels = {scope: LabelIndex.build(templates[scope]) for scope in dict.fromkeys(
        scope for in_scopes in scopes.values() for scope in in_scopes)}
    node_ports: dict[tuple[str, int], list[NodePortUse]] = defaultdict(list)
    backends: dict[int, tuple[PodTemplate, ...]] = {}
    first_auto: dict[str, tuple[KubeObject, JsonPath]] = {}
    for service in objects:
        if service.kind != "Service" or service.custom:
            continue
        in_scopes = scopes[service.path]
        uses = list(node_port_uses(service))
        for scope in in_scopes:
            for use in uses:
                node_ports[(scope, use.number)].append(use)
        if any(scope not in first_auto for scope in in_scopes):
            auto = next(((service, at) for at in auto_node_ports(service)), None)
            if auto is not None:
                for scope in in_scopes:
                    first_auto.setdefault(scope, auto)
        selector = service_selector(service)
        if selector is not None and service_type(service) != "ExternalName":
            backends[id(service)] = nearest(service, _select(labels, in_scopes, selector, service.namespace))
    return Project(scopes, labels, {k: tuple(v) for k, v in node_ports.items()}, backends,
                   first_definitions(objects), first_auto)


def first_definitions(objects: list[KubeObject]) -> dict[tuple[int, int, int, int], KubeObject]:
    """Objects defined again in the same file (kind, namespace and name), mapped to the first definition.

    Only repeats within one file count, so a definition is never compared across scopes (a file's
    scopes are the same for all its objects). Objects without a ``metadata.name`` (``generateName``)
    are each a new object.
    """
    first: dict[tuple[str, str, str, str], KubeObject] = {}
    repeated: dict[tuple[int, int, int, int], KubeObject] = {}
    for obj in objects:
        if obj.custom or not isinstance(get(obj.data, "metadata", "name"), str):
            continue
        seen = first.setdefault((obj.path, *obj.identity), obj)
        if seen is not obj:
            repeated[obj.order] = seen
    return repeated


def _place(path: str) -> list[str]:
    """A file's absolute path as its directories and name: "apps/a/x.yaml", "./apps/a/x.yaml" and
    the absolute spelling are one place (named files and context files may be written either way)."""
    return os.path.abspath(path).replace("\\", "/").split("/")


def nearest(service: KubeObject, templates: Sequence[PodTemplate]) -> tuple[PodTemplate, ...]:
    """The selected templates that live closest to the Service in the file tree.

    A repository often holds several independent apps or examples that reuse labels like
    ``app: frontend``, even several in one directory of examples; a Service is deployed with
    the workloads next to it. So templates in the Service's own file win, then those sharing
    the longest directory prefix with it.
    """
    if len(templates) <= 1:
        return tuple(templates)
    here = _place(service.path)

    def closeness(template: PodTemplate) -> tuple[bool, int]:
        there = _place(template.owner.path)
        shared = 0
        for a, b in zip(here[:-1], there[:-1]):
            if a != b:
                break
            shared += 1
        return (there == here, shared)

    scores = [closeness(t) for t in templates]
    best = max(scores)
    return tuple(t for t, score in zip(templates, scores) if score == best)


def node_port_uses(service: KubeObject) -> Iterator[NodePortUse]:
    """Explicit, well-typed node port claims of a NodePort or LoadBalancer Service.

    In the allocator's order: the nodePorts, then the healthCheckNodePort, which comes from the
    same pool but only when it is needed (LoadBalancer with externalTrafficPolicy Local).
    """
    kind = service_type(service)
    if kind not in ("NodePort", "LoadBalancer"):
        return
    for i, port in enumerate(sequence(service.spec.get("ports"))):
        number, value = mapping(port).get("nodePort"), mapping(port).get("port")
        if type(number) is int and number != 0:
            # Only scalars are compared (and quoted): a malformed port is no port at all.
            yield NodePortUse(service, number, ("spec", "ports", i, "nodePort"), _scalar(value))
    health = service.spec.get("healthCheckNodePort")
    if needs_health_check(service) and type(health) is int and health != 0:
        yield NodePortUse(service, health, ("spec", "healthCheckNodePort"), None, health_check=True)


def auto_node_ports(service: KubeObject) -> Iterator[JsonPath]:
    """Where a NodePort or LoadBalancer Service gets node ports the cluster picks (``initNodePorts``).

    Port entries without a nodePort, unless an entry of the same ``port`` names one (they share
    it) or a LoadBalancer turns allocation off; then a needed healthCheckNodePort left unset.
    """
    kind = service_type(service)
    if kind not in ("NodePort", "LoadBalancer") or is_headless(service):
        return  # a headless NodePort or LoadBalancer is rejected, and its allocations rolled back
    spec = service.spec
    if kind == "NodePort" or spec.get("allocateLoadBalancerNodePorts") is not False:
        ports = [mapping(p) for p in sequence(spec.get("ports"))]
        named = {_scalar(p.get("port")) for p in ports if p.get("nodePort") not in (None, 0)}
        for i, port in enumerate(ports):
            if port.get("nodePort") in (None, 0) and _scalar(port.get("port")) not in named:
                yield ("spec", "ports", i)
    if needs_health_check(service) and spec.get("healthCheckNodePort") in (None, 0):
        yield ("spec", "externalTrafficPolicy")


def _scalar(value: Any) -> int | str | None:
    """A port value that can be compared (and hashed); anything else is no port."""
    return value if isinstance(value, (int, str)) else None
