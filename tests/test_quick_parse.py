"""The quick parse (``parse_stream(..., positions=False)``): values without position tables.

Most files produce no finding, so svclint parses them without positions and parses a
document again only when a finding needs its positions. The quick builder must give exactly
the documents of the full one, and leave every text that is not plain data to the full one.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from svclint.positions import SourceText, resolve_span
from svclint.yamlparse import ParseResult, parse_stream

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def both(text: str) -> tuple[ParseResult, ParseResult]:
    return parse_stream(text, positions=False), parse_stream(text)


def assert_same_documents(quick: ParseResult, full: ParseResult) -> None:
    assert [(d.index, d.value, d.region, d.line_offset) for d in quick.documents] == \
        [(d.index, d.value, d.region, d.line_offset) for d in full.documents]
    assert quick.problems == full.problems


PLAIN = {
    "nested block": "a:\n  b:\n    - 1\n    - x: y\n      z: [1, 2]\n",
    "flow": '{"kind": "Service", "spec": {"ports": [{"port": 80}]}}\n',
    "scalars": "i: 080\nf: 1.5e3\nh: 0x1F\nb: True\nn: ~\ne:\ns: '80'\nt: !!str 80\nu: !!int '7'\nv: !Ref x\n",
    "keys that are not strings": "80: http\ntrue: yes\nnull: x\n1.5: y\n'q': z\n",
    "block scalars": "a: |\n  line\n  # not a comment\nb: >-\n  folded\n",
    "documents": "---\na: 1\n---\n---\n- x\n...\n--- plain\n",
    "empty": "",
    "scalar root": "just text\n",
    "empty containers": "a: {}\nb: []\nc: [{}, []]\n",
    "list of mappings": "- a: 1\n  b: 2\n- - nested\n  - list\n",
    "CRLF": "a:\r\n  b: 1\r\n",
    "odd line break": "a: 1\rb: 2\n",
    "anchors no alias uses": "a: &x 1\nb: &y {c: &z [1]}\n",
}


@pytest.mark.parametrize("text", PLAIN.values(), ids=PLAIN.keys())
def test_plain_data_gives_the_same_documents_without_position_tables(text: str) -> None:
    quick, full = both(text)
    assert_same_documents(quick, full)
    assert all(d.positions is None for d in quick.documents)
    assert not quick.has_complex_keys


NOT_PLAIN = {
    "anchor and alias": "a: &x {p: 1}\nb: *x\n",
    "merge key": "base: &b {p: 1}\nobj:\n  <<: *b\n  q: 2\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate container key": "a: {}\na: []\n",
    "complex key": "? [a, b]\n: c\n",
    "syntax error": "a: [1, 2\nb: 3\n",
    "error after a document": "a: 1\n---\nb: : :\n",
    "undefined alias": "a: *nowhere\n",
    "too deep": "[" * 250 + "]" * 250 + "\n",
}


@pytest.mark.parametrize("text", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_text_that_is_not_plain_data_is_parsed_with_positions(text: str) -> None:
    quick, full = both(text)
    assert quick == full  # the full parse, with positions and problems


def test_a_duplicate_key_is_reported_as_by_the_full_parse() -> None:
    quick = parse_stream("a: 1\nb: 2\na: 3\n", positions=False)
    assert [(p.kind, p.line, p.column) for p in quick.problems] == [("duplicate-key", 2, 0)]
    assert quick.documents[0].positions is not None


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS}")
def test_every_real_manifest_gives_the_same_documents() -> None:
    compared = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        quick, full = both(text)
        assert_same_documents(quick, full)
        compared += 1
    assert compared > 2000


def _paths(value: object, at: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield at
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*at, i))


LOCATED = {
    "root on the --- line": "a: 1\n--- {b: [1, 2],\n  c: x}\n---   [d, 2]\n--- >\n folded\n",
    "characters beyond ASCII before it": "x: \"é€😀\"\n---\nkind: Service  # 😀\nspec: {ports: [{port: 80}]}\n",
    "CRLF": "a: 1\r\n---\r\nb:\r\n  - c: 2\r\n",
    "lone CR": "a: 1\r---\rb:\r  - c: 2\r",
    "NEL": "a: 1\x85---\nb: [1]\n",
    "block scalars and comments": "# head\n---\na: |\n  text\n\n# tail\n---\nb: >\n  folded\n...\n",
}


@pytest.mark.parametrize("text", LOCATED.values(), ids=LOCATED.keys())
def test_documents_parsed_again_alone_give_the_spans_of_the_whole_parse(text: str) -> None:
    full = parse_stream(text).documents
    quick = parse_stream(text, positions=False).documents
    source = SourceText(text)
    assert all(d.positions is None for d in quick)
    for whole, bare in zip(full, quick, strict=True):
        located = source.located(0, bare)
        for path in _paths(whole.value):
            for on_key in (False, True):
                assert resolve_span(located, path, on_key=on_key) == resolve_span(whole, path, on_key=on_key), path


def test_where_a_document_starts_is_known_without_parsing_it_again() -> None:
    # Rendered input asks this of every object, to report it at its template.
    text = "a: 1\n---\n\nkind: Service\n"
    document = parse_stream(text, positions=False).documents[1]
    assert document.start_line == parse_stream(text).documents[1].start_line == 4


def test_a_source_text_pickles_as_its_text_without_the_tables_it_parsed_again() -> None:
    text = "a: 1\n---\nkind: Service\nspec: {ports: [{port: 80}]}\n"
    source = SourceText(text)
    document = source.located(0, parse_stream(text, positions=False).documents[1])
    assert document.positions is not None and source.located(0, document) is document
    copy = pickle.loads(pickle.dumps(source))
    assert (copy.text, copy.part_starts) == (text, (0,))
    assert len(pickle.dumps(source)) < len(text) + 200
