"""Run settings: built once from CLI flags (and later config files), frozen, passed down.

Only what changes the diagnostics belongs here; how the CLI turns them into an exit code does not.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_NODE_PORT_RANGE = (30000, 32767)  # kube-apiserver DefaultServiceNodePortRange
#: The newest Kubernetes minor release whose validation svclint mirrors (see rules' ``mirrors``).
DEFAULT_KUBE_VERSION = (1, 34)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that changes what a run reports."""

    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE
    default_namespace: str = "default"
    #: Target cluster version (major, minor): gates behaviour that changed between releases.
    kube_version: tuple[int, int] = DEFAULT_KUBE_VERSION


def parse_port_range(text: str) -> tuple[int, int]:
    """Parse ``LOW-HIGH`` (kube-apiserver ``--service-node-port-range`` syntax)."""
    low_text, sep, high_text = text.strip().partition("-")
    if not sep or not low_text.isdigit() or not high_text.isdigit():
        raise ValueError(f"invalid port range {text!r}: expected LOW-HIGH, e.g. 30000-32767")
    low, high = int(low_text), int(high_text)
    if not 1 <= low <= high <= 65535:
        raise ValueError(f"invalid port range {text!r}: need 1 <= LOW <= HIGH <= 65535")
    return low, high


def parse_kube_version(text: str) -> tuple[int, int]:
    """Parse ``1.30``, ``v1.30`` or ``1.30.2`` into (major, minor); the patch level never matters."""
    parts = text.strip().removeprefix("v").split(".")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"invalid Kubernetes version {text!r}: expected MAJOR.MINOR, e.g. 1.30")
    return int(parts[0]), int(parts[1])
