"""SVC502 service-ports-required: a Service without ports that must have them."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.findings import Finding
from svclint.model import (
    KubeObject,
    is_headless,
    service_type,
)


@check("service-ports-required")
def service_ports_required(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateService: ports are Required unless the Service is headless or ExternalName."""
    spec = service.data.get("spec")
    if not isinstance(spec, dict) or spec.get("ports") not in (None, []):
        return  # no spec at all: a fragment (a kustomize patch adding annotations), not a Service
    if service_type(service) == "ExternalName" or is_headless(service):
        return
    yield Finding(
        "the Service has no ports: only headless (clusterIP: None) and ExternalName Services may omit "
        "them, so the API server rejects it (spec.ports: Required value)",
        at=("spec", "ports"), on_key=True,
        help="add the ports the Service exposes, or set `clusterIP: None` for a headless Service "
        "(DNS records for the pods only)",
    )
