"""Parsing in several processes gives exactly the result of parsing in one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from svclint.api import lint

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus")
    generate(300, path / "apps", single_file=False)
    for example in (ROOT / "examples").rglob("*.yaml"):  # some findings, across files
        target = path / "examples" / example.relative_to(ROOT / "examples")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(example.read_bytes())
    return path


@pytest.mark.parametrize("jobs", [2, 3])
def test_results_do_not_depend_on_the_number_of_jobs(corpus: Path, jobs: int) -> None:
    one = lint([str(corpus)], jobs=1)
    many = lint([str(corpus)], jobs=jobs)
    assert many == one
    assert one.objects == 629 and len(one.diagnostics) == 11


def test_stdin_and_files_mix_in_parallel(corpus: Path) -> None:
    text = (ROOT / "examples" / "shop" / "payments.yaml").read_bytes()
    one = lint([str(corpus / "apps"), "-"], stdin=text, jobs=1)
    many = lint([str(corpus / "apps"), "-"], stdin=text, jobs=2)
    assert many == one
    assert [d.path for d in one.diagnostics] == ["-", "-"]
