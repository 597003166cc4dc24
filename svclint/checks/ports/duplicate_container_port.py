"""SVC206 duplicate-container-port: a port declared twice in a pod."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from svclint.checks import ObjectContext, check
from svclint.checks.ports.common import Container, Port, pod_containers, rejection_consequence, repeats
from svclint.diagnostics import JsonPath, Severity
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import (
    is_port_name,
    quote,
)
from svclint.model import (
    KubeObject,
    sequence,
)


@check("duplicate-container-port")
def duplicate_container_port(obj: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors validateContainerPorts and checkHostPortConflicts (errors) and the pod warnings of
    warningsForPodSpecAndMeta: the same containerPort/protocol, or the same name, twice in a pod."""
    found = pod_containers(obj)
    if not _all_distinct(container.data for container in found):
        # The port definition warnings came with Kubernetes 1.26 (PR #113245).
        warns = "the API server warns" if ctx.settings.kube_version >= (1, 26) else "API servers from 1.26 warn"
        yield from _port_clashes(obj, [(container, container.ports()) for container in found],
                                 rejection_consequence(obj, ctx), warns)


def _port_clashes(obj: KubeObject, containers: list[tuple[Container, list[Port]]],
                  consequence: str, warns: str) -> Iterator[Finding]:
    named_twice = [pair for _, ports in containers for pair in _repeated_names(ports)]
    for port, first in named_twice:
        yield Finding(
            f"port name {quote(port.name)} is declared twice in {port.container.label}: {consequence} "
            "(Duplicate value)",
            at=(*port.at, "name"),
            help="give each port of the container its own name",
            related=(_first_here(obj, first, "name"),),
        )
    clashes = list(_host_port_clashes(containers))
    for port, first in clashes:
        on_ip = f" on hostIP {first.host_ip}" if first.host_ip else ""
        yield Finding(
            f"hostPort {port.host_port}/{port.protocol}{on_ip} of {port.container.label} is already claimed "
            f"by {_owner(port, first)}: {consequence} (Duplicate value)",
            at=(*port.at, "hostPort"),
            help="give each port its own hostPort, or remove hostPort (a Service can expose the pod instead)",
            related=(_first_here(obj, first, "hostPort"),),
        )
    # A rejected port gets its error only. The other ports' warnings stay, although the API server
    # sends warnings only for objects it accepts: they are what it says once the errors are fixed.
    rejected = {port.at for port, _ in (*named_twice, *clashes)}
    yield from _overlapping_numbers(obj, containers, rejected, warns)
    yield from _names_across_containers(obj, containers, rejected)


def _all_distinct(containers: Iterable[Mapping[str, Any]]) -> bool:
    """No port name and no containerPort twice in the pod, and no hostPort: then _port_clashes
    cannot find anything, and the port views need not be built (most pods)."""
    names: set[str] = set()
    numbers: set[int] = set()
    for container in containers:
        for port in sequence(container.get("ports")):
            if not isinstance(port, dict) or "hostPort" in port:
                return False
            name, number = port.get("name"), port.get("containerPort")
            if type(number) is not int or number in numbers or not isinstance(name, (str, type(None))):
                return False
            if name is not None:
                if name in names:
                    return False
                names.add(name)
            numbers.add(number)
    return True


def _first_here(obj: KubeObject, port: Port, field: str) -> RelatedFinding:
    return RelatedFinding(f"first declared here, in {port.container.label}", obj, (*port.at, field))


def _owner(port: Port, first: Port) -> str:
    same = first.container is port.container
    return "another port of the same container" if same else first.container.label


def _valid_names(ports: list[Port]) -> Iterator[tuple[int, str | None]]:
    """(index, name) of each port; None for no name or an invalid one (that is invalid-port's finding)."""
    for j, port in enumerate(ports):
        yield j, port.name if port.name is not None and is_port_name(port.name) else None


def _repeated_names(ports: list[Port]) -> Iterator[tuple[Port, Port]]:
    """(port, first port) for each repeated valid name."""
    for j, first, _ in repeats(_valid_names(ports)):
        yield ports[j], ports[first]


