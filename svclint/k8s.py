"""Kubernetes semantics svclint mirrors: name syntax, label selectors, port names.

Each function names the upstream function it follows (kubernetes/kubernetes, apimachinery).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
PORT_NAME_MAX = 15  # IANA_SVC_NAME (RFC 6335)
_DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_RE = re.compile(_DNS1123_LABEL)
_DNS1123_SUBDOMAIN = re.compile(rf"{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*")
_IANA_SVC_NAME = re.compile(r"[-a-z0-9]+")
# All of IsValidPortName at once: 1-15 characters, a letter, words of [a-z0-9] joined by single '-'.
_VALID_PORT_NAME = re.compile(r"(?=.{1,15}\Z)(?=[0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*", re.DOTALL)

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


def is_port_number(value: Any) -> TypeGuard[int]:
    """``IsValidPortNum``: an integer in 1..65535 (a YAML boolean is not a number)."""
    return type(value) is int and 1 <= value <= 65535


def _charset_problems(value: str, allowed: str) -> list[str]:
    """What is wrong with the characters of ``value``, besides lowercase letters, digits and ``allowed``."""
    bad = sorted({ch for ch in value if not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch in allowed)})
    problems = ["contains uppercase letters"] if any(ch.isupper() for ch in bad) else []
    others = "".join(ch for ch in bad if not ch.isupper())
    if others:
        problems.append(f"contains {others!r}")
    return problems


def port_name_problems(value: str) -> list[str]:
    """What ``IsValidPortName`` (IANA_SVC_NAME) finds wrong with ``value``, one entry per rule it
    breaks, worded as a defect ("contains '--'"); empty when it is a valid port name."""
    if _VALID_PORT_NAME.fullmatch(value) is not None:
        return []
    problems = []
    if len(value) > PORT_NAME_MAX:
        problems.append(f"is {len(value)} characters long (at most {PORT_NAME_MAX})")
    if _IANA_SVC_NAME.fullmatch(value) is None:
        problems += _charset_problems(value, "-") or ["is empty"]
    if not any("a" <= ch <= "z" for ch in value):
        problems.append("has no lowercase letter (a-z)")
    if "--" in value:
        problems.append("contains '--'")
    if value.startswith("-") or value.endswith("-"):
        problems.append("begins or ends with '-'")
    return problems


def is_port_name(value: str) -> bool:
    """``IsValidPortName`` (IANA_SVC_NAME): what a named targetPort or container port must be."""
    return _VALID_PORT_NAME.fullmatch(value) is not None


def dns1123_label_problems(value: str) -> list[str]:
    """What ``IsDNS1123Label`` finds wrong with ``value`` (a Service port name), worded as defects;
    empty when valid. Names made only of digits (``8443``) are valid labels."""
    problems = []
    if len(value) > DNS1123_LABEL_MAX:
        problems.append(f"is {len(value)} characters long (at most {DNS1123_LABEL_MAX})")
    if _DNS1123_LABEL_RE.fullmatch(value) is None:
        problems += _charset_problems(value, "-")
        if value.startswith("-") or value.endswith("-"):
            problems.append("begins or ends with '-'")
        if not problems:
            problems.append("is empty")
    return problems


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
