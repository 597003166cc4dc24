"""SVC201 target-port-name-not-found: a named targetPort no selected container declares."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ProjectContext, check
from svclint.checks.ports.common import workload_backends, workload_names
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import (
    is_port_name,
    quote,
)
from svclint.model import (
    KubeObject,
    PodTemplate,
    port_protocol,
    service_ports,
)


def _distinct(templates: list[PodTemplate]) -> list[PodTemplate]:
    """One template per object identity, first definition first."""
    first: dict[tuple[str, str, str], PodTemplate] = {}
    for template in templates:
        first.setdefault(template.owner.identity, template)
    return list(first.values())


@check("target-port-name-not-found")
def target_port_name_not_found(service: KubeObject, ctx: ProjectContext) -> Iterator[Finding]:
    """Mirrors FindPort: a named targetPort resolves by container port name *and* protocol."""
    backends = workload_backends(service, ctx)
    if not backends:
        return
    for i, port in service_ports(service):
        name = port.get("targetPort")
        if not isinstance(name, str) or not is_port_name(name):
            continue  # numbers, the "" default and invalid names are other rules' business
        protocol = port_protocol(port)
        lacking = [
            t for t in backends
            if not any(p.name == name and p.protocol == protocol for p in t.ports)
        ]
        if not lacking:
            continue
        detail = _other_protocol(lacking, name)
        having = [t for t in backends if t not in lacking]
        also = f" (only {workload_names(having)} declares it)" if having else ""
        yield Finding(
            f'targetPort "{name}" ({protocol}) is not a container port name of {workload_names(lacking)}'
            f"{detail}, so its pods get no traffic on Service port {quote(port.get('port'))}{also}",
            at=("spec", "ports", i, "targetPort"),
            help=f'add `- name: {name}` with its containerPort (protocol {protocol}) to the container, '
            "or use the port number",
            related=tuple(
                RelatedFinding(f"containers of {t.owner.ref}", t.owner, (*t.at, "spec", "containers"))
                for t in _distinct(lacking)
            ),
        )


def _other_protocol(lacking: list[PodTemplate], name: str) -> str:
    """Which of the templates lacking the named port declare the name with another protocol."""
    declared = [(t, p.protocol) for t in lacking for p in t.ports if p.name == name]
    if not declared:
        return ""
    if len(_distinct(lacking)) == 1:
        return f" (it is declared with protocol {declared[0][1]})"
    return f" ({workload_names([t for t, _ in declared])} declares it with protocol {declared[0][1]})"
