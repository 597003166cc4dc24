"""SVC205 invalid-port: port numbers and names the API server rejects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from svclint.checks import ObjectContext, check
from svclint.checks.ports.common import (
    Container,
    Handler,
    pod_containers,
    pod_spec_of,
    port_handlers,
    rejection_consequence,
)
from svclint.diagnostics import JsonPath
from svclint.findings import Finding
from svclint.k8s import (
    PORT_NAME_MAX,
    dns1123_label_problems,
    is_port_name,
    is_port_number,
    port_name_problems,
    quote,
)
from svclint.model import (
    KubeObject,
    port_name,
    sequence,
    service_ports,
)


@check("invalid-port")
def invalid_port(obj: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors validateServicePort, validateContainerPorts and ValidatePortNumOrName (probes, hooks)."""
    if obj.kind == "Service":
        yield from _invalid_service_ports(obj)
        return
    consequence = rejection_consequence(obj, ctx)
    host_network = pod_spec_of(obj).get("hostNetwork") is True
    for container in pod_containers(obj):
        for j, port in enumerate(sequence(container.data.get("ports"))):
            if isinstance(port, dict):
                at = (*container.at, "ports", j)
                yield from _invalid_container_port(container, port, at, consequence)
                if host_network and not container.init:
                    yield from _host_network_port(container, port, at, consequence)
        for handler in port_handlers(container):
            yield from _invalid_handler_port(handler, consequence)


def _invalid_service_ports(service: KubeObject) -> Iterator[Finding]:
    rejected = "the API server rejects the Service"
    for i, port in service_ports(service):
        name = port_name(port)
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


def _invalid_container_port(container: Container, port: Mapping[str, Any], at: JsonPath,
                            consequence: str) -> Iterator[Finding]:
    name, number, host_port = port_name(port), port.get("containerPort"), port.get("hostPort")
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


def _host_network_port(container: Container, port: Mapping[str, Any], at: JsonPath,
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


def _invalid_handler_port(handler: Handler, consequence: str) -> Iterator[Finding]:
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
