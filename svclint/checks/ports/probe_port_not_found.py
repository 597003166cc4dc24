"""SVC207 probe-port-not-found: a named probe or hook port its container lacks."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.checks.ports.common import Handler, pod_containers, pod_spec_of, port_handlers
from svclint.findings import Finding, RelatedFinding
from svclint.k8s import (
    is_port_name,
    quote,
)
from svclint.model import (
    KubeObject,
)

#: What happens at runtime when the kubelet cannot resolve a handler's named port.
_UNRESOLVED = {
    "readinessProbe": "so the probe always fails: the pod never becomes ready and gets no Service traffic",
    "livenessProbe": "so the probe always fails and the kubelet restarts the container over and over",
    "startupProbe": "so the probe always fails and the kubelet keeps killing the container before it starts",
    "postStart": "so the hook fails and the kubelet kills the container (FailedPostStartHook)",
    "preStop": "so the hook fails (FailedPreStopHook) and the container is stopped without it",
}


def _unresolved(handler: Handler, never_restarted: bool) -> str:
    """What a handler whose port cannot be resolved does to the pod."""
    if never_restarted and handler.owner in ("livenessProbe", "startupProbe") and not handler.container.sidecar:
        return ("so the probe always fails and the kubelet kills the container, which restartPolicy Never "
                "does not restart: the pod fails")
    return _UNRESOLVED[handler.owner]


@check("probe-port-not-found")
def probe_port_not_found(obj: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors the kubelet (probe.ResolveContainerPort, the lifecycle handler's resolvePort): a named
    port is looked up in the probed container's own ports, whatever their protocol."""
    containers = [(container, container.port_names) for container in pod_containers(obj)]
    never_restarted = pod_spec_of(obj).get("restartPolicy") == "Never"
    for container, names in containers:
        for handler in port_handlers(container):
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
