"""Where svclint's data files are: the rule catalog and the schemas, installed or in a checkout."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def data_dir(name: str) -> Traversable:
    """``rules`` or ``schemas``: inside the installed package (``svclint.rules``), or beside
    the package in a source checkout, where ``python -m pytest`` imports svclint from."""
    try:
        return resources.files(f"svclint.{name}")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / name
