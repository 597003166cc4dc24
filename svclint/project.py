"""The cross-object indexes, built once per run, that keep every rule linear."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from svclint.diagnostics import JsonPath
from svclint.model import (
    KubeObject,
    PodTemplate,
    embedded_templates,
    get,
    is_headless,
    mapping,
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

    def near_misses(self, selector: Mapping[str, str], namespace: str) -> list[tuple[PodTemplate, list[str]]]:
        """Templates in ``namespace`` sharing a selector key, best first, with the keys that differ."""
        candidates: dict[int, PodTemplate] = {}
        for key in selector:
            for template in self.by_namespace_key.get((namespace, key), ()):
                candidates.setdefault(id(template), template)
        scored = []
        for template in candidates.values():
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


@dataclass(frozen=True, slots=True)
class Project:
    """What cross-object rules read: indexes built once, so every rule is linear."""

    labels: LabelIndex
    node_ports: Mapping[int, tuple[NodePortUse, ...]]
    backends: Mapping[int, tuple[PodTemplate, ...]]  # id(Service) -> nearest templates it selects
    #: KubeObject.order of a repeated definition -> the first definition of that object in its file
    first_definitions: Mapping[tuple[int, int, int, int], KubeObject]
    #: The first Service port (or health check) in input order that gets an auto-allocated node port
    first_auto_node_port: tuple[KubeObject, JsonPath] | None

    def backends_of(self, service: KubeObject) -> tuple[PodTemplate, ...]:
        """Templates a Service sends traffic to (same namespace), computed once per Service."""
        return self.backends.get(id(service), ())


def build_project(objects: list[KubeObject]) -> Project:
    """Index the run's objects: pod templates by label, node ports by number, Service backends."""
    templates: list[PodTemplate] = []
    for obj in objects:
        if obj.custom:
            templates.extend(embedded_templates(obj))
        else:
            template = pod_template(obj)
            if template is not None:
                templates.append(template)
    labels = LabelIndex.build(templates)
    services = [obj for obj in objects if obj.kind == "Service" and not obj.custom]
    node_ports: dict[int, list[NodePortUse]] = defaultdict(list)
    backends: dict[int, tuple[PodTemplate, ...]] = {}
    first_auto: tuple[KubeObject, JsonPath] | None = None
    for service in services:
        for use in node_port_uses(service):
            node_ports[use.number].append(use)
        if first_auto is None:
            first_auto = next(((service, at) for at in auto_node_ports(service)), None)
        selector = service_selector(service)
        if selector is not None and service_type(service) != "ExternalName":
            backends[id(service)] = nearest(service, labels.select(selector, service.namespace))
    return Project(labels, {k: tuple(v) for k, v in node_ports.items()}, backends, first_definitions(objects),
                   first_auto)


def first_definitions(objects: list[KubeObject]) -> dict[tuple[int, int, int, int], KubeObject]:
    """Objects defined again in the same file (kind, namespace and name), mapped to the first definition.

    Objects without a ``metadata.name`` (``generateName``) are each a new object.
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


def _directories(path: str) -> list[str]:
    return path.replace("\\", "/").split("/")[:-1]


def nearest(service: KubeObject, templates: list[PodTemplate]) -> tuple[PodTemplate, ...]:
    """The selected templates that live closest to the Service in the file tree.

    A repository often holds several independent apps or examples that reuse labels like
    ``app: frontend``, even several in one directory of examples; a Service is deployed with
    the workloads next to it. So templates in the Service's own file win, then those sharing
    the longest directory prefix with it.
    """
    if len(templates) <= 1:
        return tuple(templates)
    here = _directories(service.path)

    def closeness(template: PodTemplate) -> tuple[bool, int]:
        shared = 0
        for a, b in zip(here, _directories(template.owner.path)):
            if a != b:
                break
            shared += 1
        return (template.owner.path == service.path, shared)

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
            port_value = value if isinstance(value, (int, str)) else None
            yield NodePortUse(service, number, ("spec", "ports", i, "nodePort"), port_value)
    health = service.spec.get("healthCheckNodePort")
    if kind == "LoadBalancer" and service.spec.get("externalTrafficPolicy") == "Local" \
            and type(health) is int and health != 0:
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
    if kind == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local" \
            and spec.get("healthCheckNodePort") in (None, 0):
        yield ("spec", "externalTrafficPolicy")


def _scalar(value: Any) -> int | str | None:
    """A port value that can be compared (and hashed); anything else is no port."""
    return value if isinstance(value, (int, str)) else None
