"""SVC302 node-port-collision: a nodePort another Service of the cluster already uses."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from svclint.checks import ProjectContext, check
from svclint.findings import Counterpart, Finding, RelatedFinding
from svclint.indexes.node_ports import NodePortUse, node_port_claims, node_port_uses
from svclint.indexes.scopes import DEFAULT_SCOPE, describe_scopes
from svclint.k8s import quote
from svclint.model import KubeObject


def _conflicts(use: NodePortUse, earlier: NodePortUse) -> bool:
    if earlier.service is use.service:
        # One Service allocates once per distinct `port`: TCP and UDP of 53 may share. Its
        # healthCheckNodePort is allocated after all of them and shares with none.
        return use.health_check or bool(earlier.port != use.port)
    # The same object defined twice (bundle + plain file) is one Service, not a collision.
    return earlier.service.identity != use.service.identity


@check("node-port-collision")
def node_port_collision(service: KubeObject, ctx: ProjectContext) -> Iterator[Finding]:
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


def _claims(service: KubeObject, ctx: ProjectContext) -> Iterator[tuple[int, Sequence[NodePortUse]]]:
    """Each node port the Service claims, with every claim on it in the Service's scopes."""
    numbers = dict.fromkeys(use.number for use in node_port_uses(service))
    for number in numbers:
        yield number, node_port_claims(ctx.project, service, number)
