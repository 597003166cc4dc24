"""The loader: from bytes and paths to objects, with exact 1-based positions.

Most tests use one probe: a ``type: ClusterIP`` Service that sets ``nodePort: 30080``. Rule
node-port-not-allowed points at the nodePort *value*, so wherever the probe sits (flow style,
JSON, the third document, a List item, a UTF-16 file...) the diagnostic must land on ``30080``.
Each test states the expected ``(rule, line, column)`` and also checks that the text under the
span really is ``30080``, so a wrong number cannot be "fixed" by editing the expectation alone.
"""

from __future__ import annotations

import codecs
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from svclint.api import LintResult, lint, lint_sources
from svclint.diagnostics import Diagnostic, Severity
from svclint.discovery import InputError, Source, discover
from svclint.loader import load_source
from svclint.reading import ReadError, read_source
from svclint.settings import Settings
from svclint.yamlparse import parse_stream

NOT_ALLOWED = "node-port-not-allowed"

#: The probe: line 9, column 17 is the ``3`` of ``30080``.
PROBE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
  ports:
    - port: 80
      nodePort: 30080
"""

CONFIG_MAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
"""


def run(data: bytes | str, **settings: Any) -> LintResult:
    """Lint one in-memory file, ``manifest.yaml`` (bytes as they would be on disk)."""
    if isinstance(data, str):
        data = data.encode()
    return lint_sources([("manifest.yaml", data)], Settings(**settings))


def found(data: bytes | str, **settings: Any) -> list[tuple[str, int, int]]:
    """``(rule, line, column)`` of every diagnostic, in output order."""
    return [(d.rule, d.span.line, d.span.column) for d in run(data, **settings).diagnostics]


def only(data: bytes | str, **settings: Any) -> Diagnostic:
    diagnostics = run(data, **settings).diagnostics
    assert len(diagnostics) == 1, diagnostics
    return diagnostics[0]


def under(text: str, d: Diagnostic) -> str:
    """The source text a one-line span covers; columns count characters (code points)."""
    assert d.span.line == d.span.end_line
    line = text.splitlines()[d.span.line - 1]
    return line[d.span.column - 1:d.span.end_column - 1]


def probe_at(data: bytes | str, text: str | None = None) -> tuple[int, int]:
    """Where node-port-not-allowed points, after checking that it points at ``30080``."""
    d = only(data)
    assert d.rule == NOT_ALLOWED
    if text is None:
        assert isinstance(data, str)
        text = data
    assert under(text, d) == "30080"
    return d.span.line, d.span.column


# --- Positions --------------------------------------------------------------------------------------


def test_block_style() -> None:
    assert probe_at(PROBE) == (9, 17)
    assert only(PROBE).span.end_column == 22  # end column is exclusive: "30080" is 17..21


def test_flow_style_mapping_on_one_line() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: ClusterIP, ports: [{port: 80, nodePort: 30080}]}
"""
    assert probe_at(text) == (4, 54)


def test_flow_style_whole_document_on_one_line() -> None:
    text = "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 80, nodePort: 30080}]}}\n"
    assert probe_at(text) == (1, 92)


def test_flow_style_spread_over_lines() -> None:
    text = """\
{apiVersion: v1, kind: Service,
 metadata: {name: web},
 spec: {
   ports: [
     {port: 80,
        nodePort: 30080}]}}
"""
    assert probe_at(text) == (6, 19)


def test_json_file() -> None:
    text = """\
{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "web"},
  "spec": {
    "type": "ClusterIP",
    "ports": [
      {"port": 80, "nodePort": 30080}
    ]
  }
}
"""
    assert probe_at(text) == (8, 32)


def test_json_file_indented_with_tabs() -> None:
    # YAML forbids tabs for indentation, but in JSON (flow style) they are plain white space.
    # A tab is one character: the column is 2 tabs + '"ports": [{"port": 80, "nodePort": ' + 1.
    text = (
        '{\n'
        '\t"apiVersion": "v1",\n'
        '\t"kind": "Service",\n'
        '\t"metadata": {"name": "web"},\n'
        '\t"spec": {\n'
        '\t\t"type": "ClusterIP",\n'
        '\t\t"ports": [{"port": 80, "nodePort": 30080}]\n'
        '\t}\n'
        '}\n'
    )
    assert probe_at(text) == (7, 38)


def test_second_and_third_documents() -> None:
    text = CONFIG_MAP + "---\n" + PROBE + "---\n" + PROBE.replace("name: web", "name: api")
    assert found(text) == [(NOT_ALLOWED, 16, 17), (NOT_ALLOWED, 26, 17)]
    first, second = run(text).diagnostics
    assert (str(first.object), str(second.object)) == ("Service default/web", "Service default/api")
    assert under(text, first) == under(text, second) == "30080"


def test_document_markers_and_comments_do_not_shift_positions() -> None:
    text = "# a comment\n---\n# another\n" + PROBE + "...\n---\n" + CONFIG_MAP
    assert probe_at(text) == (12, 17)


def test_kind_list_items() -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
        - port: 80
          nodePort: 30080
"""
    assert probe_at(text) == (15, 21)
    assert str(only(text).object) == "Service default/web"


