"""SVC202 target-port-not-declared: a numeric targetPort no selected container declares."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ProjectContext, check
from svclint.checks.ports.common import workload_backends, workload_names
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import (
    is_port_number,
)
from svclint.model import (
    KubeObject,
    service_ports,
)


@check("target-port-not-declared")
def target_port_not_declared(service: KubeObject, ctx: ProjectContext) -> Iterator[Finding]:
    """A numeric targetPort that the selected containers do not list among their ports."""
    backends = workload_backends(service, ctx)
    declaring = [t for t in backends if any(p.number is not None for p in t.ports)]
    if not declaring:
        return  # containers that declare no ports say nothing about what they serve
    for i, port in service_ports(service):
        target = port.get("targetPort")
        at: tuple[str | int, ...] = ("spec", "ports", i, "targetPort")
        if target in (None, 0, ""):
            target, at = port.get("port"), ("spec", "ports", i, "port")  # the API's default
        if not is_port_number(target):
            continue  # a number outside 1-65535 is invalid-port's finding
        if any(p.number == target for t in backends for p in t.ports):
            continue
        declared = sorted({p.number for t in declaring for p in t.ports if p.number is not None})
        yield Finding(
            f"target port {target} is not declared by the containers of {workload_names(declaring)} "
            f"(they declare {', '.join(map(str, declared))}); Kubernetes still sends traffic to "
            f"{target}, which works only if the process listens there",
            at=at,
            help=f"check the port the container serves; declare containerPort {target} or fix targetPort",
            related=(RelatedFinding(f"containers of {declaring[0].owner.ref}", declaring[0].owner,
                                    (*declaring[0].at, "spec", "containers")),),
        )
