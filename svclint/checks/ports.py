"""Service ports against the container ports of the pods the Service selects."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import Context, check
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import is_port_name, is_port_number, quote
from svclint.model import KubeObject, PodTemplate, port_protocol, service_ports


def _workload_backends(service: KubeObject, ctx: Context) -> list[PodTemplate]:
    """Selected templates whose containers svclint knows (not operator-embedded ones)."""
    return [t for t in ctx.project.backends_of(service) if not t.embedded]


def _names(templates: list[PodTemplate], limit: int = 3) -> str:
    """The distinct workloads behind ``templates`` (an object defined twice is named once)."""
    names = list(dict.fromkeys(str(t.owner.ref) for t in templates))
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _distinct(templates: list[PodTemplate]) -> list[PodTemplate]:
    """One template per object identity, first definition first."""
    first: dict[tuple[str, str, str], PodTemplate] = {}
    for template in templates:
        first.setdefault(template.owner.identity, template)
    return list(first.values())


@check("target-port-name-not-found")
def target_port_name_not_found(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors FindPort: a named targetPort resolves by container port name *and* protocol."""
    backends = _workload_backends(service, ctx)
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
        also = f" (only {_names(having)} declares it)" if having else ""
        yield Finding(
            f'targetPort "{name}" ({protocol}) is not a container port name of {_names(lacking)}'
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
    return f" ({_names([t for t, _ in declared])} declares it with protocol {declared[0][1]})"


@check("target-port-not-declared")
def target_port_not_declared(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """A numeric targetPort that the selected containers do not list among their ports."""
    backends = _workload_backends(service, ctx)
    declaring = [t for t in backends if any(p.number is not None for p in t.ports)]
    if not declaring:
        return  # containers that declare no ports say nothing about what they serve
    for i, port in service_ports(service):
        target = port.get("targetPort")
        at: tuple[str | int, ...] = ("spec", "ports", i, "targetPort")
        if target in (None, 0, ""):
            target, at = port.get("port"), ("spec", "ports", i, "port")  # the API's default
        if not is_port_number(target):
            continue  # a number outside 1-65535 is invalid-port's finding
        if any(p.number == target for t in backends for p in t.ports):
            continue
        declared = sorted({p.number for t in declaring for p in t.ports if p.number is not None})
        yield Finding(
            f"target port {target} is not declared by the containers of {_names(declaring)} "
            f"(they declare {', '.join(map(str, declared))}); Kubernetes still sends traffic to "
            f"{target}, which works only if the process listens there",
            at=at,
            help=f"check the port the container serves; declare containerPort {target} or fix targetPort",
            related=(RelatedFinding(f"containers of {declaring[0].owner.ref}", declaring[0].owner,
                                    (*declaring[0].at, "spec", "containers")),),
        )
