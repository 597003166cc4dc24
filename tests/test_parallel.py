"""Parsing in several processes gives exactly the result of parsing in one."""

from __future__ import annotations

import gc
import pickle
import sys
from dataclasses import astuple
from pathlib import Path

import pytest

from svclint import loader
from svclint.api import lint, lint_sources
from svclint.batch import _FileTask, _PartTask, load_file
from svclint.catalog import load_catalog
from svclint.checks import discover_checks
from svclint.discovery import Source
from svclint.engine import object_checker
from svclint.settings import Settings
from svclint.streams import split_stream

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
    assert one.objects == 642 and len(one.diagnostics) == 24


def test_stdin_and_files_mix_in_parallel(corpus: Path) -> None:
    text = (ROOT / "examples" / "shop" / "payments.yaml").read_bytes()
    one = lint([str(corpus / "apps"), "-"], stdin=text, jobs=1)
    many = lint([str(corpus / "apps"), "-"], stdin=text, jobs=2)
    assert many == one
    assert [d.path for d in one.diagnostics] == ["-", "-"]


def _manifests(count: int) -> str:
    service = ("apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\n"
               "spec:\n  type: NodePort\n  ports: [{{port: 80, nodePort: {port}}}]\n")
    return "".join("---\n" + service.format(i=i, port=30000 + i) for i in range(count))


def test_a_stream_is_cut_only_at_document_starts() -> None:
    text = "a: |\n  ---\n  x\n---\nb: 1\n--- # c\nc: 2\n---\r\nd: 3\n" * 50
    parts = split_stream(text, 40)
    assert len(parts) > 10
    assert "".join(part for part, _ in parts) == text
    assert all(part.startswith("---") for part, _ in parts[1:])
    lines = 0
    for part, offset in parts:
        assert offset == lines
        lines += part.count("\n")


def test_directives_keep_a_stream_whole() -> None:
    text = "%YAML 1.2\n---\na: 1\n" + "---\nb: 2\n" * 100
    assert split_stream(text, 10) == [(text, 0)]
    later = "---\nb: 2\n" * 100 + "%TAG ! tag:example.com,2000:\n---\nc: 3\n"
    assert split_stream(later, 10) == [(later, 0)]


def test_only_three_dashes_and_a_space_line_break_or_the_end_start_a_document() -> None:
    text = "a: 1\n" * 5 + "----\n---x\n--- # c\n" + "b: 2\n" * 5 + "---"
    assert [part[:6] for part, _ in split_stream(text, 10)] == ["a: 1\na", "--- # ", "---"]


def test_odd_line_breaks_keep_a_stream_whole() -> None:
    for odd in ("\r", "\x85", "\u2028", "\u2029"):
        text = "---\nb: 2\n" * 50 + f"c: 3{odd}"
        assert split_stream(text, 10) == [(text, 0)]
    assert len(split_stream("---\r\nb: 2\r\n" * 50, 10)) > 1  # CRLF counts lines as LF does


@pytest.mark.parametrize("broken_at", [None, 37])
def test_big_files_parsed_in_parts_give_the_same_result(monkeypatch: pytest.MonkeyPatch, broken_at: int | None) -> None:
    lines = _manifests(60).splitlines(keepends=True)
    if broken_at is not None:
        lines[broken_at * 7 + 6] = "  ports: [{port: 80, nodePort: 30000}\n"  # unterminated flow list
    data = "".join(lines).replace("30017", "99").encode()  # one out-of-range nodePort
    whole = lint_sources([("big.yaml", data)])
    monkeypatch.setattr(loader, "PART_SIZE", 300)
    assert len(split_stream(data.decode(), loader.PART_SIZE)) > 10
    assert lint_sources([("big.yaml", data)]) == whole
    assert ("node-port-out-of-range", 7 * 17 + 7, 32) in [(d.rule, d.span.line, d.span.column) for d in whole.diagnostics]
    if broken_at is not None:
        assert whole.diagnostics[-1].rule == "yaml-syntax-error"
        assert whole.objects == broken_at


