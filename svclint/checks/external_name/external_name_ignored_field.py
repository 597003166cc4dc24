"""SVC404 external-name-ignored-field: fields an ExternalName Service accepts and ignores."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.findings import Finding
from svclint.model import KubeObject, mapping, sequence, service_type


@check("external-name-ignored-field")
def external_name_ignored_field(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """A selector, nodePort or externalIPs on an ExternalName Service are accepted and ignored
    (GetWarningsForService warns about the externalIPs)."""
    if service_type(service) != "ExternalName":
        return
    if mapping(service.spec.get("selector")):
        yield Finding(
            "selector is ignored on an ExternalName Service: no endpoints are created, DNS "
            "returns a CNAME to externalName",
            at=("spec", "selector"),
            help="remove the selector, or use type ClusterIP if the Service should route to these pods",
        )
    for i, port in enumerate(sequence(service.spec.get("ports"))):
        number = mapping(port).get("nodePort")
        if type(number) is int and number != 0:
            yield Finding(
                f"nodePort {number} is ignored on an ExternalName Service: nothing listens on the nodes",
                at=("spec", "ports", i, "nodePort"),
                help="remove nodePort",
            )
    if sequence(service.spec.get("externalIPs")):
        yield Finding(
            "externalIPs are ignored on an ExternalName Service, which is only a DNS alias: the API server "
            "accepts them with a warning (\"spec.externalIPs is ignored\")",
            at=("spec", "externalIPs"), on_key=True,
            help="remove externalIPs, or use type ClusterIP if the Service should receive this traffic",
        )
