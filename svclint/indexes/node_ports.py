"""Node port claims per scope and number, and the first port whose node port the cluster picks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from svclint.diagnostics import JsonPath
from svclint.indexes.scopes import union
from svclint.model import KubeObject, is_headless, mapping, needs_health_check, sequence, service_type
from svclint.project import Project


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


def claim_index(project: Project) -> Mapping[tuple[str, int], tuple[NodePortUse, ...]]:
    """The index: (scope, number) -> the claims on that node port, in input order."""
    claims: dict[tuple[str, int], list[NodePortUse]] = defaultdict(list)
    for service in project.of_kind("Service"):
        uses = list(node_port_uses(service))
        for scope in project.scopes_of(service):
            for use in uses:
                claims[(scope, use.number)].append(use)
    return {key: tuple(value) for key, value in claims.items()}


def _use_order(use: NodePortUse) -> tuple[int, ...]:
    return use.service.order


def node_port_claims(project: Project, service: KubeObject, number: int) -> Sequence[NodePortUse]:
    """Claims on node port ``number`` by Services sharing a scope with ``service``, in input order."""
    index = project.index(claim_index)
    return union([index.get((scope, number), ()) for scope in project.scopes_of(service)], _use_order)


def first_auto_index(project: Project) -> Mapping[str, tuple[KubeObject, JsonPath]]:
    """The index: scope -> the first Service port (or health check) in input order with an
    auto-allocated node port."""
    first: dict[str, tuple[KubeObject, JsonPath]] = {}
    for service in project.of_kind("Service"):
        in_scopes = project.scopes_of(service)
        if any(scope not in first for scope in in_scopes):
            auto = next(((service, at) for at in auto_node_ports(service)), None)
            if auto is not None:
                for scope in in_scopes:
                    first.setdefault(scope, auto)
    return first


def first_auto_node_port(project: Project, service: KubeObject) -> tuple[KubeObject, JsonPath] | None:
    """The first port in input order, among the Services sharing a scope with ``service``, that
    gets an auto-allocated node port."""
    index = project.index(first_auto_index)
    found = [auto for scope in project.scopes_of(service) if (auto := index.get(scope))]
    return min(found, key=lambda auto: auto[0].order, default=None)


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
