"""Port syntax and uniqueness as the API server validates them (Service ports, container ports,
probe and lifecycle-hook ports), and named probe ports that the container does not declare."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from svclint.checks import Context, check
from svclint.diagnostics import JsonPath, Severity
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import (
    PORT_NAME_MAX,
    dns1123_label_problems,
    is_port_name,
    is_port_number,
    port_name_problems,
    quote,
)
from svclint.kinds import workload_template
from svclint.model import (
    KubeObject,
    get,
    mapping,
    port_protocol,
    sequence,
    service_ports,
    service_type,
)

K = TypeVar("K", bound=Hashable)

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HOOKS = ("postStart", "preStop")
# validateHandler checks only the first action set, in this order (a second one is Forbidden).
_PROBE_ACTIONS = ("exec", "httpGet", "tcpSocket", "grpc")
_HOOK_ACTIONS = ("exec", "httpGet", "tcpSocket", "sleep")
_PORT_ACTIONS = ("httpGet", "tcpSocket", "grpc")

#: What happens at runtime when the kubelet cannot resolve a handler's named port.
_UNRESOLVED = {
    "readinessProbe": "so the probe always fails: the pod never becomes ready and gets no Service traffic",
    "livenessProbe": "so the probe always fails and the kubelet restarts the container over and over",
    "startupProbe": "so the probe always fails and the kubelet keeps killing the container before it starts",
    "postStart": "so the hook fails and the kubelet kills the container (FailedPostStartHook)",
    "preStop": "so the hook fails (FailedPreStopHook) and the container is stopped without it",
}


# --- Service ports ---------------------------------------------------------------------------------


def _name(port: Mapping[str, Any]) -> str | None:
    """A port's name; None when it has none ("" is no name to the API server)."""
    value = port.get("name")
    return value if isinstance(value, str) and value else None


def _repeats(keys: Iterable[tuple[int, K | None]]) -> Iterator[tuple[int, int, K]]:
    """(index, index of the first, key) of every entry whose key an earlier entry has."""
    first: dict[K, int] = {}
    for index, key in keys:
        if key is None:
            continue
        if key in first:
            yield index, first[key], key
        else:
            first[key] = index


