"""Coverage-guided fuzzing of svclint's loader and checks with atheris (libFuzzer for Python).

Every input is turned into one or more in-memory files and linted with
``svclint.api.lint_sources``; the invariants of tests/test_robustness.py must hold:

* it returns (any exception is a crash: libFuzzer saves the input as ``crash-*``);
* no diagnostic is ``internal-error`` (a rule crashed);
* every span, and every related span, lies inside its file;
* a second run gives the very same result;
* the report renders in every output format, with any JSON surrogate-pair escape joined.

Time and memory bounds are libFuzzer's: ``-timeout=10`` makes an input that takes longer a
``timeout-*`` finding, ``-rss_limit_mb=2048`` one that needs more memory an ``oom-*`` one.
How to run it: tests/fuzz/README.md. pytest does not collect this file: its name does not match
test_*.py.
"""

from __future__ import annotations

import codecs
import io
import re
import sys

try:
    import atheris  # type: ignore[import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - atheris is optional (pip install atheris)
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["svclint"]):
        from svclint.api import LintResult, lint_sources
        from svclint.catalog import load_catalog
        from svclint.diagnostics import Severity, Span
        from svclint.formatters import OutputFormat, RenderOptions, renderer
else:  # still importable (and checkable by linters) without atheris
    from svclint.api import LintResult, lint_sources
    from svclint.catalog import load_catalog
    from svclint.diagnostics import Severity, Span
    from svclint.formatters import OutputFormat, RenderOptions, renderer

CATALOG = load_catalog()
_LINE_BREAKS = (re.compile(r"\n"), re.compile(r"\r\n|[\r\n]"), re.compile(r"\r\n|[\r\n\x85\u2028\u2029]"))
#: Splits one input into several files: ASCII "file separator", rare in YAML.
FILE_SEPARATOR = b"\x1c\x1c"
SUFFIXES = (".yaml", ".yml", ".json", ".YAML")
SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def decoded(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")


def span_fits(text: str, span: Span) -> bool:
    if span.line < 1 or span.column < 1 or (span.end_line, span.end_column) < (span.line, span.column):
        return False
    for breaks in _LINE_BREAKS:
        lines = breaks.split(text)
        if span.end_line > len(lines):
            continue
        if span.column <= len(lines[span.line - 1]) + 1 and span.end_column <= len(lines[span.end_line - 1]) + 2:
            return True
    return False


def sources_of(data: bytes) -> list[tuple[str, bytes]]:
    """The first byte picks the file names; FILE_SEPARATOR splits the rest into files."""
    if not data:
        return [("empty.yaml", b"")]
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    parts = data[1:].split(FILE_SEPARATOR)[:8]
    return [(f"dir{i % 2}/file{i}{suffix}", part) for i, part in enumerate(parts)]


def check(sources: list[tuple[str, bytes]], result: LintResult) -> None:
    texts = {path: decoded(data) for path, data in sources}
    for d in result.diagnostics:
        if d.rule == "internal-error":
            raise AssertionError(f"internal-error: {d.message}")
        if d.path not in texts:
            raise AssertionError(f"diagnostic for an unknown file: {d}")
        if not span_fits(texts[d.path], d.span):
            raise AssertionError(f"span outside the file: {d.rule} {d.span} {d.message!r}")
        for related in d.related:
            if related.path not in texts or not span_fits(texts[related.path], related.span):
                raise AssertionError(f"related span outside its file: {d.rule} {related}")
    if result.exit_code(Severity.ERROR) not in (0, 1):
        raise AssertionError("exit code 2")
    for output_format in OutputFormat:
        out = io.StringIO()
        renderer(output_format)(result, out, RenderOptions())
        report = out.getvalue()
        # Lone surrogates may be in a report (a lone \ud800 escape; the command line writes them
        # as backslash escapes), but a pair from a JSON escape must have been joined.
        if SURROGATE_PAIR.search(report):
            raise AssertionError(f"unjoined surrogate pair in the report: {report!r}")
        report.encode("utf-8", "surrogatepass")


def TestOneInput(data: bytes) -> None:
    sources = sources_of(data)
    first = lint_sources(sources, catalog=CATALOG)
    check(sources, first)
    second = lint_sources(sources, catalog=CATALOG)
    if second != first:
        raise AssertionError(f"two runs differ:\n{first}\n{second}")


def main() -> None:
    if atheris is None:
        sys.exit("atheris is not installed: pip install atheris (needs a recent clang on some platforms)")
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