def test_service_list_items_second_item() -> None:
    text = """\
apiVersion: v1
kind: ServiceList
items:
- apiVersion: v1
  kind: Service
  metadata: {name: fine}
  spec: {ports: [{port: 80}]}
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec: {ports: [{port: 80, nodePort: 30080}]}
"""
    assert probe_at(text) == (11, 39)
    assert str(only(text).object) == "Service shop/web"


def test_crlf_line_endings() -> None:
    data = PROBE.replace("\n", "\r\n").encode()
    assert probe_at(data, PROBE) == (9, 17)


def test_utf8_bom_is_not_a_column() -> None:
    data = codecs.BOM_UTF8 + PROBE.encode()
    assert probe_at(data, PROBE) == (9, 17)


def test_utf8_bom_with_a_flow_first_line() -> None:
    text = "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 80, nodePort: 30080}]}}\n"
    assert probe_at(codecs.BOM_UTF8 + text.encode(), text) == (1, 92)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding: str) -> None:
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + PROBE.encode(encoding)
    assert probe_at(data, PROBE) == (9, 17)


def test_utf16_with_bom_and_crlf() -> None:
    # What Windows PowerShell's `>` (Out-File) writes.
    data = PROBE.replace("\n", "\r\n").encode("utf-16")
    assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert probe_at(data, PROBE) == (9, 17)


def test_non_ascii_before_the_value_counts_characters_not_bytes() -> None:
    # "é" is 2 bytes in UTF-8, "→" 3 and "🚀" 4 (and 2 UTF-16 code units): each is one column.
    text = ('{apiVersion: v1, kind: Service, metadata: {name: web, annotations: {note: "é→🚀"}}, '
            'spec: {ports: [{port: 80, nodePort: 30080}]}}\n')
    assert probe_at(text) == (1, 120)
    line = text.splitlines()[0]
    assert line.index("30080") + 1 == 120
    assert line.encode().index(b"30080") + 1 == 126  # what a byte-counting column would say


def test_non_ascii_in_utf16_and_json() -> None:
    text = ('{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "wéb", '
            '"annotations": {"note": "日本語"}}, "spec": {"ports": [{"port": 80, "nodePort": 30080}]}}\n')
    assert probe_at(text.encode("utf-16"), text) == (1, 146)


# --- Syntax errors and other unparseable files ------------------------------------------------------


def test_syntax_error_is_located_and_earlier_documents_are_still_checked() -> None:
    text = PROBE + """\
---
apiVersion: v1
kind: Service
metadata:
  name: broken
   labels: {app: web}
---
""" + PROBE.replace("name: web", "name: after")
    # Document 1 is checked; document 2 has the error; document 3 (after it) is not read.
    assert found(text) == [(NOT_ALLOWED, 9, 17), ("yaml-syntax-error", 15, 10)]
    error = run(text).diagnostics[1]
    assert error.message == "mapping values are not allowed here"
    assert error.severity is Severity.ERROR
    assert error.object is None
    assert text.splitlines()[14][9] == ":"