@check("service-port-name-required")
def service_port_name_required(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors validateServicePort: with more than one port, every port needs a name."""
    ports = service_ports(service)
    if len(ports) < 2:
        return
    used = {name for _, port in ports if (name := _name(port)) is not None}
    for i, port in ports:
        if _name(port) is not None:
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


@check("duplicate-service-port")
def duplicate_service_port(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors ValidateService: port names, (port, protocol) and (nodePort, protocol) are unique."""
    ports = service_ports(service)
    for i, first, name in _repeats((i, _name(port)) for i, port in ports):
        yield Finding(
            f"port name {quote(name)} is already used by spec.ports[{first}] of this Service: port names "
            "must be unique in a Service, whatever the protocol; the API server rejects the Service",
            at=("spec", "ports", i, "name"),
            help="give this port a name of its own",
            related=(RelatedFinding(f"port name {quote(name)} first used here", service,
                                    ("spec", "ports", first, "name")),),
        )
    numbered = ((i, (port.get("port"), port_protocol(port)) if is_port_number(port.get("port")) else None)
                for i, port in ports)
    for i, first, (number, protocol) in _repeats(numbered):
        yield Finding(
            f"port {number}/{protocol} is already defined by spec.ports[{first}] of this Service: the API "
            "server rejects the Service (Duplicate value); a number may appear once per protocol, "
            "as in 53/TCP and 53/UDP",
            at=("spec", "ports", i, "port"),
            help="remove this entry, or change its port or protocol",
            related=(RelatedFinding(f"port {number}/{protocol} first defined here", service,
                                    ("spec", "ports", first, "port")),),
        )
    # Other types: ClusterIP may set no nodePort (node-port-not-allowed), and for NodePort and
    # LoadBalancer the allocator's "already allocated" comes first (node-port-collision).
    if service_type(service) != "ExternalName":
        return
    claimed = ((i, (n, port_protocol(port)) if type(n := port.get("nodePort")) is int and n != 0 else None)
               for i, port in ports)
    for i, first, (node_port, protocol) in _repeats(claimed):
        yield Finding(
            f"nodePort {node_port}/{protocol} is already used by spec.ports[{first}] of this Service: the "
            "API server rejects the Service (Duplicate value), although an ExternalName Service uses no "
            "node ports",
            at=("spec", "ports", i, "nodePort"),
            help="remove the nodePorts: an ExternalName Service has no use for them",
            related=(RelatedFinding(f"nodePort {node_port}/{protocol} first used here", service,
                                    ("spec", "ports", first, "nodePort")),),
        )


# --- containers, their ports and their probe and hook handlers ----------------------------------------


# Not frozen: rules build these for every container of every pod, and a frozen dataclass costs
# several times more to create. They are never changed once built. A port refers to its
# container, never the other way round: no reference cycle, so nothing waits for the cyclic
# garbage collector, which is paused while svclint runs.


@dataclass(slots=True, eq=False)
class _Port:
    data: Mapping[str, Any]
    at: JsonPath
    name: str | None
    number: int | None  # containerPort when it is valid
    protocol: str
    host_port: int  # 0 when unset (or invalid: that is invalid-port's finding)
    host_ip: str
    container: _Container = field(repr=False)

    @classmethod
    def of(cls, data: Mapping[str, Any], at: JsonPath, container: _Container) -> _Port:
        number, host_port, host_ip = data.get("containerPort"), data.get("hostPort"), data.get("hostIP")
        return cls(data, at, _name(data), number if is_port_number(number) else None, port_protocol(data),
                   host_port if is_port_number(host_port) else 0, host_ip if isinstance(host_ip, str) else "",
                   container)


@dataclass(slots=True, eq=False)
class _Container:
    data: Mapping[str, Any]
    at: JsonPath  # inside the object: (..., "containers", i) or (..., "initContainers", i)
    index: int  # its position in that list
    init: bool
    sidecar: bool  # an init container with restartPolicy Always

    def ports(self) -> list[_Port]:
        """Its ports, built anew on each call: callers keep the list."""
        return [_Port.of(port, (*self.at, "ports", j), self)
                for j, port in enumerate(sequence(self.data.get("ports"))) if isinstance(port, dict)]

    @property
    def name(self) -> str:
        value = self.data.get("name")
        return quote(value) if isinstance(value, str) else f"#{self.index}"

    @property
    def label(self) -> str:
        return f"{'sidecar' if self.sidecar else 'init container' if self.init else 'container'} {self.name}"

    @property
    def runs_handlers(self) -> bool:
        """Probes and hooks are validated and run for containers and sidecars (Forbidden for others)."""
        return not self.init or self.sidecar

    @property
    def port_names(self) -> set[str]:
        """The names a probe of this container can use (the kubelet's findPortByName)."""
        return {name for port in sequence(self.data.get("ports")) if isinstance(port, dict)
                and (name := _name(port)) is not None}


@dataclass(slots=True, eq=False)
class _Handler:
    """The httpGet, tcpSocket or grpc action of a probe or lifecycle hook."""

    container: _Container
    owner: str  # livenessProbe, readinessProbe, startupProbe, postStart or preStop
    action: str
    data: Mapping[str, Any]
    at: JsonPath

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.action}.port"


def _pod_spec(obj: KubeObject) -> Mapping[str, Any]:
    return mapping(get(obj.data, *workload_template(obj.kind), "spec"))


def _containers(obj: KubeObject) -> list[_Container]:
    """Init containers, then containers: the order in which the API server visits them."""
    spec_at = (*workload_template(obj.kind), "spec")
    spec = _pod_spec(obj)
    found = []
    for list_name in ("initContainers", "containers"):
        init = list_name == "initContainers"
        for i, raw in enumerate(sequence(spec.get(list_name))):
            if isinstance(raw, dict):
                sidecar = init and raw.get("restartPolicy") == "Always"
                found.append(_Container(raw, (*spec_at, list_name, i), i, init, sidecar))
    return found


def _handlers(container: _Container) -> Iterator[_Handler]:
    if not container.runs_handlers:
        return
    data, lifecycle = container.data, container.data.get("lifecycle")
    places: list[tuple[str, Mapping[str, Any], JsonPath, tuple[str, ...]]]
    places = [(p, data, (p,), _PROBE_ACTIONS) for p in _PROBES if p in data]
    if isinstance(lifecycle, dict):
        places += [(h, lifecycle, ("lifecycle", h), _HOOK_ACTIONS) for h in _HOOKS if h in lifecycle]
    for owner, parent, where, actions in places:
        handler = parent[owner]
        if not isinstance(handler, dict):
            continue
        action = next((a for a in actions if isinstance(handler.get(a), dict)), None)
        if action in _PORT_ACTIONS:
            yield _Handler(container, owner, action, handler[action], (*container.at, *where, action))


