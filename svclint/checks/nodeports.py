"""NodePort: the cluster range, cluster-wide uniqueness, and types that may not set one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from svclint.checks import Context, check
from svclint.findings import Counterpart, Finding, RelatedFinding
from svclint.k8s import quote, static_band_size
from svclint.model import KubeObject, mapping, sequence, service_type
from svclint.project import DEFAULT_SCOPE, NodePortUse, describe_scopes, node_port_uses


@check("node-port-out-of-range")
def node_port_out_of_range(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors the port allocator: explicit nodePorts must lie in --service-node-port-range."""
    low, high = ctx.settings.node_port_range
    for use in node_port_uses(service):
        if not low <= use.number <= high:
            yield Finding(
                f"{use.field} {use.number} is outside the cluster's NodePort range {low}-{high}: "
                "the API server rejects the Service",
                at=use.at,
                help=f"pick a port in {low}-{high}, or omit {use.field} to let the cluster choose "
                "(use --node-port-range if your cluster has another range)",
            )


#: KEP-3668 (ServiceNodePortStaticSubrange): beta and on by default from 1.28, GA in 1.29.
STATIC_BAND_SINCE = (1, 28)


@check("node-port-outside-static-band")
def node_port_outside_static_band(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors the port allocator's calculateRangeOffset and AllocateNext: auto-allocation takes
    ports above the static band first, so an explicit port there can be taken by a Service that
    is created earlier and gets its node port auto-allocated."""
    auto = ctx.project.first_auto_node_port(service)
    if auto is None or ctx.settings.kube_version < STATIC_BAND_SINCE:
        return  # nothing auto-allocated here; before KEP-3668 allocation was random everywhere
    low, high = ctx.settings.node_port_range
    band = static_band_size(low, high)
    if band == 0:
        return
    top = low + band - 1
    owner, at = auto
    if owner.identity == service.identity:
        racing = "this Service gets one auto-allocated too: if another Service that does is created first"
    else:
        racing = f"{owner.ref} gets one auto-allocated: if that Service (or any other in the cluster) is created first"
    for use in node_port_uses(service):
        if top < use.number <= high:
            yield Finding(
                f"{use.field} {use.number} is in {top + 1}-{high}, where the cluster auto-allocates node "
                f"ports first, and {racing}, it may take {use.number}, and the API server then rejects "
                "this one (\"provided port is already allocated\")",
                at=use.at,
                help=f"pick a port in the static band {low}-{top}, which auto-allocation uses only when "
                f"the rest is full, or omit {use.field} to let the cluster choose",
                related=(RelatedFinding("node port auto-allocated here", owner, at),),
            )


def _conflicts(use: NodePortUse, earlier: NodePortUse) -> bool:
    if earlier.service is use.service:
        # One Service allocates once per distinct `port`: TCP and UDP of 53 may share. Its
        # healthCheckNodePort is allocated after all of them and shares with none.
        return use.health_check or bool(earlier.port != use.port)
    # The same object defined twice (bundle + plain file) is one Service, not a collision.
    return earlier.service.identity != use.service.identity


@check("node-port-collision")
def node_port_collision(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors the allocator: a node port has one owner cluster-wide, whatever the protocol.
    Only Services that share a scope (a cluster) are compared."""
    for number, uses in _claims(service, ctx):
        for index, use in enumerate(uses):
            if use.service is not service:
                continue
            if any(e.service is not service and e.service.identity == service.identity for e in uses[:index]):
                break  # a repeated definition (bundle + plain file): the first one speaks for the object
            first = next((e for e in uses[:index] if _conflicts(use, e)), None)
            if first is None:
                continue
            if first.service is service:
                owner = f"ports[{first.at[2]}] (port {quote(first.port)}) of this Service"
                why = ("it comes from the same pool as the nodePorts" if use.health_check
                       else "only entries of the same port (e.g. 53/TCP and 53/UDP) may share one")
            else:
                owner = str(first.service.ref)
                shared = ctx.project.shared_scopes(service, first.service)
                if shared != (DEFAULT_SCOPE,):
                    owner += f" (in {describe_scopes(shared)})"
                why = "nodePorts are cluster-wide, across namespaces"
            yield Finding(
                f"{use.field} {number} is already used by {owner}; {why}, so the API server rejects "
                "this one (\"provided port is already allocated\")",
                at=use.at,
                help=f"choose a free {use.field}, or omit it to let the cluster choose",
                related=(RelatedFinding(f"{first.field} {number} first used here", first.service, first.at),),
                counterpart=None if first.service is service else _counterpart(use, first),
            )


def _counterpart(use: NodePortUse, first: NodePortUse) -> Counterpart:
    """The collision told on the first claim, for runs restricted to the first claim's file."""
    return Counterpart(first.service, Finding(
        f"{first.field} {use.number} is also used by {use.service.ref}; nodePorts are cluster-wide, across "
        "namespaces, so the API server rejects whichever of the two is created second (\"provided port is "
        "already allocated\")",
        at=first.at,
        help=f"choose a free {first.field} for one of them, or omit it to let the cluster choose; to accept "
        f"the collision, suppress it at the {use.field} of {use.service.ref}, where a run over all files "
        "reports it",
        related=(RelatedFinding(f"{use.field} {use.number} also used here", use.service, use.at),),
    ))


def _claims(service: KubeObject, ctx: Context) -> Iterator[tuple[int, Sequence[NodePortUse]]]:
    """Each node port the Service claims, with every claim on it in the Service's scopes."""
    numbers = dict.fromkeys(use.number for use in node_port_uses(service))
    for number in numbers:
        yield number, ctx.project.node_port_claims(service, number)


@check("node-port-not-allowed")
def node_port_not_allowed(service: KubeObject, ctx: Context) -> Iterator[Finding]:
    """Mirrors ValidateService: nodePort is Forbidden when type is ClusterIP (headless included)."""
    if service_type(service) != "ClusterIP":
        return
    for i, port in enumerate(sequence(service.spec.get("ports"))):
        number = mapping(port).get("nodePort")
        if type(number) is int and number != 0:
            yield Finding(
                f"nodePort {number} may not be used when type is ClusterIP: the API server rejects "
                "the Service",
                at=("spec", "ports", i, "nodePort"),
                help="set `type: NodePort` (or LoadBalancer) to expose it on the nodes, or remove nodePort",
            )