def test_unclosed_flow_sequence() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web
spec: {}
"""
    d = only(text)
    assert (d.rule, d.span.line, d.span.column) == ("yaml-syntax-error", 6, 5)
    assert d.message == "while parsing a flow mapping; expected ',' or '}', but got ':'"


def test_tab_indentation_in_block_yaml_is_a_syntax_error() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n"
    assert found(text) == [("yaml-syntax-error", 4, 1)]


def test_duplicate_key_points_at_the_second_key() -> None:
    text = PROBE + "  type: NodePort\n"
    d = only(text)
    assert (d.rule, d.span.line, d.span.column) == ("duplicate-key", 10, 3)
    assert d.message.startswith("duplicate key 'type' (first defined on line 6)")
    # The later value wins (as kubectl without strict validation): a NodePort may set nodePort.


def test_duplicate_key_nested_in_a_flow_mapping() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web, name: api}
"""
    assert found(text) == [("duplicate-key", 3, 23)]


def test_invalid_utf8_reports_the_byte_offset() -> None:
    data = b"apiVersion: v1\nkind: Service\nmetadata:\n  name: w\xffb\n"
    d = only(data)
    assert (d.rule, d.span.line, d.span.column) == ("yaml-syntax-error", 4, 10)
    assert d.message == "invalid UTF-8 at byte offset 48: manifests must be UTF-8"
    assert data.index(b"\xff") == 48


def test_latin1_file_is_invalid_utf8() -> None:
    data = "apiVersion: v1\nkind: ConfigMap\ndata:\n  city: Zürich\n".encode("latin-1")
    d = only(data)
    assert (d.rule, d.span.line, d.span.column) == ("yaml-syntax-error", 4, 10)
    assert d.message == "invalid UTF-8 at byte offset 46: manifests must be UTF-8"


def test_invalid_utf8_after_a_bom_reports_the_real_offset() -> None:
    # The offset counts the BOM (it is a byte of the file); the column does not.
    data = codecs.BOM_UTF8 + b"apiVersion: v1\nkind: Service\nmetadata:\n  name: w\xffb\n"
    d = only(data)
    assert data.index(b"\xff") == 51
    assert d.message == "invalid UTF-8 at byte offset 51: manifests must be UTF-8"
    assert (d.span.line, d.span.column) == (4, 10)


def test_binary_file_with_a_yaml_extension(tmp_path: Path) -> None:
    path = tmp_path / "logo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    result = lint([str(path)])
    assert [(d.rule, d.span.line, d.span.column, d.message) for d in result.diagnostics] == [
        ("yaml-syntax-error", 1, 1, "binary file (NUL byte at offset 8); not a YAML or JSON manifest"),
    ]


def test_utf16_without_a_bom_is_taken_for_binary() -> None:
    # Without a BOM the NUL bytes of UTF-16 text are all svclint can see.
    d = only("apiVersion: v1\n".encode("utf-16-le"))
    assert (d.rule, d.message) == (
        "yaml-syntax-error", "binary file (NUL byte at offset 1); not a YAML or JSON manifest")


