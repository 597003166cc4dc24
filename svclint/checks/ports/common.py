"""The container and port model of the port rules (SVC2xx), and helpers they share."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from svclint.checks import ObjectContext, ProjectContext
from svclint.diagnostics import JsonPath
from svclint.indexes.backends import backends_of
from svclint.k8s import (
    is_port_number,
    quote,
)
from svclint.kinds import workload_template
from svclint.model import (
    KubeObject,
    PodTemplate,
    get,
    mapping,
    port_name,
    port_protocol,
    sequence,
)

K = TypeVar("K", bound=Hashable)
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")
# validateHandler checks only the first action set, in this order (a second one is Forbidden).
PROBE_ACTIONS = ("exec", "httpGet", "tcpSocket", "grpc")
HOOK_ACTIONS = ("exec", "httpGet", "tcpSocket", "sleep")
PORT_ACTIONS = ("httpGet", "tcpSocket", "grpc")


def repeats(keys: Iterable[tuple[int, K | None]]) -> Iterator[tuple[int, int, K]]:
    """(index, index of the first, key) of every entry whose key an earlier entry has."""
    first: dict[K, int] = {}
    for index, key in keys:
        if key is None:
            continue
        if key in first:
            yield index, first[key], key
        else:
            first[key] = index


# Not frozen: rules build these for every container of every pod, and a frozen dataclass costs
# several times more to create. They are never changed once built. A port refers to its
# container, never the other way round: no reference cycle, so nothing waits for the cyclic
# garbage collector, which is paused while svclint runs.


@dataclass(slots=True, eq=False)
class Port:
    data: Mapping[str, Any]
    at: JsonPath
    name: str | None
    number: int | None  # containerPort when it is valid
    protocol: str
    host_port: int  # 0 when unset (or invalid: that is invalid-port's finding)
    host_ip: str
    container: Container = field(repr=False)

    @classmethod
    def of(cls, data: Mapping[str, Any], at: JsonPath, container: Container) -> Port:
        number, host_port, host_ip = data.get("containerPort"), data.get("hostPort"), data.get("hostIP")
        return cls(data, at, port_name(data), number if is_port_number(number) else None, port_protocol(data),
                   host_port if is_port_number(host_port) else 0, host_ip if isinstance(host_ip, str) else "",
                   container)


@dataclass(slots=True, eq=False)
class Container:
    data: Mapping[str, Any]
    at: JsonPath  # inside the object: (..., "containers", i) or (..., "initContainers", i)
    index: int  # its position in that list
    init: bool
    sidecar: bool  # an init container with restartPolicy Always

    def ports(self) -> list[Port]:
        """Its ports, built anew on each call: callers keep the list."""
        return [Port.of(port, (*self.at, "ports", j), self)
                for j, port in enumerate(sequence(self.data.get("ports"))) if isinstance(port, dict)]

    @property
    def name(self) -> str:
        value = self.data.get("name")
        return quote(value) if isinstance(value, str) else f"#{self.index}"

    @property
    def label(self) -> str:
        return f"{'sidecar' if self.sidecar else 'init container' if self.init else 'container'} {self.name}"

    @property
    def runs_handlers(self) -> bool:
        """Probes and hooks are validated and run for containers and sidecars (Forbidden for others)."""
        return not self.init or self.sidecar

    @property
    def port_names(self) -> set[str]:
        """The names a probe of this container can use (the kubelet's findPortByName)."""
        return {name for port in sequence(self.data.get("ports")) if isinstance(port, dict)
                and (name := port_name(port)) is not None}


@dataclass(slots=True, eq=False)
class Handler:
    """The httpGet, tcpSocket or grpc action of a probe or lifecycle hook."""

    container: Container
    owner: str  # livenessProbe, readinessProbe, startupProbe, postStart or preStop
    action: str
    data: Mapping[str, Any]
    at: JsonPath

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.action}.port"


def pod_spec_of(obj: KubeObject) -> Mapping[str, Any]:
    return mapping(get(obj.data, *workload_template(obj.kind), "spec"))


def pod_containers(obj: KubeObject) -> list[Container]:
    """Init containers, then containers: the order in which the API server visits them."""
    spec_at = (*workload_template(obj.kind), "spec")
    spec = pod_spec_of(obj)
    found = []
    for list_name in ("initContainers", "containers"):
        init = list_name == "initContainers"
        for i, raw in enumerate(sequence(spec.get(list_name))):
            if isinstance(raw, dict):
                sidecar = init and raw.get("restartPolicy") == "Always"
                found.append(Container(raw, (*spec_at, list_name, i), i, init, sidecar))
    return found


def port_handlers(container: Container) -> Iterator[Handler]:
    if not container.runs_handlers:
        return
    data, lifecycle = container.data, container.data.get("lifecycle")
    places: list[tuple[str, Mapping[str, Any], JsonPath, tuple[str, ...]]]
    places = [(p, data, (p,), PROBE_ACTIONS) for p in PROBES if p in data]
    if isinstance(lifecycle, dict):
        places += [(h, lifecycle, ("lifecycle", h), HOOK_ACTIONS) for h in HOOKS if h in lifecycle]
    for owner, parent, where, actions in places:
        handler = parent[owner]
        if not isinstance(handler, dict):
            continue
        action = next((a for a in actions if isinstance(handler.get(a), dict)), None)
        if action in PORT_ACTIONS:
            yield Handler(container, owner, action, handler[action], (*container.at, *where, action))


def rejection_consequence(obj: KubeObject, ctx: ObjectContext) -> str:
    """What happens to a workload whose pod template the API server's validation refuses."""
    if obj.kind == "StatefulSet" and ctx.settings.kube_version < (1, 34):
        # Before 1.34 a StatefulSet's pod spec was not validated on create (PR #131790).
        return ("the StatefulSet controller cannot create its pods (API servers from 1.34 reject the "
                "StatefulSet)")
    return f"the API server rejects the {obj.kind}"


def workload_backends(service: KubeObject, ctx: ProjectContext) -> list[PodTemplate]:
    """Selected templates whose containers svclint knows (not operator-embedded ones)."""
    return [t for t in backends_of(ctx.project, service) if not t.embedded]


def workload_names(templates: list[PodTemplate], limit: int = 3) -> str:
    """The distinct workloads behind ``templates`` (an object defined twice is named once)."""
    names = list(dict.fromkeys(str(t.owner.ref) for t in templates))
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
