"""SVC204 duplicate-service-port: a Service port name or number given twice."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.checks.ports.common import repeats
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import (
    is_port_number,
    quote,
)
from svclint.model import (
    KubeObject,
    port_name,
    port_protocol,
    service_ports,
    service_type,
)


@check("duplicate-service-port")
def duplicate_service_port(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateService: port names, (port, protocol) and (nodePort, protocol) are unique."""
    ports = service_ports(service)
    for i, first, name in repeats((i, port_name(port)) for i, port in ports):
        yield Finding(
            f"port name {quote(name)} is already used by spec.ports[{first}] of this Service: port names "
            "must be unique in a Service, whatever the protocol; the API server rejects the Service",
            at=("spec", "ports", i, "name"),
            help="give this port a name of its own",
            related=(RelatedFinding(f"port name {quote(name)} first used here", service,
                                    ("spec", "ports", first, "name")),),
        )
    numbered = ((i, (port.get("port"), port_protocol(port)) if is_port_number(port.get("port")) else None)
                for i, port in ports)
    for i, first, (number, protocol) in repeats(numbered):
        yield Finding(
            f"port {number}/{protocol} is already defined by spec.ports[{first}] of this Service: the API "
            "server rejects the Service (Duplicate value); a number may appear once per protocol, "
            "as in 53/TCP and 53/UDP",
            at=("spec", "ports", i, "port"),
            help="remove this entry, or change its port or protocol",
            related=(RelatedFinding(f"port {number}/{protocol} first defined here", service,
                                    ("spec", "ports", first, "port")),),
        )
    # Other types: ClusterIP may set no nodePort (node-port-not-allowed), and for NodePort and
    # LoadBalancer the allocator's "already allocated" comes first (node-port-collision).
    if service_type(service) != "ExternalName":
        return
    claimed = ((i, (n, port_protocol(port)) if type(n := port.get("nodePort")) is int and n != 0 else None)
               for i, port in ports)
    for i, first, (node_port, protocol) in repeats(claimed):
        yield Finding(
            f"nodePort {node_port}/{protocol} is already used by spec.ports[{first}] of this Service: the "
            "API server rejects the Service (Duplicate value), although an ExternalName Service uses no "
            "node ports",
            at=("spec", "ports", i, "nodePort"),
            help="remove the nodePorts: an ExternalName Service has no use for them",
            related=(RelatedFinding(f"nodePort {node_port}/{protocol} first used here", service,
                                    ("spec", "ports", first, "nodePort")),),
        )