def test_broken_utf16() -> None:
    d = only(codecs.BOM_UTF16_LE + "a: b".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    assert (d.rule, d.span.line, d.span.column) == ("yaml-syntax-error", 1, 1)
    assert d.message == "invalid UTF-16 at byte offset 10"


@pytest.mark.parametrize("data", [b"", b"\n\n", b"# only a comment\n", b"---\n", b"---\n...\n"])
def test_empty_files_are_fine(data: bytes) -> None:
    result = run(data)
    assert (result.diagnostics, result.files, result.objects) == ((), 1, 0)


# --- Templates ----------------------------------------------------------------------------------------


HELM_TEMPLATE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
      nodePort: 30080
"""


def test_helm_template_is_one_info_and_not_checked() -> None:
    d = only(HELM_TEMPLATE)
    assert (d.rule, d.code, d.severity) == ("unrendered-template", "SVC003", Severity.INFO)
    assert (d.span.line, d.span.column, d.span.end_column) == (4, 9, 39)
    assert under(HELM_TEMPLATE, d) == '{{ include "app.fullname" . }}'
    assert d.message == ("file contains template syntax ({{ ... }}) and is not a manifest yet; "
                         "it was not checked")
    assert d.help is not None and "helm template" in d.help
    assert run(HELM_TEMPLATE).objects == 0


def test_values_placeholder() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.x }}\n"
    assert found(text) == [("unrendered-template", 4, 9)]


def test_template_with_control_blocks() -> None:
    text = "{{- if .Values.enabled }}\n" + PROBE + "{{- end }}\n"
    assert found(text) == [("unrendered-template", 1, 1)]


@pytest.mark.parametrize("text, where", [
    ("apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\n", (4, 9)),
    ("{{/* a comment */}}\n" + PROBE, (1, 1)),
    ("{{- with .Values.service }}\n" + PROBE + "{{- end }}\n", (1, 1)),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: {{ .Values.port }}}]}\n",
     (4, 23)),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  externalIPs:\n  - {{ .Values.ip }}\n",
     (6, 5)),
], ids=["value", "comment", "with-block", "flow-value", "list-item"])
def test_helm_idioms_are_one_unrendered_template(text: str, where: tuple[int, int]) -> None:
    assert found(text) == [("unrendered-template", *where)]


@pytest.mark.parametrize("text, where", [
    (("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n"
      "    {{- toYaml .Values.labels | nindent 4 }}\nspec:\n  ports: [{port: 80}]\n"), (6, 5)),
    ('{{- $fullName := include "app.fullname" . -}}\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
     (1, 1)),
    ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  {{ .Values.spec }}\n", (6, 3)),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  {{ .Values.key }}: value\n", (6, 3)),
    (("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n"
      "{{ tpl .Values.annotations . | indent 4 }}\n"), (6, 1)),
], ids=["toYaml-line", "assignment", "values-line", "templated-key", "tpl-line"])
def test_helm_idioms_on_their_own_line_are_one_unrendered_template(text: str, where: tuple[int, int]) -> None:
    assert found(text) == [("unrendered-template", *where)]


def test_template_braces_inside_a_configmap_value_are_not_a_template() -> None:
    # Prometheus/Alertmanager rules are full of {{ $labels.x }} in quoted or block strings.
    text = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: alert-rules
data:
  rules.yaml: |
    groups:
      - name: up
        rules:
          - alert: InstanceDown
            annotations:
              summary: "Instance {{ $labels.instance }} down"
  inline: '{{ $labels.job }}'
"""
    assert found(text) == []


def test_template_braces_in_a_quoted_annotation_do_not_hide_the_service() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    summary: "{{ $labels.instance }} is down"
spec:
  ports:
    - port: 80
      nodePort: 30080
"""
    assert probe_at(text) == (10, 17)


def test_quoted_template_braces_do_not_turn_a_syntax_error_into_an_info() -> None:
    # An info would let the run pass (exit 0) and drop the valid documents before the error.
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    summary: "{{ $labels.instance }} is down"
spec:
  ports:
    - port: 80
      nodePort: 30080
---
apiVersion: v1
kind: Service
metadata:
  name: broken
   labels: {app: web}
"""
    assert found(text) == [(NOT_ALLOWED, 10, 17), ("yaml-syntax-error", 16, 10)]


def test_quoted_template_braces_do_not_hide_a_duplicate_key() -> None:
    text = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: alert-rules
data:
  summary: "{{ $labels.instance }} down"
  summary: "{{ $labels.job }} down"
"""
    assert found(text) == [("duplicate-key", 7, 3)]


# --- What is skipped quietly ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "name: CI\non:\n  push: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n",  # a GitHub workflow
    "replicaCount: 1\nservice:\n  type: ClusterIP\n  nodePort: 30080\n",  # Helm values.yaml
    "kind: Service\nspec: {ports: [{nodePort: 30080}]}\n",  # no apiVersion
    "apiVersion: v1\nspec: {ports: [{nodePort: 30080}]}\n",  # no kind
], ids=["workflow", "helm-values", "no-apiVersion", "no-kind"])
def test_non_kubernetes_yaml_is_skipped(text: str) -> None:
    result = run(text)
    assert (result.diagnostics, result.objects) == ((), 0)


@pytest.mark.parametrize("api_version, kind", [
    ("v1", "Widget"),
    ("v1", "service"),  # kinds are case-sensitive
    ("networking.k8s.io/v1", "Ingress"),
    ("example.com/v1", "ServiceEntry"),
])
def test_unknown_kinds_are_skipped(api_version: str, kind: str) -> None:
    text = (f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n"
            "spec: {type: ClusterIP, ports: [{port: 80, nodePort: 30080}]}\n")
    result = run(text)
    assert (result.diagnostics, result.objects) == ((), 0)


def test_a_custom_resource_called_service_is_not_a_core_service() -> None:
    # Like Knative's serving.knative.dev/v1 Service: core Service validation does not apply.
    text = """\
apiVersion: serving.example.com/v1
kind: Service
metadata:
  name: hello
spec:
  type: ClusterIP
  ports:
    - port: 80
      nodePort: 30080
"""
    result = run(text)
    assert (result.diagnostics, result.objects) == ((), 0)


SERVICE = "apiVersion: v1\nkind: Service\n"
DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\n"


SCHEMA = "schema-violation"


@pytest.mark.parametrize("text, expected", [
    ("--- 42\n--- just a string\n--- [1, 2, 3]\n--- null\n--- true\n", []),
    ("- apiVersion: v1\n  kind: Service\n  spec: {ports: [{nodePort: 30080}]}\n", []),  # a bare list
    # A wrong type is one schema-violation, at the value (a container: at its key), and nothing else.
    (SERVICE + "metadata: null\n", [(SCHEMA, 3, 11)]),
    (SERVICE + "metadata: [web]\n", [(SCHEMA, 3, 1)]),
    (SERVICE + "metadata: {name: 42, namespace: [a]}\n", [(SCHEMA, 3, 18), (SCHEMA, 3, 22)]),
    (SERVICE + "spec: []\n", [(SCHEMA, 3, 1)]),
    (SERVICE + "spec: just text\n", [(SCHEMA, 3, 7)]),
    (SERVICE + "spec: {ports: {}}\n", [(SCHEMA, 3, 8)]),
    (SERVICE + "spec: {ports: [42, null, [1], {port: 80, nodePort: x}]}\n",
     [(SCHEMA, 3, 16), (SCHEMA, 3, 20), (SCHEMA, 3, 26), (SCHEMA, 3, 52)]),
    (SERVICE + "spec: {selector: [app]}\n", [(SCHEMA, 3, 8)]),
    (SERVICE + "spec: {selector: {app: [web]}}\n", [(SCHEMA, 3, 19)]),
    # A type that is not a string is no type at all: no type-specific rule guesses one.
    (SERVICE + "spec: {type: [NodePort], ports: [{port: 80, nodePort: 30080}]}\n", [(SCHEMA, 3, 8)]),
    (SERVICE + "spec: {type: ExternalName, externalName: [a]}\n", [(SCHEMA, 3, 28)]),
    ("apiVersion: v1\nkind: 42\nmetadata: {name: x}\n", []),
    ("apiVersion: 1\nkind: Service\n", []),
    ("apiVersion: v1\nkind: List\nitems: {a: b}\n", []),
    ("apiVersion: v1\nkind: List\nitems: [42, null, [1]]\n", []),
    (DEPLOYMENT + "spec: {template: []}\n", [(SCHEMA, 3, 8)]),
    (DEPLOYMENT + "spec: {selector: {matchLabels: [a]}, template: {spec: {containers: {}}}}\n",
     [(SCHEMA, 3, 19), (SCHEMA, 3, 56)]),
], ids=lambda value: value.splitlines()[-1][:40] if isinstance(value, str) else "")
def test_odd_shapes_give_no_traceback(text: str, expected: list[tuple[str, int, int]]) -> None:
    # Kubernetes rejects these when it decodes them; svclint must not crash on them (a crash
    # would show as an internal-error diagnostic) and reports each wrong type once.
    assert found(text) == expected


# --- Namespaces ---------------------------------------------------------------------------------------


def _namespaces(text: str, **settings: Any) -> list[str | None]:
    return [d.object.namespace if d.object else None for d in run(text, **settings).diagnostics]


def test_objects_without_a_namespace_get_the_default_one() -> None:
    assert _namespaces(PROBE) == ["default"]


def test_default_namespace_setting() -> None:
    assert _namespaces(PROBE, default_namespace="x") == ["x"]


def test_explicit_namespace_wins_over_the_default() -> None:
    text = PROBE.replace("  name: web\n", "  name: web\n  namespace: shop\n")
    assert _namespaces(text, default_namespace="x") == ["shop"]


def test_empty_namespace_means_the_default() -> None:
    text = PROBE.replace("  name: web\n", '  name: web\n  namespace: ""\n')
    assert _namespaces(text, default_namespace="x") == ["x"]


def test_default_namespace_decides_which_workloads_a_service_selects() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
"""
    assert found(text) == [("service-selector-matches-nothing", 6, 3)]
    assert found(text, default_namespace="shop") == []


# --- YAML features ----------------------------------------------------------------------------------


def test_merge_key() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web}
x-defaults: &defaults
  type: ClusterIP
  ports: [{port: 80, nodePort: 30080}]
