"""Helpers of the ExternalName rules (SVC4xx)."""

from __future__ import annotations

import ipaddress

from svclint.model import KubeObject


def external_name(service: KubeObject) -> object:
    return service.spec.get("externalName")


def host(value: str) -> str:
    """The DNS name part of a value: one trailing dot (an FQDN) is allowed and stripped."""
    return value.removesuffix(".")


def is_ipv4(value: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv4Address)
    except ValueError:
        return False
