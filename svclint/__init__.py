"""svclint: a static analyzer for Kubernetes Service networking manifests."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
