"""Kubernetes objects as svclint sees them, and the cross-object indexes built once per run."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from svclint.diagnostics import JsonPath, ObjectRef
from svclint.k8s import string_map
from svclint.yamlparse import YamlDocument

#: Where each workload kind keeps its pod template.
TEMPLATE_PATHS: dict[str, JsonPath] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Pod": (),
}
#: API groups of the kinds svclint analyses ("" is the core group; extensions for old manifests).
KIND_GROUPS: dict[str, frozenset[str]] = {
    "Service": frozenset({""}),
    "Pod": frozenset({""}),
    "ReplicationController": frozenset({""}),
    "Deployment": frozenset({"apps", "extensions"}),
    "ReplicaSet": frozenset({"apps", "extensions"}),
    "DaemonSet": frozenset({"apps", "extensions"}),
    "StatefulSet": frozenset({"apps"}),
    "Job": frozenset({"batch"}),
    "CronJob": frozenset({"batch"}),
}


def is_analysed(kind: str, api_version: str) -> bool:
    """A built-in Service or workload (a Knative ``serving.knative.dev`` Service is not)."""
    return api_version.rpartition("/")[0] in KIND_GROUPS.get(kind, ())

_ANY = re.compile(r".*", re.DOTALL)
_DIGITS = re.compile(r"[0-9]+")


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one: rules never trip over wrong types."""
    return value if isinstance(value, Mapping) else {}


