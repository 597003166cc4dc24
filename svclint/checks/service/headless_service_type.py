"""SVC501 headless-service-type: clusterIP None on a type that needs a cluster IP."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.checks.service.common import cluster_ips_problem
from svclint.diagnostics import JsonPath
from svclint.findings import Finding
from svclint.model import (
    KubeObject,
    is_headless,
    service_type,
)


@check("headless-service-type")
def headless_service_type(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateService: clusterIP None is only for type ClusterIP (ExternalName: SVC403)."""
    kind = service_type(service)
    if kind not in ("NodePort", "LoadBalancer") or not is_headless(service):
        return
    if cluster_ips_problem(service) is not None:
        return  # the allocator's check of clusterIPs (invalid-service-field) comes first
    at: JsonPath = ("spec", "clusterIP")  # consistent with clusterIPs, so it is the None
    yield Finding(
        f"clusterIP None (headless) may not be used with type {kind}: the API server rejects the Service "
        f"(\"may not be set to 'None' for {kind} services\")",
        at=at,
        help=f"remove `clusterIP: None` so the {kind} Service gets a virtual IP, or use type ClusterIP for "
        "a headless Service",
    )