def _host_port_clashes(containers: list[tuple[Container, list[Port]]]) -> Iterator[tuple[Port, Port]]:
    """(port, first port) for each repeated (protocol, hostIP, hostPort): across the regular
    containers, and inside each init container alone (init containers run one at a time)."""
    groups = [[c for c in containers if not c[0].init]] + [[c] for c in containers if c[0].init]
    for group in groups:
        ports = [port for _, container_ports in group for port in container_ports]
        keys = ((j, (p.protocol, p.host_ip, p.host_port) if p.host_port else None)
                for j, p in enumerate(ports))
        for j, first, _ in repeats(keys):
            yield ports[j], ports[first]


def _overlapping_numbers(obj: KubeObject, containers: list[tuple[Container, list[Port]]],
                         rejected: set[JsonPath], warns: str) -> Iterator[Finding]:
    """The API server's warnings for one containerPort/protocol declared twice in the pod (init
    containers included); one finding per port, against the first port it overlaps."""
    seen: dict[tuple[int, str], list[Port]] = {}
    for port in (p for _, ports in containers for p in ports):
        if port.number is None:
            continue
        earlier = seen.setdefault((port.number, port.protocol), [])
        overlap = next(((first, kind) for first in earlier if (kind := _overlap(port, first, warns))), None)
        earlier.append(port)
        if overlap is None or port.at in rejected:
            continue
        first, kind = overlap
        yield Finding(
            f"containerPort {port.number}/{port.protocol} of {port.container.label} is also declared by "
            f"{_owner(port, first)}{kind}; {_runtime_note(port, first)}",
            at=(*port.at, "containerPort"),
            help="declare each port once, in the container that listens on it",
            related=(_first_here(obj, first, "containerPort"),),
            severity=Severity.WARNING,
        )


def _overlap(port: Port, first: Port, warns: str) -> str:
    """How the API server words the overlap of two ports with the same number and protocol ("": none)."""
    if (port.host_ip, port.host_port) == (first.host_ip, first.host_port):
        return f": {warns} \"duplicate port definition\""
    if port.host_port == 0 or first.host_port == 0:
        how = "one of them with a hostPort" if port.host_port or first.host_port else "with different hostIPs"
        return f" ({how}): {warns} \"overlapping port definition\""
    if port.host_port == first.host_port and (port.host_ip == "") != (first.host_ip == ""):
        return (f" with the same hostPort, one bound to a hostIP and one not: {warns} "
                "\"dangerously ambiguous port definition\", which one gets the node port is undefined")
    return ""


def _runtime_note(port: Port, first: Port) -> str:
    """What the overlap means beyond the warning."""
    if port.container is first.container:
        # Apply merges a container's ports keyed by (containerPort, protocol): kubernetes#113482, #93952.
        return ("`kubectl apply --server-side` fails on it (\"duplicate entries for key\") and client-side "
                "apply can drop one of the entries on update")
    shared = "containers of a pod share one network namespace, so only one of them can listen on it"
    plain = next((p.container for p in (port, first) if not p.container.runs_handlers), None)
    if plain is None:
        return shared
    other = first.container if plain is port.container else port.container
    if other.sidecar and other.index < plain.index:
        return f"the sidecar is still running when the init container starts: {shared}"
    return "an init container exits before the next container starts, so they do not collide at runtime"


def _names_across_containers(obj: KubeObject, containers: list[tuple[Container, list[Port]]],
                             rejected: set[JsonPath]) -> Iterator[Finding]:
    """The API server's warning for a port name used by two containers (sidecars, then containers)."""
    ports = [p for container, container_ports in containers if container.runs_handlers for p in container_ports]
    for j, first_index, name in repeats(_valid_names(ports)):
        port, first = ports[j], ports[first_index]
        if port.at in rejected:
            continue  # a name twice in one container: rejected, reported above
        yield Finding(
            f"port name {quote(name)} of {port.container.label} is also used by {first.container.label}: "
            f"a Service targetPort {quote(name)} reaches only the first port with that name and protocol "
            "(regular containers are searched before sidecars); the API server accepts this but warns "
            "\"duplicate port name\"",
            at=(*port.at, "name"),
            help="give each container's port its own name, and point targetPorts at the one that serves",
            related=(_first_here(obj, first, "name"),),
            severity=Severity.WARNING,
        )
