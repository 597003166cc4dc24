"""SVC303 node-port-not-allowed: a nodePort on a Service type that has none."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.findings import Finding
from svclint.model import KubeObject, mapping, sequence, service_type


@check("node-port-not-allowed")
def node_port_not_allowed(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateService: nodePort is Forbidden when type is ClusterIP (headless included)."""
    if service_type(service) != "ClusterIP":
        return
    for i, port in enumerate(sequence(service.spec.get("ports"))):
        number = mapping(port).get("nodePort")
        if type(number) is int and number != 0:
            yield Finding(
                f"nodePort {number} may not be used when type is ClusterIP: the API server rejects "
                "the Service",
                at=("spec", "ports", i, "nodePort"),
                help="set `type: NodePort` (or LoadBalancer) to expose it on the nodes, or remove nodePort",
            )
