"""SVC401 external-name-invalid: an externalName that is not a DNS name (a URL, host:port, IPv6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from svclint.checks import ObjectContext, check
from svclint.checks.external_name.common import external_name, host, is_ipv4
from svclint.findings import Finding
from svclint.k8s import DNS1123_LABEL_MAX, is_dns1123_subdomain, is_ip_address, quote
from svclint.model import KubeObject, service_type


def _why_not_dns(name: str) -> tuple[str, str | None]:
    """Explain why ``name`` is not a DNS-1123 subdomain, and suggest a fix when one is obvious
    (and valid: a fix the API server would reject too is no fix)."""
    reason, suggestion = _defect(name)
    if suggestion is None or not is_dns1123_subdomain(suggestion) or is_ip_address(suggestion):
        return reason, None
    return reason, suggestion


def _url_host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # "http://[::1", or a host that NFKC normalisation changes
        return None


def _defect(name: str) -> tuple[str, str | None]:
    if name.startswith("[") and is_ip_address(name.strip("[]")):
        return "is an IPv6 address, not a DNS name", None
    if "://" in name:
        return "is a URL, not a host name", _url_host(name)
    if is_ip_address(name):
        return "is an IPv6 address, not a DNS name", None
    if "/" in name:
        return "contains a path ('/')", name.split("/", 1)[0]
    if ":" in name:
        return "contains a port (':'); ports belong in spec.ports", name.rsplit(":", 1)[0]
    if len(name) > 253:
        return f"is {len(name)} characters long (at most 253)", None
    if name != name.lower():
        return "contains uppercase letters (the API server does not lowercase)", name.lower()
    if "_" in name:
        return "contains '_', which DNS-1123 names do not allow", name.replace("_", "-")
    bad = sorted(set(re.sub(r"[a-z0-9.-]", "", name)))
    if bad:
        return f"contains {''.join(bad)!r}; only a-z, 0-9, '-' and '.' are allowed", None
    return "has an empty label or a label that starts or ends with '-'", None


@check("external-name-invalid")
def external_name_invalid(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateService: externalName must be a lowercase RFC 1123 subdomain."""
    if service_type(service) != "ExternalName":
        return
    value = external_name(service)
    at = ("spec", "externalName")
    if not isinstance(value, str) or host(value) == "":  # unset or null (schema-violation: any other type)
        yield Finding("type ExternalName requires spec.externalName: the API server rejects the Service",
                      at=at, help="set externalName to the DNS name to alias, e.g. db.example.com")
        return
    name = host(value)
    if is_ipv4(name):
        return  # external-name-ip-address
    if not is_dns1123_subdomain(name):
        reason, suggestion = _why_not_dns(name)
        yield Finding(
            f"externalName {quote(value)} {reason}: it must be a lowercase DNS name (RFC 1123 subdomain); "
            "the API server rejects the Service",
            at=at,
            help=f"use externalName: {suggestion}" if suggestion else "use a DNS name such as db.example.com",
        )
        return
    long_labels = [label for label in name.split(".") if len(label) > DNS1123_LABEL_MAX]
    if long_labels:
        yield Finding(
            f"externalName has a label of {len(long_labels[0])} characters; DNS labels are at most "
            f"{DNS1123_LABEL_MAX}, so the name never resolves (the API server accepts it)",
            at=at,
        )
