"""SVC301 node-port-out-of-range: a nodePort outside the cluster's NodePort range."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.findings import Finding
from svclint.indexes.node_ports import node_port_uses
from svclint.model import KubeObject


@check("node-port-out-of-range")
def node_port_out_of_range(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
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
