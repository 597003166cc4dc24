"""Output formats: each is one ``render(result, out, color)`` function, registered by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from svclint.api import LintResult
from svclint.formatters import json as json_format
from svclint.formatters import text as text_format

Renderer = Callable[[LintResult, TextIO, bool], None]

FORMATTERS: dict[str, Renderer] = {
    "text": text_format.render,
    "json": json_format.render,
}
