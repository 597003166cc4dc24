"""The documents show real output and stay in bounds: the README's rules table is the catalog,
its sample lines and examples/README.md's full report are what svclint prints, the README stays
a user's manual (at most 350 lines), and every relative link in the documents leads somewhere."""

from __future__ import annotations

import io
import os
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
EXAMPLES = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "examples" / "README.md",
             ROOT / "benchmarks" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def report() -> str:
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        out = io.StringIO()
        render(lint(["examples/"]), out, RenderOptions())
        return out.getvalue()
    finally:
        os.chdir(here)


def _block_after(text: str, phrase: str) -> str:
    shown = re.search(re.escape(phrase) + r".*?```text\n(.*?)```", text, re.DOTALL)
    assert shown is not None, phrase
    return shown.group(1)


def test_rules_table_is_the_catalog() -> None:
    table = README.split("<!-- svclint-rules:start -->\n")[1].split("<!-- svclint-rules:end -->")[0]
    assert table == render_catalog(load_catalog(), "markdown")


def test_the_examples_readme_shows_the_whole_report(report: str) -> None:
    assert _block_after(EXAMPLES, "## The full report") == report


def test_the_readme_sample_is_lines_of_the_real_report(report: str) -> None:
    sample = _block_after(README, "## Quick start").splitlines()
    lines = report.splitlines()
    assert len(sample) >= 5
    assert [line for line in sample if line not in lines] == []


def test_the_readme_is_a_users_manual_of_at_most_350_lines() -> None:
    assert len(README.splitlines()) <= 350


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_relative_links_lead_to_files(document: Path) -> None:
    targets = [link.split("#")[0] for link in _LINK.findall(document.read_text(encoding="utf-8"))
               if "://" not in link and not link.startswith(("#", "mailto:"))]
    assert [target for target in targets if target and not (document.parent / target).exists()] == []


def test_every_pre_commit_hook_is_documented() -> None:
    hooks = parse_stream((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")).documents[0].value
    for hook in hooks:
        assert f"id: {hook['id']}" in README