spec:
  <<: *defaults
"""
    # The merged value lives where the anchor defines it: that is where the diagnostic points.
    assert probe_at(text) == (6, 32)


def test_merge_key_explicit_keys_win() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web}
x-defaults: &defaults
  type: NodePort
  ports: [{port: 80, nodePort: 30080}]
spec:
  <<: *defaults
  type: ClusterIP
"""
    assert probe_at(text) == (6, 32)


def test_merge_key_with_a_list_of_mappings() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web}
x-type: &type {type: ClusterIP}
x-ports: &ports {ports: [{port: 80, nodePort: 30080}]}
spec:
  <<: [*type, *ports]
"""
    assert probe_at(text) == (5, 47)


def test_alias_of_a_sequence() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web}
x-ports: &ports
  - port: 80
    nodePort: 30080
spec:
  type: ClusterIP
  ports: *ports
"""
    assert probe_at(text) == (6, 15)


def test_anchors_do_not_cross_documents() -> None:
    text = "x: &base {type: ClusterIP}\n---\napiVersion: v1\nkind: Service\nspec:\n  <<: *base\n"
    ports, d = run(text).diagnostics  # the spec left is empty: service-ports-required on "spec"
    assert (ports.rule, ports.span.line) == ("service-ports-required", 5)
    assert (d.rule, d.span.line, d.span.column, d.message) == (
        "yaml-syntax-error", 6, 7, "found undefined alias 'base'")


