"""Kubernetes semantics svclint mirrors: name syntax, label selectors, port names.

Each function names the upstream function it follows (kubernetes/kubernetes, apimachinery).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
_DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = re.compile(rf"{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*")
_IANA_SVC_NAME = re.compile(r"[-a-z0-9]+")

SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def is_dns1123_subdomain(value: str) -> bool:
    """``IsDNS1123Subdomain``: lowercase alphanumerics, '-' and '.', at most 253 characters."""
    return len(value) <= DNS1123_SUBDOMAIN_MAX and _DNS1123_SUBDOMAIN.fullmatch(value) is not None


def is_ip_address(value: str) -> bool:
    """True for an IPv4 or IPv6 literal (``netutils.ParseIPSloppy`` accepts both)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def is_port_name(value: str) -> bool:
    """``IsValidPortName`` (IANA_SVC_NAME): what a named targetPort or container port must be."""
    return (
        1 <= len(value) <= 15
        and _IANA_SVC_NAME.fullmatch(value) is not None
        and any("a" <= ch <= "z" for ch in value)
        and "--" not in value
        and not value.startswith("-")
        and not value.endswith("-")
    )


def quote(value: Any, limit: int = 60) -> str:
    """A value for a message: short strings and numbers as written, anything else by its kind.

    Never formats a container: an alias bomb or deep nesting must not be expanded into text.
    """
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit] + "...")
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
    return "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else type(value).__name__


def string_map(value: Any) -> dict[str, str]:
    """The string-to-string entries of a label map; anything else in it is ignored."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def requirement_matches(requirement: Mapping[str, Any], labels: Mapping[str, str]) -> bool | None:
    """One ``matchExpressions`` entry against a label set; None when the entry is malformed."""
    key, operator, values = requirement.get("key"), requirement.get("operator"), requirement.get("values")
    if not isinstance(key, str) or operator not in SELECTOR_OPERATORS:
        return None
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    if not isinstance(values, list):
        return None
    inside = key in labels and labels[key] in values
    return inside if operator == "In" else not inside
