"""SVC402 external-name-ip-address: an IPv4 externalName, a CNAME that never resolves."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.checks.external_name.common import external_name, host, is_ipv4
from svclint.findings import Finding
from svclint.k8s import quote
from svclint.model import KubeObject, service_type


@check("external-name-ip-address")
def external_name_ip_address(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """The API accepts an IPv4 literal, but DNS treats it as a name that never resolves."""
    value = external_name(service)
    if service_type(service) == "ExternalName" and isinstance(value, str) and is_ipv4(host(value)):
        yield Finding(
            f"externalName {quote(value)} is an IP address: cluster DNS publishes it as a CNAME to a "
            "name made of digits, which never resolves",
            at=("spec", "externalName"),
            help="use a headless Service without selector plus an EndpointSlice for the IP, or a DNS name",
        )
