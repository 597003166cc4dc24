"""ExternalName Services: the name must be a DNS name, and some fields do not belong there."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from svclint.checks import Context, check
from svclint.findings import Finding
from svclint.k8s import DNS1123_LABEL_MAX, is_dns1123_subdomain, is_ip_address, quote
from svclint.model import KubeObject, mapping, sequence, service_type

_FORBIDDEN = ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")


def _external_name(service: KubeObject) -> object:
    return service.spec.get("externalName")


def _host(value: str) -> str:
    """The DNS name part of a value: one trailing dot (an FQDN) is allowed and stripped."""
    return value.removesuffix(".")


def _is_ipv4(value: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv4Address)
    except ValueError:
        return False


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
def external_name_invalid(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors ValidateService: externalName must be a lowercase RFC 1123 subdomain."""
    if service_type(service) != "ExternalName":
        return
    value = _external_name(service)
    at = ("spec", "externalName")
    if not isinstance(value, str) or _host(value) == "":  # unset or null (schema-violation: any other type)
        yield Finding("type ExternalName requires spec.externalName: the API server rejects the Service",
                      at=at, help="set externalName to the DNS name to alias, e.g. db.example.com")
        return
    name = _host(value)
    if _is_ipv4(name):
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


@check("external-name-ip-address")
def external_name_ip_address(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """The API accepts an IPv4 literal, but DNS treats it as a name that never resolves."""
    value = _external_name(service)
    if service_type(service) == "ExternalName" and isinstance(value, str) and _is_ipv4(_host(value)):
        yield Finding(
            f"externalName {quote(value)} is an IP address: cluster DNS publishes it as a CNAME to a "
            "name made of digits, which never resolves",
            at=("spec", "externalName"),
            help="use a headless Service without selector plus an EndpointSlice for the IP, or a DNS name",
        )


@check("external-name-forbidden-field")
def external_name_forbidden_field(service: KubeObject, ctx: Context) -> Iterator[Finding]:
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


@check("external-name-ignored-field")
def external_name_ignored_field(service: KubeObject, ctx: Context) -> Iterator[Finding]:
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
