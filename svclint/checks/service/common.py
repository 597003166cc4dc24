"""Helpers of the Service field rules (SVC5xx)."""

from __future__ import annotations

from svclint.findings import Finding
from svclint.k8s import (
    quote,
)
from svclint.model import (
    KubeObject,
)


def cluster_ips_problem(service: KubeObject) -> Finding | None:
    """ValidateServiceClusterIPsRelatedFields on create: clusterIPs is filled from clusterIP when it
    is empty, never the other way round, so a clusterIPs list needs a matching clusterIP first."""
    ips, cluster_ip = service.spec.get("clusterIPs"), service.spec.get("clusterIP")
    if not isinstance(ips, list) or not ips or not isinstance(cluster_ip, (str, type(None))):
        return None
    if not cluster_ip:
        return Finding(
            "clusterIPs is set but clusterIP is not: the API server rejects the Service (spec.clusterIPs: "
            "\"must be empty when `clusterIP` is not specified\")",
            at=("spec", "clusterIPs"), on_key=True,
            help=f"set `clusterIP: {ips[0]}` as well (clusterIPs then lists it first), or remove clusterIPs",
        )
    if ips[0] != cluster_ip:
        return Finding(
            f"clusterIPs starts with {quote(ips[0])}, not with clusterIP {quote(cluster_ip)}: the API server "
            "rejects the Service (spec.clusterIPs: \"first value must match `clusterIP`\")",
            at=("spec", "clusterIPs", 0),
            help="list clusterIP first in clusterIPs, or remove clusterIPs (it is filled from clusterIP)",
        )
    return None
