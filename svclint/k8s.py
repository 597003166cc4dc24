"""Kubernetes semantics svclint mirrors: name syntax, label selectors, port names.

Each function names the upstream function it follows (kubernetes/kubernetes, apimachinery).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
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
    return _strict_ip(value) is not None


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
    """A label map as the API server decodes it: a null value is "" (Go leaves the string unset)
    and an integer key is its digits (YAML to JSON); anything else in it is ignored."""
    if not isinstance(value, dict):
        return {}
    return {
        (k if isinstance(k, str) else str(k)): ("" if v is None else v)
        for k, v in value.items()
        if (isinstance(k, str) or (isinstance(k, int) and not isinstance(k, bool))) and (v is None or isinstance(v, str))
    }


def requirement_problem(requirement: Mapping[str, Any]) -> str | None:
    """What ``ValidateLabelSelectorRequirement`` finds wrong with a ``matchExpressions`` entry
    (the syntax of its key and values aside: see selector_labels_are_valid); None when it is fine."""
    key, operator, values = requirement.get("key"), requirement.get("operator"), requirement.get("values")
    if not isinstance(key, str):
        return "has no key"
    if operator not in SELECTOR_OPERATORS:
        return "needs an operator In, NotIn, Exists or DoesNotExist"
    if operator in ("In", "NotIn") and not (isinstance(values, list) and values):
        return f"needs at least one value with operator {operator} (values: Required value)"
    if operator in ("Exists", "DoesNotExist") and isinstance(values, list) and values:
        return f"may not have values with operator {operator} (values: Forbidden)"
    return None


def requirement_matches(requirement: Mapping[str, Any], labels: Mapping[str, str]) -> bool | None:
    """One ``matchExpressions`` entry against a label set; None when the entry is malformed."""
    if requirement_problem(requirement) is not None:
        return None
    key, operator = requirement["key"], requirement["operator"]
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    inside = key in labels and labels[key] in requirement["values"]  # a non-empty list here
    return inside if operator == "In" else not inside


QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
_QUALIFIED_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")


def _name_syntax(text: str) -> str:
    """Why ``text`` (not empty, not too long) fails the qualified-name pattern."""
    bad = "".join(sorted({ch for ch in text if not (ch.isascii() and (ch.isalnum() or ch in "-_."))}))
    if bad:
        return f"contains {bad!r}; only letters, digits, '-', '_' and '.' are allowed"
    return "must start and end with a letter or digit"


# Every rule of label_key_problem and label_value_problem at once: the common, valid case in one match.
_VALID_LABEL_KEY = re.compile(
    rf"(?:(?=[^/]{{1,{DNS1123_SUBDOMAIN_MAX}}}/){_DNS1123_LABEL}(?:\.{_DNS1123_LABEL})*/)?"
    rf"(?=[^/]{{1,{QUALIFIED_NAME_MAX}}}\Z){_QUALIFIED_NAME.pattern}")
_VALID_LABEL_VALUE = re.compile(rf"(?=.{{0,{LABEL_VALUE_MAX}}}\Z)(?:{_QUALIFIED_NAME.pattern})?", re.DOTALL)


def label_key_problem(key: str) -> str | None:
    """``IsQualifiedName`` (label keys, appProtocol, loadBalancerClass): why ``key`` is invalid, or None.

    ``[prefix/]name``: the name 1-63 characters of ``[-A-Za-z0-9_.]`` with an alphanumeric at
    both ends (uppercase allowed), the optional prefix a lowercase DNS-1123 subdomain.
    """
    if _VALID_LABEL_KEY.fullmatch(key) is not None:
        return None
    if key.count("/") > 1:
        return "has more than one '/'"
    prefix, slash, name = key.rpartition("/")
    if slash and not prefix:
        return "has an empty prefix before '/'"
    if slash and not is_dns1123_subdomain(prefix):
        return (f"has prefix {prefix!r}, which is not a lowercase DNS subdomain (a-z, 0-9, '-' and '.', "
                f"at most {DNS1123_SUBDOMAIN_MAX} characters)")
    part = "name part" if slash else "name"
    if not name:
        return f"has an empty {part}"
    if len(name) > QUALIFIED_NAME_MAX:
        return f"has a {part} of {len(name)} characters (at most {QUALIFIED_NAME_MAX})"
    if _QUALIFIED_NAME.fullmatch(name) is None:
        return f"has a {part} that {_name_syntax(name)}" if slash else _name_syntax(name)
    return None


def label_value_problem(value: str) -> str | None:
    """``IsValidLabelValue``: why ``value`` is not a label value, or None. Empty values are valid."""
    if _VALID_LABEL_VALUE.fullmatch(value) is not None:
        return None
    if len(value) > LABEL_VALUE_MAX:
        return f"is {len(value)} characters long (at most {LABEL_VALUE_MAX})"
    if value and _QUALIFIED_NAME.fullmatch(value) is None:
        return _name_syntax(value)
    return None


def labels_are_valid(labels: Mapping[str, Any]) -> bool:
    """Every key and value of a label map passes ``ValidateLabels`` (non-strings are skipped)."""
    return all(label_key_problem(k) is None and label_value_problem(v) is None
               for k, v in labels.items() if isinstance(k, str) and isinstance(v, str))


def selector_labels_are_valid(selector: Mapping[str, Any]) -> bool:
    """The keys and values of a LabelSelector are valid label syntax.

    Otherwise ``LabelSelectorAsSelector`` fails and the API server reports only the syntax
    (``ValidateLabelSelector``), never whether the selector matches anything.
    """
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict) and not labels_are_valid(match_labels):
        return False
    expressions = selector.get("matchExpressions")
    for requirement in expressions if isinstance(expressions, list) else ():
        if not isinstance(requirement, dict):
            continue
        key, values = requirement.get("key"), requirement.get("values")
        if isinstance(key, str) and label_key_problem(key) is not None:
            return False
        if isinstance(values, list) and any(isinstance(v, str) and label_value_problem(v) is not None
                                            for v in values):
            return False
    return True


def _small_decimal(text: str, limit: int) -> bool:
    """ASCII digits (leading zeros allowed, as Go's dtoi) for a number up to ``limit``."""
    return text.isascii() and text.isdigit() and len(text.lstrip("0")) <= 3 and int(text) <= limit


def _ip_sloppy(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if "%" in value:
        return None  # a zone (fe80::1%eth0) is not part of an IP address
    head, colon, last = value.rpartition(":")
    if "." in last:
        parts = last.split(".")
        if len(parts) != 4 or not all(_small_decimal(p, 255) for p in parts):
            return None
        last = ".".join(str(int(p)) for p in parts)
    try:
        return ipaddress.ip_address(f"{head}{colon}{last}")
    except ValueError:
        return None


def parse_ip_sloppy(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``netutils.ParseIPSloppy``: an IP literal, IPv4 parts may have leading zeros (``010.0.0.1``).

    IPv4-mapped IPv6 addresses (``::ffff:10.0.0.1``) come back as IPv4, as Go's ``net.IP``
    treats them.
    """
    address = _ip_sloppy(value)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_cidr_sloppy(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """``netutils.ParseCIDRSloppy``: ``IP/prefix``, host bits allowed; None when it is not a CIDR."""
    address_text, slash, length = value.partition("/")
    address = _ip_sloppy(address_text)
    if not slash or address is None or not _small_decimal(length, address.max_prefixlen):
        return None
    return ipaddress.ip_network(f"{address}/{int(length)}", strict=False)


@dataclass(frozen=True, slots=True)
class FormWarning:
    """A valid IP address or CIDR written in a form the API server warns about."""

    problem: str  # a clause for a message: "has leading zeros"
    better: str  # how to write it instead


_NON_STANDARD = "which \"will be considered invalid in a future Kubernetes release\""


def _strict_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``netip.ParseAddr`` for the texts ``_ip_sloppy`` accepts: no leading zeros in IPv4 parts."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _non_standard(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> str | None:
    """Why a sloppily parsed address is non-standard: no strict parse, or IPv4-mapped IPv6."""
    if address is None:
        return f"has leading zeros, {_NON_STANDARD}"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"is an IPv4-mapped IPv6 address, {_NON_STANDARD}"
    return None


def ip_form_warning(value: str) -> FormWarning | None:
    """``GetWarningsForIP`` (apimachinery): how an address that ``ParseIPSloppy`` accepts is written
    in a non-standard form (leading zeros, IPv4-mapped IPv6) or, for IPv6, not in RFC 5952 form."""
    sloppy = parse_ip_sloppy(value)
    if sloppy is None:
        return None
    strict = _strict_ip(value)
    problem = _non_standard(strict)
    if problem is not None:
        return FormWarning(problem, str(sloppy))
    if isinstance(strict, ipaddress.IPv6Address) and str(strict) != value:
        return FormWarning("is not in RFC 5952 canonical form", str(strict))
    return None


def cidr_form_warnings(value: str) -> list[FormWarning]:
    """``GetWarningsForCIDR`` (apimachinery): what is ambiguous or non-standard about a CIDR that
    ``ParseCIDRSloppy`` accepts: bits set after the prefix length, leading zeros (in the address or
    the length), an IPv4-mapped address, or (only when nothing else is wrong) a non-canonical IPv6."""
    network = parse_cidr_sloppy(value)
    address_text, _, length = value.partition("/")
    address = _ip_sloppy(address_text)
    if network is None or address is None:
        return []
    warnings = []
    if address != network.network_address:
        single = f"{parse_ip_sloppy(address_text)}/{address.max_prefixlen}"
        warnings.append(FormWarning("has bits set after the prefix length, which the API server calls "
                                    "ambiguous", f"{network} for the network or {single} for one address"))
    strict = _strict_ip(address_text)
    problem = _non_standard(strict) or ("has leading zeros in the prefix length, " + _NON_STANDARD
                                        if length != "0" and length.startswith("0") else None)
    if problem is not None:
        # Go prints the network as IPv4 with the IPv4 part of the length (::ffff:10.0.0.0/104 is 10.0.0.0/8).
        unmapped = network.network_address.ipv4_mapped if network.version == 6 else None
        better = network if unmapped is None else ipaddress.ip_network(f"{unmapped}/{max(network.prefixlen - 96, 0)}",
                                                                       strict=False)
        warnings.append(FormWarning(problem, str(better)))
    elif not warnings and isinstance(strict, ipaddress.IPv6Address) and f"{strict}/{length}" != value:
        warnings.append(FormWarning("is not in RFC 5952 canonical form", f"{strict}/{length}"))
    return warnings


def special_ip_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """``ValidateNonSpecialIP``: why an address may not be an external IP, or None."""
    if address.is_unspecified:
        return "is unspecified (0.0.0.0 or ::)"
    if address.is_loopback:
        return "is in the loopback range (127.0.0.0/8, ::1/128)"
    if address.is_link_local:
        return "is in the link-local range (169.254.0.0/16, fe80::/10)"
    if address in _LINK_LOCAL_MULTICAST_V4 or (
            isinstance(address, ipaddress.IPv6Address) and address.packed[0] == 0xFF
            and address.packed[1] & 0x0F == 0x02):
        return "is in the link-local multicast range (224.0.0.0/24, ff02::/16)"
    return None


_LINK_LOCAL_MULTICAST_V4 = ipaddress.ip_network("224.0.0.0/24")


def static_band_size(low: int, high: int) -> int:
    """``calculateRangeOffset`` (KEP-3668): how many node ports at the bottom of the range form
    the static band, which auto-allocation uses only when the rest is full.

    ``min(max(16, size/32), 128)``, and 0 when the range has 16 ports or fewer.
    """
    size = high - low + 1
    if size <= 16:
        return 0
    return min(max(16, size // 32), 128)
