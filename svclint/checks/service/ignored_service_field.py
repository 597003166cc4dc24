"""SVC504 ignored-service-field: Service fields accepted but without effect."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.findings import Finding
from svclint.model import (
    KubeObject,
    is_headless,
    service_type,
)


@check("ignored-service-field")
def ignored_service_field(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors GetWarningsForService: fields a headless Service, or a Service that is not an
    ExternalName, ignores (ExternalName's own ignored fields: external-name-ignored-field)."""
    kind = service_type(service)
    spec = service.spec
    if kind == "ClusterIP" and is_headless(service):
        ignored: list[tuple[str, str]] = []
        if spec.get("loadBalancerIP"):
            ignored.append(("loadBalancerIP", "loadBalancerIP"))
        if spec.get("externalIPs"):
            ignored.append(("externalIPs", "externalIPs"))
        if spec.get("sessionAffinity") not in (None, "", "None"):
            ignored.append(("sessionAffinity", "SessionAffinity"))
        for field, shown in ignored:
            yield Finding(
                f"{field} is ignored on a headless Service (clusterIP: None): kube-proxy programs no "
                f"virtual IP for it; the API server accepts this but warns \"spec.{shown} is ignored for "
                "headless services\"",
                at=("spec", field), on_key=True,
                help=f"remove {field}, or give the Service a cluster IP if it needs one",
            )
    if kind not in ("ExternalName", "") and spec.get("externalName"):
        yield Finding(
            f"externalName is ignored on a {kind} Service: no DNS alias is created; the API server accepts "
            "this but warns that spec.externalName is ignored when spec.type is not ExternalName",
            at=("spec", "externalName"), on_key=True,
            help="remove externalName, or set `type: ExternalName` if the Service is meant as a DNS alias",
        )