def test_merge_of_a_list_is_an_error() -> None:
    text = "apiVersion: v1\nkind: Service\nx: &x [1]\nspec:\n  <<: *x\n"
    ports, d = run(text).diagnostics  # the spec left is empty: service-ports-required on "spec"
    assert (ports.rule, ports.span.line) == ("service-ports-required", 4)
    assert (d.rule, d.span.line, d.span.column, d.message) == (
        "yaml-syntax-error", 5, 3, "a merge key '<<' must refer to a mapping")


def test_recursive_aliases_are_errors_and_do_not_hang() -> None:
    # kubectl (go-yaml) rejects them too: "anchor 'a' value contains itself".
    # (The kind makes it a manifest: a broken file naming no kind or apiVersion is skipped.)
    assert found("a: &a [*a]\nb: &b\n  c: 1\n  <<: *b\nkind: Service\n") == [
        ("yaml-syntax-error", 1, 8), ("yaml-syntax-error", 4, 7),
    ]


def test_alias_bombs_are_not_expanded() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
    text = "\n".join(levels) + "\napiVersion: v1\nkind: Service\nspec: {ports: *i}\n"  # 10**9 leaves
    # Ten ports that are lists, not mappings: each is one schema violation, none is looked into.
    assert [rule for rule, _, _ in found(text)] == ["schema-violation"] * 10


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"""\
apiVersion: v1
kind: Service
metadata:
  name: !!python/object/apply:os.system ["touch {marker}"]
  labels:
    app: !!python/object/apply:os.system "touch {marker}"
    tier: !!python/name:os.system
spec:
  ports:
    - port: 80
      nodePort: 30080
"""
    loaded = load_source("manifest.yaml", text.encode(), 0)
    assert not marker.exists()
    (service,) = loaded.objects
    # The tag is ignored, nothing is called: a tagged sequence stays a list of strings and a
    # tagged scalar stays its text.
    assert service.document.value["metadata"]["name"] == [f"touch {marker}"]
    assert service.document.value["metadata"]["labels"] == {"app": f"touch {marker}", "tier": ""}
    assert found(text) == [("schema-violation", 4, 3)]  # a name that is a list
    assert not marker.exists()


def test_scalars_follow_yaml_1_2() -> None:
    # YAML 1.2 core schema: "on"/"yes" stay strings, 0o17 is octal, 017 is decimal 17.
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {a: on, b: yes, c: "30080"}
spec:
  ports: [{name: a, port: 0o120, nodePort: 0x7580}, {name: b, port: 81, nodePort: "30081"}]
