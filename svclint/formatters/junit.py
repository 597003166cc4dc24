"""JUnit XML for CI test reports (GitLab, Jenkins, Azure Pipelines, test-report actions).

One test suite per file. In it, one test case per checked object (Service or workload), named
like ``Service shop/web``, and one named ``(file)`` for problems of the file itself (syntax
errors, unreadable files, unrendered templates). A test case with errors or warnings fails: one
``<failure>`` holds them all, its ``type`` the worst severity; an internal error (SVC000) is a
JUnit ``<error>``, a problem of the tool rather than of the manifest. Infos do not fail a test
case: they are what svclint cannot prove wrong (a target port nobody declares, a template it did
not check) and fail no run by default, so they are written to the test case's ``<system-out>``,
where a report shows them without turning red. Suppressed diagnostics are left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from typing import TextIO

from svclint.diagnostics import INTERNAL_ERROR, Diagnostic, LintResult, ObjectRef, Severity
from svclint.formatters import RenderOptions
from svclint.formatters.text import format_diagnostic

FILE_CASE = "(file)"
#: Characters XML 1.0 cannot hold even as references (controls, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Cases = dict[ObjectRef | None, list[Diagnostic]]


def xml_text(text: str) -> str:
    """``text`` with the characters XML cannot hold written as backslash escapes (``\\x01``)."""
    return _NOT_XML.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def cases_by_file(result: LintResult) -> dict[str, Cases]:
    """Per file, in path order: the file-level case (key None) if it has diagnostics, then one case
    per checked object in input order, each with its unsuppressed diagnostics."""
    shown = [d for d in result.diagnostics if not d.suppressed]
    files: defaultdict[str, Cases] = defaultdict(dict)
    for d in shown:
        if d.object is None:
            files[d.path].setdefault(None, []).append(d)
    for checked in result.checked:
        files[checked.path].setdefault(checked.ref, [])
    for d in shown:
        if d.object is not None:  # a diagnostic on an object that is not a checked one gets a case too
            files[d.path].setdefault(d.object, []).append(d)
    return {path: files[path] for path in sorted(files)}


def report(result: LintResult) -> ET.Element:
    """The ``<testsuites>`` element."""
    root = ET.Element("testsuites", name="svclint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for path, cases in cases_by_file(result).items():
        suite = ET.SubElement(root, "testsuite", name=xml_text(path))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for ref, diagnostics in cases.items():
            case = _test_case(suite, path, ref, diagnostics)
            counts["tests"] += 1
            counts["failures"] += case.find("failure") is not None
            counts["errors"] += case.find("error") is not None
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("skipped", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    return root


def render(result: LintResult, out: TextIO, options: RenderOptions) -> None:
    """The report, indented. Non-ASCII text is written as character references, so the bytes are
    ASCII and the UTF-8 declaration holds whatever encoding the output stream has."""
    root = report(result)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="us-ascii").decode("ascii") + "\n")


def _test_case(suite: ET.Element, path: str, ref: ObjectRef | None, diagnostics: list[Diagnostic]) -> ET.Element:
    name = FILE_CASE if ref is None else str(ref)
    case = ET.SubElement(suite, "testcase", name=xml_text(name), classname=xml_text(path), file=xml_text(path))
    internal = [d for d in diagnostics if d.rule == INTERNAL_ERROR]
    failing = [d for d in diagnostics if d.rule != INTERNAL_ERROR and d.severity >= Severity.WARNING]
    infos = [d for d in diagnostics if d.rule != INTERNAL_ERROR and d.severity < Severity.WARNING]
    if internal:
        _problem(case, "error", INTERNAL_ERROR, internal)
    if failing:
        _problem(case, "failure", max(d.severity for d in failing).label, failing)
    if infos:
        ET.SubElement(case, "system-out").text = xml_text(_details(infos))
    return case


def _problem(case: ET.Element, tag: str, kind: str, diagnostics: Sequence[Diagnostic]) -> None:
    first = diagnostics[0]
    if len(diagnostics) == 1:
        headline = f"{first.code} {first.rule}: {first.message}"
    else:
        headline = f"{len(diagnostics)} problems: " + ", ".join(f"{d.code} {d.rule}" for d in diagnostics)
    element = ET.SubElement(case, tag, message=xml_text(headline), type=kind)
    element.text = xml_text(_details(diagnostics))


def _details(diagnostics: Sequence[Diagnostic]) -> str:
    """The diagnostics as the text format prints them: location, message, help and notes."""
    return "\n".join(format_diagnostic(d) for d in diagnostics)
