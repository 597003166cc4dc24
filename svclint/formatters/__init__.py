"""Output formats: each is a module here with one ``render(result, out, options)`` function.

A format's module is imported only when it is chosen (``renderer``), so a plain ``svclint check``
does not pay for XML or SARIF at start-up.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from svclint.diagnostics import LintResult

class OutputFormat(str, enum.Enum):
    """Every format, by the name ``--format`` takes; the module ``svclint.formatters.<name>`` renders it."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What a format needs besides the result; the command line gathers it from the environment."""

    color: bool = False
    #: ``file://`` URI (ending in ``/``) of the directory relative paths start from: SARIF's %SRCROOT%.
    source_root: str | None = None
    #: The repository's checkout (GitHub Actions' GITHUB_WORKSPACE) and the absolute directory
    #: relative paths start from: annotations name files relative to the repository's root.
    workspace: str | None = None
    working_dir: str | None = None


Renderer = Callable[["LintResult", TextIO, RenderOptions], None]


def renderer(output_format: OutputFormat) -> Renderer:
    """The render function of a format, imported now."""
    render: Renderer = importlib.import_module(f"{__name__}.{output_format.value}").render
    return render
