"""SVC203 service-port-name-required: an unnamed port of a multi-port Service."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from svclint.checks import ObjectContext, check
from svclint.findings import Finding
from svclint.k8s import (
    dns1123_label_problems,
    is_port_number,
    quote,
)
from svclint.model import (
    KubeObject,
    port_name,
    port_protocol,
    service_ports,
)


@check("service-port-name-required")
def service_port_name_required(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors validateServicePort: with more than one port, every port needs a name."""
    ports = service_ports(service)
    if len(ports) < 2:
        return
    used = {name for _, port in ports if (name := port_name(port)) is not None}
    for i, port in ports:
        if port_name(port) is not None:
            continue
        suggestion = _suggested_name(port, used)
        if suggestion is not None:
            used.add(suggestion)  # the next unnamed port gets another
        number = port.get("port")
        which = f"port {quote(number)}/{port_protocol(port)}" if type(number) is int else f"spec.ports[{i}]"
        yield Finding(
            f"{which} has no name; when a Service has more than one port, each needs a name: the API "
            f"server rejects the Service (spec.ports[{i}].name: Required value)",
            at=("spec", "ports", i),
            help=f"add `name: {suggestion}` (or another unique name) to this port" if suggestion
            else "give this port a name that no other port of the Service uses",
        )


def _suggested_name(port: Mapping[str, Any], used: set[str]) -> str | None:
    """The targetPort's name, else ``<protocol>-<port>``: a DNS label no other port has."""
    target, number = port.get("targetPort"), port.get("port")
    candidates = [target] if isinstance(target, str) else []
    if is_port_number(number):
        candidates.append(f"{port_protocol(port).lower()}-{number}")
    return next((c for c in candidates if c and not dns1123_label_problems(c) and c not in used), None)