def sequence(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def get(data: Any, *path: str | int) -> Any:
    """Follow mapping keys; None as soon as a step is missing or not a mapping."""
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


@dataclass(frozen=True, slots=True, eq=False)
class KubeObject:
    """One Kubernetes object from one document (or one item of a ``List``)."""

    path: str  # the file as the user named it ("-" for stdin)
    document: YamlDocument
    base: JsonPath  # where the object sits in its document: () or ("items", i)
    data: Mapping[str, Any]
    kind: str
    api_version: str
    name: str
    namespace: str
    order: tuple[int, int, int]  # (file, document, item): input order, "first one wins"
    custom: bool = False  # a custom resource, kept only for the pod templates it embeds

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.namespace, self.name)

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two definitions the same object in a cluster."""
        return (self.kind, self.namespace, self.name)

    @property
    def spec(self) -> Mapping[str, Any]:
        return mapping(self.data.get("spec"))


@dataclass(frozen=True, slots=True)
class ContainerPort:
    number: int | None
    name: str | None
    protocol: str
    at: JsonPath


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    ports: tuple[ContainerPort, ...]
    at: JsonPath


@dataclass(frozen=True, slots=True)
class RuntimeLabel:
    """A label a controller puts on its pods at runtime, with the values it can take.

    ``key`` is a label key, or an operator domain such as ``leaderworkerset.*/`` that stands for
    every key prefixed ``leaderworkerset.<anything>/`` (see ``operator_key``).
    """

    key: str
    values: re.Pattern[str]


@dataclass(frozen=True, slots=True, eq=False)
class PodTemplate:
    """The pod-template view shared by every workload kind."""

    owner: KubeObject
    at: JsonPath  # path of the template (metadata + spec) inside the owner
    labels: Mapping[str, str]
    runtime_labels: tuple[RuntimeLabel, ...]
    containers: tuple[Container, ...]  # containers, then restartable (sidecar) init containers
    embedded: bool = False  # found inside a custom resource: used for selector matching only

    def label_matches(self, key: str, value: str) -> bool:
        if self.labels.get(key) == value:
            return True
        domain = operator_key(key)
        return any(r.key in (key, domain) and r.values.fullmatch(value) for r in self.runtime_labels)

    def matches(self, selector: Mapping[str, str]) -> bool:
        """Service selector semantics: every pair present on the pod (AND); extra labels are fine."""
        return all(self.label_matches(k, v) for k, v in selector.items())

    @property
    def declared_ports(self) -> Iterator[ContainerPort]:
        for container in self.containers:
            yield from container.ports


def operator_key(key: str) -> str | None:
    """The operator domain of a prefixed label key: ``leaderworkerset.sigs.k8s.io/name`` -> ``leaderworkerset.*/``.

    Keys under kubernetes.io (``app.kubernetes.io/name``, ...) are shared conventions, not an
    operator's own, so they have none.
    """
    prefix, slash, _ = key.partition("/")
    if not slash or prefix == "kubernetes.io" or prefix.endswith(".kubernetes.io"):
        return None
    return f"{prefix.split('.')[0]}.*/"


def _runtime_labels(obj: KubeObject) -> tuple[RuntimeLabel, ...]:
    name = re.escape(obj.name)
    any_value = ("controller-uid", "batch.kubernetes.io/controller-uid")
    if obj.kind in ("Job", "CronJob"):
        # Job pods are labelled with their Job's name; a CronJob's Jobs are "<name>-<schedule time>".
        generated = not isinstance(get(obj.data, "metadata", "name"), str)  # generateName
        job = re.compile(rf"{name}-[0-9]+" if obj.kind == "CronJob" else name + (".*" if generated else ""))
        labels = [RuntimeLabel(k, job) for k in ("job-name", "batch.kubernetes.io/job-name")]
        labels += [RuntimeLabel(k, _ANY) for k in any_value]
        labels.append(RuntimeLabel("batch.kubernetes.io/job-completion-index", _DIGITS))
        return tuple(labels)
    if obj.kind == "StatefulSet":
        return (
            RuntimeLabel("statefulset.kubernetes.io/pod-name", re.compile(rf"{name}-[0-9]+")),
            RuntimeLabel("apps.kubernetes.io/pod-index", _DIGITS),
            RuntimeLabel("controller-revision-hash", _ANY),
        )
    if obj.kind == "DaemonSet":
        return (RuntimeLabel("controller-revision-hash", _ANY), RuntimeLabel("pod-template-generation", _DIGITS))
    if obj.kind in ("Deployment", "ReplicaSet"):
        return (RuntimeLabel("pod-template-hash", _ANY),)
    return ()


def _container_port(port: Mapping[str, Any], at: JsonPath) -> ContainerPort:
    number, name, protocol = port.get("containerPort"), port.get("name"), port.get("protocol")
    return ContainerPort(
        number=number if type(number) is int else None,
        name=name if isinstance(name, str) else None,
        protocol=protocol if isinstance(protocol, str) else "TCP",
        at=at,
    )


def _containers(pod_spec: Mapping[str, Any], at: JsonPath) -> tuple[Container, ...]:
    found: list[Container] = []
    for field_name in ("containers", "initContainers"):
        for i, raw in enumerate(sequence(pod_spec.get(field_name))):
            container = mapping(raw)
            if field_name == "initContainers" and container.get("restartPolicy") != "Always":
                continue  # only sidecars serve traffic
            where = (*at, field_name, i)
            ports = tuple(_container_port(mapping(p), (*where, "ports", j))
                          for j, p in enumerate(sequence(container.get("ports"))))
            name = container.get("name")
            found.append(Container(name if isinstance(name, str) else f"#{i}", ports, where))
    return tuple(found)


def pod_template(obj: KubeObject) -> PodTemplate | None:
    """The pod template of a workload, or None for kinds without one."""
    at = TEMPLATE_PATHS.get(obj.kind)
    if at is None:
        return None
    template = mapping(get(obj.data, *at)) if at else obj.data
    spec = mapping(template.get("spec"))
    labels = string_map(get(template, "metadata", "labels"))
    return PodTemplate(obj, at, labels, _runtime_labels(obj), _containers(spec, (*at, "spec")))


def embedded_templates(obj: KubeObject, max_depth: int = 12) -> list[PodTemplate]:
    """Pod templates inside a custom resource (LeaderWorkerSet, RayCluster, ...).

    Operators create pods from them, so a Service selecting their labels is not dangling.
    Any mapping with ``metadata.labels`` and a ``spec.containers`` list counts.
    """
    found: list[PodTemplate] = []
    # The operator labels its pods with keys under its own domain (LeaderWorkerSet:
    # leaderworkerset.sigs.k8s.io/name for group leaderworkerset.x-k8s.io), values unknown.
    group = obj.api_version.rpartition("/")[0]
    operator_labels = (RuntimeLabel(f"{group.split('.')[0]}.*/", _ANY),)
    stack: list[tuple[Any, JsonPath]] = [(obj.data.get("spec"), ("spec",))]
    while stack:
        node, at = stack.pop()
        if len(at) > max_depth:
            continue
        if isinstance(node, Mapping):
            labels = string_map(get(node, "metadata", "labels"))
            if labels and isinstance(get(node, "spec", "containers"), list):
                found.append(PodTemplate(obj, at, labels, operator_labels, (), embedded=True))
            stack.extend((v, (*at, k)) for k, v in node.items() if isinstance(v, (Mapping, list)))
        elif isinstance(node, list):
            stack.extend((v, (*at, i)) for i, v in enumerate(node) if isinstance(v, (Mapping, list)))
    return found


@dataclass(frozen=True, slots=True)
class NodePortUse:
    """One claim on a node port: a ``spec.ports[i].nodePort``."""

    service: KubeObject
    number: int
    at: JsonPath
    port: Any  # the Service port's ``port`` value: entries of one port may share a nodePort


def service_selector(service: KubeObject) -> dict[str, str] | None:
    """The Service's selector as a label map, or None when it has none (or an empty one)."""
    selector = service.spec.get("selector")
    return string_map(selector) or None


def service_type(service: KubeObject) -> str:
    """``spec.type`` with the API default; "" for a malformed value, which no type rule matches."""
    value = service.spec.get("type")
    if value is None or value == "":
        return "ClusterIP"
    return value if isinstance(value, str) else ""


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
    """Everything the run loaded, with indexes built once so every rule is linear."""

    objects: tuple[KubeObject, ...]
    labels: LabelIndex
    node_ports: Mapping[int, tuple[NodePortUse, ...]]
    backends: Mapping[int, tuple[PodTemplate, ...]]  # id(Service) -> nearest templates it selects

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
    for service in services:
        for use in node_port_uses(service):
            node_ports[use.number].append(use)
        selector = service_selector(service)
        if selector is not None and service_type(service) != "ExternalName":
            backends[id(service)] = nearest(service, labels.select(selector, service.namespace))
    return Project(tuple(objects), labels, {k: tuple(v) for k, v in node_ports.items()}, backends)


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
    """Explicit, well-typed node port claims of a NodePort or LoadBalancer Service."""
    if service_type(service) not in ("NodePort", "LoadBalancer"):
        return
    for i, port in enumerate(sequence(service.spec.get("ports"))):
        number = mapping(port).get("nodePort")
        if type(number) is int and number != 0:
            yield NodePortUse(service, number, ("spec", "ports", i, "nodePort"), mapping(port).get("port"))
