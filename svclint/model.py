"""Kubernetes objects as svclint sees them: the object, its pod-template view, Service fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from svclint.diagnostics import JsonPath, ObjectRef, Span
from svclint.k8s import string_map
from svclint.kinds import template_path, template_ref
from svclint.pickling import shippable
from svclint.positions import SourceText, resolve_span
from svclint.yamlparse import YamlDocument

if TYPE_CHECKING:
    from svclint.schema_gate import Violation

_ANY = re.compile(r".*", re.DOTALL)
_DIGITS = re.compile(r"[0-9]+")


# Parsed documents hold plain dicts and lists only, so the checks below test for exactly those
# (an isinstance against the Mapping ABC costs several times more, on the hottest paths).


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one: rules never trip over wrong types."""
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def get(data: Any, *path: str | int) -> Any:
    """Follow mapping keys; None as soon as a step is missing or not a mapping."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


@shippable
@dataclass(frozen=True, slots=True, eq=False)
class KubeObject:
    """One Kubernetes object from one document (or one item of a ``List``)."""

    path: str  # the file as the user named it ("-" for stdin)
    document: YamlDocument  # as parsed: usually without its position table (see ``source``)
    base: JsonPath  # where the object sits in its document: () or ("items", i)
    data: Mapping[str, Any]
    kind: str
    api_version: str
    name: str
    namespace: str
    order: tuple[int, int, int, int]  # (file, part, document, item): input order, "first one wins"
    custom: bool = False  # a custom resource, kept only for the pod templates it embeds
    #: Schema violations; ``data`` is then a repaired copy, and no rule runs on the object.
    violations: tuple[Violation, ...] = ()
    #: The text the document was parsed from, where its position table is found again; None
    #: while the object crosses from a worker process as part of a file (see batch.py).
    source: SourceText | None = None

    def with_document(self, document: YamlDocument, source: SourceText | None) -> KubeObject:
        """The same object over another copy of its document and text (dataclasses.replace is 10x slower)."""
        copy = object.__new__(KubeObject)
        for name in self.__slots__:
            value = document if name == "document" else source if name == "source" else getattr(self, name)
            object.__setattr__(copy, name, value)
        return copy

    def span(self, at: JsonPath = (), *, on_key: bool = False) -> Span:
        """Where ``at`` (a path inside the object) is in its file (placement: ``resolve_span``)."""
        document = self.document if self.source is None else self.source.located(self.order[1], self.document)
        return resolve_span(document, (*self.base, *at), on_key=on_key)

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


class ContainerPort(NamedTuple):
    """A port that a container of a pod template declares, as Service rules see it.

    A named tuple: one is built for every port of every workload, and a frozen dataclass
    costs several times more to create.
    """

    number: int | None  # containerPort, when it is an int
    name: str | None
    protocol: str


@dataclass(frozen=True, slots=True)
class RuntimeLabel:
    """A label a controller puts on its pods at runtime, with the values it can take.

    ``key`` is a label key, or an operator domain such as ``leaderworkerset.*/`` that stands for
    every key prefixed ``leaderworkerset.<anything>/`` (see ``operator_key``).
    """

    key: str
    values: re.Pattern[str]
    example: str = "<any>"  # what a value looks like, for messages

@dataclass(frozen=True, slots=True, eq=False)
class PodTemplate:
    """The pod-template view shared by every workload kind."""

    owner: KubeObject
    at: JsonPath  # path of the template (metadata + spec) inside the owner
    labels: Mapping[str, str]
    runtime_labels: tuple[RuntimeLabel, ...]
    ports: tuple[ContainerPort, ...]  # of its containers, then of its sidecars (restartable init containers)
    embedded: bool = False  # found inside a custom resource: used for selector matching only

    def label_matches(self, key: str, value: str) -> bool:
        if self.labels.get(key) == value:
            return True
        domain = operator_key(key)
        return any(r.key in (key, domain) and r.values.fullmatch(value) for r in self.runtime_labels)

    def label_value(self, key: str) -> str | None:
        """The value pods of this template carry for ``key``: the template's, or a controller's."""
        if key in self.labels:
            return self.labels[key]
        domain = operator_key(key)
        return next((r.example for r in self.runtime_labels if r.key in (key, domain)), None)

    def matches(self, selector: Mapping[str, str]) -> bool:
        """Service selector semantics: every pair present on the pod (AND); extra labels are fine."""
        return all(self.label_matches(k, v) for k, v in selector.items())


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
    index = RuntimeLabel("batch.kubernetes.io/job-completion-index", _DIGITS, "<index>")
    if obj.kind == "Job" and get(obj.data, "spec", "manualSelector") is True:
        return (index,)  # the API server adds the Job labels only where it generates the selector
    if obj.kind in ("Job", "CronJob"):
        # Job pods are labelled with their Job's name; a CronJob's Jobs are "<name>-<schedule time>".
        generated = not isinstance(get(obj.data, "metadata", "name"), str)  # generateName
        job = re.compile(rf"{name}-[0-9]+" if obj.kind == "CronJob" else name + (".*" if generated else ""))
        example = obj.name if obj.kind == "Job" and not generated else f"{obj.name}-<suffix>"
        labels = [RuntimeLabel(k, job, example) for k in ("job-name", "batch.kubernetes.io/job-name")]
        labels += [RuntimeLabel(k, _ANY) for k in any_value]
        labels.append(index)
        return tuple(labels)
    if obj.kind == "StatefulSet":
        return (
            RuntimeLabel("statefulset.kubernetes.io/pod-name", re.compile(rf"{name}-[0-9]+"), f"{obj.name}-<ordinal>"),
            RuntimeLabel("apps.kubernetes.io/pod-index", _DIGITS, "<ordinal>"),
            RuntimeLabel("controller-revision-hash", _ANY),
        )
    if obj.kind == "DaemonSet":
        return (
            RuntimeLabel("controller-revision-hash", _ANY),
            RuntimeLabel("pod-template-generation", _DIGITS, "<generation>"),
        )
    if obj.kind in ("Deployment", "ReplicaSet"):
        return (RuntimeLabel("pod-template-hash", _ANY),)
    if obj.kind == "Rollout":  # argo-rollouts DefaultRolloutUniqueLabelKey
        return (RuntimeLabel("rollouts-pod-template-hash", _ANY),)
    if obj.kind == "DeploymentConfig":
        # Its pods belong to ReplicationControllers named <name>-<version> (openshift/api apps/v1:
        # DeploymentConfigLabel, DeploymentLabel).
        return (
            RuntimeLabel("deploymentconfig", re.compile(name), obj.name),
            RuntimeLabel("deployment", re.compile(rf"{name}-[0-9]+"), f"{obj.name}-<version>"),
        )
    return ()


def port_protocol(port: Mapping[str, Any]) -> str:
    """A Service or container port's ``protocol`` with the API default: TCP when it is missing or
    "" (SetDefaults_Service, the ContainerPort default)."""
    value = port.get("protocol")
    return value if isinstance(value, str) and value else "TCP"


def port_name(port: Mapping[str, Any]) -> str | None:
    """A Service or container port's name; None when it has none ("" is no name to the API server)."""
    value = port.get("name")
    return value if isinstance(value, str) and value else None