def _consequence(obj: KubeObject, ctx: Context) -> str:
    """What happens to a workload whose pod template the API server's validation refuses."""
    if obj.kind == "StatefulSet" and ctx.settings.kube_version < (1, 34):
        # Before 1.34 a StatefulSet's pod spec was not validated on create (PR #131790).
        return ("the StatefulSet controller cannot create its pods (API servers from 1.34 reject the "
                "StatefulSet)")
    return f"the API server rejects the {obj.kind}"


# --- invalid-port ------------------------------------------------------------------------------------


@check("invalid-port")
def invalid_port(obj: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors validateServicePort, validateContainerPorts and ValidatePortNumOrName (probes, hooks)."""
    if obj.kind == "Service":
        yield from _invalid_service_ports(obj)
        return
    consequence = _consequence(obj, ctx)
    host_network = _pod_spec(obj).get("hostNetwork") is True
    for container in _containers(obj):
        for j, port in enumerate(sequence(container.data.get("ports"))):
            if isinstance(port, dict):
                at = (*container.at, "ports", j)
                yield from _invalid_container_port(container, port, at, consequence)
                if host_network and not container.init:
                    yield from _host_network_port(container, port, at, consequence)
        for handler in _handlers(container):
            yield from _invalid_handler_port(handler, consequence)


def _invalid_service_ports(service: KubeObject) -> Iterator[Finding]:
    rejected = "the API server rejects the Service"
    for i, port in service_ports(service):
        name = _name(port)
        problems = dns1123_label_problems(name) if name is not None else []
        if name is not None and problems:
            better = _dns_label_like(name)
            yield Finding(
                f"Service port name {quote(name)} is not a DNS label: it {_and(problems)}; {rejected}",
                at=("spec", "ports", i, "name"),
                help=f"use `name: {better}`" if better
                else "use lowercase letters, digits and '-', starting and ending with a letter or digit",
            )
        number = port.get("port")
        if number is None:
            yield Finding(f"spec.ports[{i}] has no port number: {rejected}", at=("spec", "ports", i),
                          help="add `port:` with the number the Service listens on")
        elif type(number) is int and not is_port_number(number):  # other types: the schema gate's
            yield Finding(f"port {quote(number)} is outside 1-65535: {rejected}",
                          at=("spec", "ports", i, "port"), help="use a port number from 1 to 65535")
        # targetPort 0 and "" are "unset": the API server defaults them to `port`.
        target = port.get("targetPort")
        if target not in (0, ""):
            at = ("spec", "ports", i, "targetPort")
            yield from _port_value_finding("targetPort", target, "", at, rejected)


def _invalid_container_port(container: _Container, port: Mapping[str, Any], at: JsonPath,
                            consequence: str) -> Iterator[Finding]:
    name, number, host_port = _name(port), port.get("containerPort"), port.get("hostPort")
    if name is not None and (problems := port_name_problems(name)):
        yield Finding(
            f"port name {quote(name)} of {container.label} is not a valid port name: it {_and(problems)}; "
            f"{consequence}",
            at=(*at, "name"),
            help=_rename_help(name),
        )
    if number is None or number == 0:
        yield Finding(f"a port of {container.label} has no containerPort: {consequence} (Required value)",
                      at=at if number is None else (*at, "containerPort"),
                      help="add `containerPort:` with the number the container listens on")
    elif type(number) is int and not is_port_number(number):
        yield Finding(f"containerPort {quote(number)} of {container.label} is outside 1-65535: {consequence}",
                      at=(*at, "containerPort"), help="use a port number from 1 to 65535")
    if type(host_port) is int and host_port != 0 and not is_port_number(host_port):
        yield Finding(f"hostPort {quote(host_port)} of {container.label} is outside 1-65535: {consequence}",
                      at=(*at, "hostPort"), help="use a port number from 1 to 65535, or remove hostPort")


def _host_network_port(container: _Container, port: Mapping[str, Any], at: JsonPath,
                       consequence: str) -> Iterator[Finding]:
    """validatePodHostNetworkDeps: with hostNetwork, a regular container's hostPort is its
    containerPort (0 is defaulted to it)."""
    number, host_port = port.get("containerPort"), port.get("hostPort")
    if is_port_number(number) and is_port_number(host_port) and host_port != number:
        yield Finding(
            f"hostPort {host_port} of {container.label} differs from its containerPort {number}, but with "
            f"hostNetwork: true the container listens on the node's own ports, so they must match: {consequence}",
            at=(*at, "hostPort"),
            help=f"set hostPort to {number}, or remove it (with hostNetwork it defaults to the containerPort)",
        )


def _invalid_handler_port(handler: _Handler, consequence: str) -> Iterator[Finding]:
    value = handler.data.get("port")
    if value is None:
        kinds = "a number" if handler.action == "grpc" else "a number or a port name of this container"
        if "port" in handler.data:  # null: decoded as the zero value; it has no text, so point at its key
            problem, at, on_key = "is null, which the API server reads as port 0", (*handler.at, "port"), True
            fix = f"set `port:` to {kinds}"
        else:
            problem, at, on_key = "is missing", handler.at, False
            fix = f"add `port:` to {handler.owner}.{handler.action} ({kinds})"
        yield Finding(f"{handler.label} of {handler.container.label} {problem}: {consequence}", at=at, help=fix,
                      on_key=on_key)
        return
    # Lifecycle hooks are outside the schema gate: values of other types are not port values.
    if type(value) is int or isinstance(value, str):
        yield from _port_value_finding(handler.label, value, f" of {handler.container.label}",
                                       (*handler.at, "port"), consequence)


def _port_value_finding(label: str, value: Any, where: str, at: JsonPath,
                        consequence: str) -> Iterator[Finding]:
    """ValidatePortNumOrName: a number in 1-65535 or an IANA service name (``where``: " of <container>")."""
    if type(value) is int:
        if not is_port_number(value):
            yield Finding(f"{label} {quote(value)}{where} is outside 1-65535: {consequence}", at=at,
                          help="use a port number from 1 to 65535")
        return
    if not isinstance(value, str) or not (problems := port_name_problems(value)):
        return
    if value.isascii() and value.isdigit():
        unquoted = int(value) if len(value) <= 5 else 0  # long digit strings are not ports (nor ints)
        yield Finding(
            f"{label} {quote(value)}{where} is a string, so Kubernetes reads it as a port name, and a port "
            f"name must contain a letter: {consequence}",
            at=at,
            help=f"write the number without quotes: {unquoted}" if is_port_number(unquoted)
            else "use a port number from 1 to 65535, without quotes",
        )
        return
    yield Finding(
        f"{label} {quote(value)}{where} is not a valid port name: it {_and(problems)}; {consequence}",
        at=at,
        help="use the container port's number, or a valid name (and name the container port the same)",
    )


def _and(problems: list[str]) -> str:
    """The problems a validator lists, as one clause: "contains '_' and has no lowercase letter"."""
    return problems[0] if len(problems) == 1 else ", ".join(problems[:-1]) + " and " + problems[-1]


def _dns_label_like(name: str) -> str | None:
    """``name`` made into a DNS label (lowercase, '-' for other characters), when that is possible."""
    label = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-" for ch in name.lower())
    label = label.strip("-")
    return label if label and label != name and not dns1123_label_problems(label) else None


def _rename_help(name: str) -> str:
    """How to fix an invalid container port name, with a valid spelling when one is close."""
    candidate = _dns_label_like(name) or name
    while "--" in candidate:
        candidate = candidate.replace("--", "-")
    if candidate != name and is_port_name(candidate):
        return f"rename it, e.g. `name: {candidate}`, and every targetPort and probe that refers to it"
    if len(name) > PORT_NAME_MAX:
        return (f"shorten it to at most {PORT_NAME_MAX} characters, and rename every targetPort and probe "
                "that refers to it")
    return ("rename it (lowercase letters, digits and '-', with at least one letter), and every targetPort "
            "and probe that refers to it")


# --- duplicate-container-port --------------------------------------------------------------------------


@check("duplicate-container-port")
def duplicate_container_port(obj: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors validateContainerPorts and checkHostPortConflicts (errors) and the pod warnings of
    warningsForPodSpecAndMeta: the same containerPort/protocol, or the same name, twice in a pod."""
    found = _containers(obj)
    if not _all_distinct(container.data for container in found):
        # The port definition warnings came with Kubernetes 1.26 (PR #113245).
        warns = "the API server warns" if ctx.settings.kube_version >= (1, 26) else "API servers from 1.26 warn"
        yield from _port_clashes(obj, [(container, container.ports()) for container in found],
                                 _consequence(obj, ctx), warns)


def _port_clashes(obj: KubeObject, containers: list[tuple[_Container, list[_Port]]],
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


def _first_here(obj: KubeObject, port: _Port, field: str) -> RelatedFinding:
    return RelatedFinding(f"first declared here, in {port.container.label}", obj, (*port.at, field))


def _owner(port: _Port, first: _Port) -> str:
    same = first.container is port.container
    return "another port of the same container" if same else first.container.label


def _valid_names(ports: list[_Port]) -> Iterator[tuple[int, str | None]]:
    """(index, name) of each port; None for no name or an invalid one (that is invalid-port's finding)."""
    for j, port in enumerate(ports):
        yield j, port.name if port.name is not None and is_port_name(port.name) else None


def _repeated_names(ports: list[_Port]) -> Iterator[tuple[_Port, _Port]]:
    """(port, first port) for each repeated valid name."""
    for j, first, _ in _repeats(_valid_names(ports)):
        yield ports[j], ports[first]


def _host_port_clashes(containers: list[tuple[_Container, list[_Port]]]) -> Iterator[tuple[_Port, _Port]]:
    """(port, first port) for each repeated (protocol, hostIP, hostPort): across the regular
    containers, and inside each init container alone (init containers run one at a time)."""
    groups = [[c for c in containers if not c[0].init]] + [[c] for c in containers if c[0].init]
    for group in groups:
        ports = [port for _, container_ports in group for port in container_ports]
        keys = ((j, (p.protocol, p.host_ip, p.host_port) if p.host_port else None)
                for j, p in enumerate(ports))
        for j, first, _ in _repeats(keys):
            yield ports[j], ports[first]


def _overlapping_numbers(obj: KubeObject, containers: list[tuple[_Container, list[_Port]]],
                         rejected: set[JsonPath], warns: str) -> Iterator[Finding]:
    """The API server's warnings for one containerPort/protocol declared twice in the pod (init
    containers included); one finding per port, against the first port it overlaps."""
    seen: dict[tuple[int, str], list[_Port]] = {}
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


def _overlap(port: _Port, first: _Port, warns: str) -> str:
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


def _runtime_note(port: _Port, first: _Port) -> str:
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


def _names_across_containers(obj: KubeObject, containers: list[tuple[_Container, list[_Port]]],
                             rejected: set[JsonPath]) -> Iterator[Finding]:
    """The API server's warning for a port name used by two containers (sidecars, then containers)."""
    ports = [p for container, container_ports in containers if container.runs_handlers for p in container_ports]
    for j, first_index, name in _repeats(_valid_names(ports)):
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


# --- probe-port-not-found ------------------------------------------------------------------------------


def _unresolved(handler: _Handler, never_restarted: bool) -> str:
    """What a handler whose port cannot be resolved does to the pod."""
    if never_restarted and handler.owner in ("livenessProbe", "startupProbe") and not handler.container.sidecar:
        return ("so the probe always fails and the kubelet kills the container, which restartPolicy Never "
                "does not restart: the pod fails")
    return _UNRESOLVED[handler.owner]


@check("probe-port-not-found")
def probe_port_not_found(obj: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors the kubelet (probe.ResolveContainerPort, the lifecycle handler's resolvePort): a named
    port is looked up in the probed container's own ports, whatever their protocol."""
    containers = [(container, container.port_names) for container in _containers(obj)]
    never_restarted = _pod_spec(obj).get("restartPolicy") == "Never"
    for container, names in containers:
        for handler in _handlers(container):
            value = handler.data.get("port")
            if not isinstance(value, str) or not is_port_name(value) or value in names:
                continue  # numbers always resolve; invalid names are invalid-port's finding
            others = [c.label for c, theirs in containers if c is not container and value in theirs]
            elsewhere = (f" ({others[0]} declares it, but a {handler.owner} looks only in its own container)"
                         if others else "")
            yield Finding(
                f"{handler.label} {quote(value)} is not a port name of {container.label}{elsewhere}: the "
                f"kubelet cannot resolve it, {_unresolved(handler, never_restarted)}",
                at=(*handler.at, "port"),
                help=f"add a port named {value} (with its containerPort) to {container.label}, or use the "
                "port number",
                related=(RelatedFinding(f"ports of {container.label}", obj,
                                        (*container.at, "ports") if container.ports() else container.at),),
            )
