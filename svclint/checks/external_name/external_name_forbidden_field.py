"""SVC403 external-name-forbidden-field: cluster IP fields the API server rejects here."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.findings import Finding
from svclint.model import KubeObject, service_type

_FORBIDDEN = ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")


@check("external-name-forbidden-field")
def external_name_forbidden_field(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateService: clusterIP(s) and IP family fields are Forbidden on ExternalName."""
    if service_type(service) != "ExternalName":
        return
    for field in _FORBIDDEN:
        value = service.spec.get(field)
        if value is None or value == "" or value == []:
            continue  # unset ("" is how templates leave clusterIP empty)
        even = " (even to None)" if field in ("clusterIP", "clusterIPs") else ""  # None means headless
        yield Finding(
            f"{field} may not be set on an ExternalName Service{even}: the API server rejects the Service",
            at=("spec", field),
            on_key=True,
            help=f"remove {field}",
        )