def test_big_files_in_parts_across_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "big.yaml").write_text(_manifests(400).replace("30017", "99"))
    monkeypatch.setattr(loader, "PART_SIZE", 2000)
    one = lint([str(tmp_path)], jobs=1)
    assert lint([str(tmp_path)], jobs=2) == one
    assert [(d.rule, d.span.line, d.span.column) for d in one.diagnostics] == [("node-port-out-of-range", 126, 32)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_cross_object_findings_find_their_positions_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          jobs: int) -> None:
    # Workers send objects back without positions; a project-scope finding (here nodePort
    # collisions between parts of a big file, and across files) parses its documents again.
    # The spans must be exactly those of an in-process run, which keeps every position.
    text = _manifests(400).replace("nodePort: 30390", "nodePort: 30005").replace("nodePort: 30201", "nodePort: 30007")
    other = "apiVersion: v1\nkind: List\nitems:\n- " + _manifests(1).split("---\n")[1].replace("\n", "\n  ").replace(
        "30000", "30399").rstrip() + "\n"
    (tmp_path / "a-big.yaml").write_text(text)
    (tmp_path / "b-list.yaml").write_text(other)
    monkeypatch.setattr(loader, "PART_SIZE", 2000)
    expected = lint_sources([(str(tmp_path / "a-big.yaml"), text.encode()), (str(tmp_path / "b-list.yaml"), other.encode())])
    found = lint([str(tmp_path)], jobs=jobs)
    assert found.diagnostics == expected.diagnostics
    assert [(d.rule, Path(d.path).name, d.span.line, d.related[0].span.line) for d in found.diagnostics] == [
        ("node-port-collision", "a-big.yaml", 7 * 201 + 7, 7 * 7 + 7),
        ("node-port-collision", "a-big.yaml", 7 * 390 + 7, 7 * 5 + 7),
        ("node-port-collision", "b-list.yaml", 9, 7 * 399 + 7),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_positions_found_again_whatever_the_line_breaks(tmp_path: Path, newline: str) -> None:
    # Only the document's own lines are parsed again (CR-only text: the whole file), after
    # comments and other documents: the spans are those of a run that kept every position.
    first = "# a comment\n---\n" + _manifests(3).replace("30002", "30009")
    second = "\n\n# notes\n" + _manifests(1).replace("30000", "30009").replace("s0", "z0")
    files = [("a.yaml", first.replace("\n", newline)), ("b.yaml", second.replace("\n", newline))]
    for name, text in files:
        (tmp_path / name).write_bytes(text.encode())
    expected = lint_sources([(str(tmp_path / name), text.encode()) for name, text in files])
    found = lint([str(tmp_path)], jobs=2)
    assert found.diagnostics == expected.diagnostics
    assert [(d.rule, d.span.line, d.related[0].span.line) for d in found.diagnostics] == [
        ("node-port-collision", 10, 23)]


def test_a_run_leaves_no_reference_cycles_behind() -> None:
    # The cyclic collector is paused while svclint runs, and worker processes never turn it
    # back on: anything kept alive by a cycle (a port view referring to its container and
    # back, say) would stay in memory until the process ends.
    examples = str(Path(__file__).resolve().parents[1] / "examples")
    lint([examples], jobs=1)  # first use: caches of the modules themselves
    gc.collect()
    lint([examples], jobs=1)
    assert gc.collect() == 0


def test_values_sent_to_and_from_workers_survive_pickling() -> None:
    # pickling.shippable pickles them as constructor calls: every field must come back, in order.
    text = _manifests(2).replace("30001", "99")
    check = object_checker(Settings(), load_catalog(), discover_checks())
    shipped = load_file("a.yaml", text.encode(), 0, loader.LoadOptions(), check, ship=True)
    part = loader.parse_part("a.yaml", text, 3, (0, 1), loader.LoadOptions())
    source = Source("a.yaml", "/work/a.yaml", None, "/work/a.yaml")
    assert shipped.objects and shipped.diagnostics and part.objects
    for value in (shipped, part, source, _FileTask(0, source, b"data", 4), _PartTask(0, 1, "a.yaml", text, 3)):
        assert astuple(pickle.loads(pickle.dumps(value))) == astuple(value)