"""
    (service,) = load_source("manifest.yaml", text.encode(), 0).objects
    value = service.document.value
    assert value["metadata"]["labels"] == {"a": "on", "b": "yes", "c": "30080"}
    assert value["spec"]["ports"] == [
        {"name": "a", "port": 80, "nodePort": 30080},
        {"name": "b", "port": 81, "nodePort": "30081"},
    ]
    assert found(text) == [("schema-violation", 7, 83)]  # a quoted "30081" is not a number


# --- Files, directories, stdin --------------------------------------------------------------------


def _write(root: Path, *names: str, content: str = CONFIG_MAP) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def test_directories_are_walked_recursively_in_sorted_order(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "tree",
           "b.yaml", "A.yml", "c.json", "upper.YAML", "notes.txt", "svc.yaml.bak", "README.md",
           "sub/z.yaml", "sub/deeper/y.yml", "a_sub/q.yaml",
           ".git/config.yaml", ".hidden/h.yaml", "sub/.cache/c.yaml")
    # A directory's files (sorted by name) come before its subdirectories (sorted by name).
    assert [s.path for s in discover(["tree"])] == [
        "tree/A.yml",
        "tree/b.yaml",
        "tree/c.json",
        "tree/upper.YAML",
        "tree/a_sub/q.yaml",
        "tree/sub/z.yaml",
        "tree/sub/deeper/y.yml",
    ]


def test_walked_paths_keep_the_form_the_user_gave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "deploy/svc.yaml")
    assert [s.path for s in discover(["deploy"])] == ["deploy/svc.yaml"]
    assert [s.path for s in discover(["./deploy"])] == ["./deploy/svc.yaml"]
    assert [s.path for s in discover([str(tmp_path / "deploy")])] == [str(tmp_path / "deploy" / "svc.yaml")]
    monkeypatch.chdir(tmp_path / "deploy")
    assert [s.path for s in discover(["."])] == ["svc.yaml"]
    assert [s.path for s in discover(["../deploy/svc.yaml"])] == ["../deploy/svc.yaml"]


def test_a_file_named_twice_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "deploy/svc.yaml")
    sources = discover(["deploy/svc.yaml", "deploy", "./deploy/svc.yaml"])
    assert [s.path for s in sources] == ["deploy/svc.yaml"]


def test_a_directory_named_like_a_manifest_is_walked_not_read(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tree" / "x.yaml").mkdir(parents=True)
    _write(tmp_path / "tree" / "x.yaml", "inner.yaml", content=PROBE)
    result = lint(["tree"])
    assert [(d.path, d.rule, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("tree/x.yaml/inner.yaml", NOT_ALLOWED, 9, 17),
    ]
    assert result.files == 1


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="needs symlinks")
def test_a_file_reached_through_links_is_read_once_under_its_first_name(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "tree", "a.yaml", "real/b.yaml")
    os.symlink("a.yaml", tmp_path / "tree" / "0-link.yaml")  # walked before a.yaml: its name wins
    os.symlink("real", tmp_path / "tree" / "linked")  # walked before real/: b.yaml is linked/b.yaml
    assert [s.path for s in discover(["tree", "tree/real/b.yaml"])] == [
        "tree/0-link.yaml", "tree/linked/b.yaml",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="needs symlinks")
def test_symlink_loops_do_not_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "tree", "a.yaml", "sub/b.yaml")
    os.symlink("..", tmp_path / "tree" / "sub" / "up")  # tree/sub/up -> tree
    os.symlink("../sub", tmp_path / "tree" / "sub" / "again")  # tree/sub/again -> tree/sub
    os.symlink("self.yaml", tmp_path / "tree" / "self.yaml")  # a file symlink pointing at itself

    outcome: list[LintResult] = []
    worker = threading.Thread(target=lambda: outcome.append(lint(["tree"])), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "walking a symlink loop did not finish"

    (result,) = outcome
    assert result.files == 3  # a.yaml, self.yaml, sub/b.yaml: each real file once
    (d,) = result.diagnostics
    assert (d.path, d.rule, d.span.line, d.span.column) == ("tree/self.yaml", "unreadable-file", 1, 1)
    assert d.message.startswith("cannot read file: ")  # "Too many levels of symbolic links" on Linux


def test_a_missing_path_raises_input_error(tmp_path: Path) -> None:
    _write(tmp_path, "svc.yaml")
    missing = str(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="nope.yaml: no such file or directory"):
        lint([str(tmp_path / "svc.yaml"), missing])


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(PROBE)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read a mode-000 file (root)")
        result = lint([str(path)])
    finally:
        path.chmod(0o644)
    assert [(d.rule, d.span.line, d.span.column, d.message) for d in result.diagnostics] == [
        ("unreadable-file", 1, 1, "cannot read file: Permission denied"),
    ]


def test_read_errors_become_unreadable_file() -> None:
    # The same path without the file system: a ReadError in place of bytes.
    result = lint_sources([("secret.yaml", ReadError("cannot read file: Permission denied"))])
    (d,) = result.diagnostics
    assert (d.code, d.rule, d.severity, d.path, d.span.line, d.span.column, d.message) == (
        "SVC004", "unreadable-file", Severity.ERROR, "secret.yaml", 1, 1,
        "cannot read file: Permission denied")


def test_stdin_is_the_path_dash() -> None:
    result = lint(["-"], stdin=PROBE.encode())
    assert [(d.path, d.rule, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("-", NOT_ALLOWED, 9, 17),
    ]
    assert result.files == 1


def test_files_are_read_as_bytes_so_encodings_match_in_memory_sources(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_bytes(codecs.BOM_UTF8 + PROBE.replace("\n", "\r\n").encode())
    result = lint([str(path)])
    assert [(d.rule, d.span.line, d.span.column) for d in result.diagnostics] == [(NOT_ALLOWED, 9, 17)]


def test_walks_skip_hidden_files_and_dependency_directories(tmp_path: Path) -> None:
    for name in ("svc.yaml", ".hidden.yaml", "node_modules/pkg/svc.yaml", "venv/svc.yaml", "app/svc.yaml"):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PROBE)
    assert [s.path for s in discover([str(tmp_path)])] == [
        str(tmp_path / "svc.yaml"),
        str(tmp_path / "app" / "svc.yaml"),
    ]



def test_numbers_too_long_for_python_stay_text() -> None:
    (document,) = parse_stream("a: " + "1" * 5000 + "\nb: 0x10\n").documents
    assert document.value == {"a": "1" * 5000, "b": 16}


@pytest.mark.parametrize(("size", "readable"), [(0, True), (999, True), (1000, True), (1001, False)])
def test_files_up_to_the_size_limit_are_read_whole(tmp_path: Path, size: int, readable: bool) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"x" * size)
    data = read_source(Source(str(path), str(path)), limit=1000)
    assert data == b"x" * size if readable else data == ReadError(
        "file is larger than the 0.000953674 MiB limit (--max-file-size): not checked")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_read_only_up_to_the_limit() -> None:
    assert read_source(Source("zero.yaml", "/dev/zero"), limit=1000) == ReadError(
        "file is larger than the 0.000953674 MiB limit (--max-file-size): not checked")


# --- Files that are not manifests (issue 14, items 9) -----------------------------------------------


def test_a_broken_file_that_names_no_kind_or_api_version_is_not_a_manifest_and_is_skipped() -> None:
    tsconfig = b'{\n  // comments are not JSON\n  "compilerOptions": {"strict": true}\n}\n'
    assert lint_sources([("tsconfig.json", tsconfig), ("notes.yaml", b"a: [\n")]).diagnostics == ()


def test_a_broken_manifest_is_still_reported_and_a_json_one_in_words_of_json() -> None:
    broken = b'{"apiVersion": "v1", "kind": "Service",\n "metadata": {"name": "x"},, }\n'
    (json_error,) = lint_sources([("svc.json", broken)]).diagnostics
    assert (json_error.rule, json_error.span.line, json_error.span.column) == ("yaml-syntax-error", 2, 28)
    assert json_error.message.startswith("invalid JSON (read as YAML, of which JSON is a subset): while parsing")
    (yaml_error,) = lint_sources([("svc.yaml", b"apiVersion: v1\nkind: [Service\n")]).diagnostics
    assert yaml_error.rule == "yaml-syntax-error" and not yaml_error.message.startswith("invalid JSON")


def test_stdin_that_does_not_parse_is_always_reported() -> None:
    # Piped input is meant to be manifests: say it is broken rather than skip it.
    (error,) = lint_sources([("-", b"a: [\n")]).diagnostics
    assert error.rule == "yaml-syntax-error"
