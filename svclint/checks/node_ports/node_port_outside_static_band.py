"""SVC304 node-port-outside-static-band: a nodePort where auto-allocation may take it first."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ProjectContext, check
from svclint.findings import Finding, RelatedFinding
from svclint.indexes.node_ports import first_auto_node_port, node_port_uses
from svclint.k8s import static_band_size
from svclint.model import KubeObject

#: KEP-3668 (ServiceNodePortStaticSubrange): beta and on by default from 1.28, GA in 1.29.
STATIC_BAND_SINCE = (1, 28)


@check("node-port-outside-static-band")
def node_port_outside_static_band(service: KubeObject, ctx: ProjectContext) -> Iterator[Finding]:
    """Mirrors the port allocator's calculateRangeOffset and AllocateNext: auto-allocation takes
    ports above the static band first, so an explicit port there can be taken by a Service that
    is created earlier and gets its node port auto-allocated."""
    auto = first_auto_node_port(ctx.project, service)
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