def _declared_ports(pod_spec: Mapping[str, Any]) -> tuple[ContainerPort, ...]:
    found: list[ContainerPort] = []
    for field_name in ("containers", "initContainers"):
        for raw in sequence(pod_spec.get(field_name)):
            container = mapping(raw)
            if field_name == "initContainers" and container.get("restartPolicy") != "Always":
                continue  # only sidecars serve traffic
            for port in sequence(container.get("ports")):
                if isinstance(port, dict):
                    number = port.get("containerPort")
                    found.append(ContainerPort(number if type(number) is int else None, port_name(port),
                                               port_protocol(port)))
    return tuple(found)


def pod_template(obj: KubeObject) -> PodTemplate | None:
    """The pod template of a workload, or None for kinds without one."""
    at = template_path(obj.kind)
    if at is None:
        return None
    ref = template_ref(obj.kind)
    if ref is not None and get(obj.data, *at) is None and get(obj.data, *ref) is not None:
        return None  # it runs another workload's template (an Argo Rollout's workloadRef)
    template = mapping(get(obj.data, *at)) if at else obj.data
    spec = mapping(template.get("spec"))
    labels = string_map(get(template, "metadata", "labels"))
    return PodTemplate(obj, at, labels, _runtime_labels(obj), _declared_ports(spec))


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
    seen: set[int] = set()  # aliases share containers: visit each once (alias bombs)
    while stack:
        node, at = stack.pop()
        if len(at) > max_depth or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            labels = string_map(get(node, "metadata", "labels"))
            if labels and isinstance(get(node, "spec", "containers"), list):
                found.append(PodTemplate(obj, at, labels, operator_labels, (), embedded=True))
            stack.extend((v, (*at, k)) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, (*at, i)) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return found


def service_selector(service: KubeObject) -> dict[str, str] | None:
    """The Service's selector as a label map, or None when it has none (or an empty one)."""
    selector = service.spec.get("selector")
    return string_map(selector) or None


def service_ports(service: KubeObject) -> list[tuple[int, Mapping[str, Any]]]:
    """(index, port) of each entry of ``spec.ports`` that is a mapping."""
    return [(i, port) for i, port in enumerate(sequence(service.spec.get("ports"))) if isinstance(port, dict)]


def service_type(service: KubeObject) -> str:
    """``spec.type`` with the API default; "" for a malformed value, which no type rule matches."""
    value = service.spec.get("type")
    if value is None or value == "":
        return "ClusterIP"
    return value if isinstance(value, str) else ""


def needs_health_check(service: KubeObject) -> bool:
    """``needsHealthCheck``: a LoadBalancer with externalTrafficPolicy Local has a health check
    node port (given, or allocated like a nodePort)."""
    return service_type(service) == "LoadBalancer" and service.spec.get("externalTrafficPolicy") == "Local"


def is_headless(service: KubeObject) -> bool:
    """``isHeadlessService``: the Service's cluster IPs are exactly ``["None"]``.

    On create ``clusterIP: None`` alone fills ``clusterIPs`` (``normalizeClusterIPs``).
    """
    ips = service.spec.get("clusterIPs")
    if not ips:
        cluster_ip = service.spec.get("clusterIP")
        ips = [cluster_ip] if cluster_ip else []
    return ips == ["None"]
