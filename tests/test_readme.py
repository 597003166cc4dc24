"""The README shows real output: its rules table and its example run must match svclint's."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from svclint.api import lint
from svclint.catalog import load_catalog
from svclint.docs import render_catalog
from svclint.formatters import RenderOptions
from svclint.formatters.text import render
from svclint.yamlparse import parse_stream

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rules_table_is_the_catalog() -> None:
    table = README.split("<!-- svclint-rules:start -->\n")[1].split("<!-- svclint-rules:end -->")[0]
    assert table == render_catalog(load_catalog(), "markdown")


def test_example_output_is_what_svclint_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    render(lint(["examples/"]), out, RenderOptions())
    shown = re.search(r"It prints this.*?```text\n(.*?)```", README, re.DOTALL)
    assert shown is not None
    assert shown.group(1) == out.getvalue()


def test_every_pre_commit_hook_is_documented() -> None:
    hooks = parse_stream((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")).documents[0].value
    for hook in hooks:
        assert f"id: {hook['id']}" in README
