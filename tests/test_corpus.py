"""svclint over real manifests from 22 public projects (../shared/corpus/real, see SOURCES.md).

Each source directory is linted as one run, the way its project would lint itself. Healthy
manifests must produce no error; the few errors expected are files that the API server (or
kubectl's strict decoding) really rejects, each listed with the reason.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from svclint.api import lint
from svclint.diagnostics import Severity

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
SOURCES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not SOURCES, reason=f"real corpus not found at {CORPUS}")

KAFKA = "GoogleCloudPlatform__kubernetes-engine-samples/streaming/kafka-confluent/manifests"

#: (file, rule) of every error svclint reports on the corpus, and why the file really is invalid.
KNOWN_INVALID: dict[tuple[str, str], str] = {
    # `requests` appears twice under `resources`: strict decoding rejects the document.
    (f"{KAFKA}/05-replicator/my-target-cluster.yaml", "duplicate-key"): "resources.requests twice",
    (f"{KAFKA}/05-replicator/replicator.yaml", "duplicate-key"): "resources.requests twice",
    (f"{KAFKA}/06-confluent-platform/platform.yaml", "duplicate-key"): "resources.requests twice",
    ("kubernetes__examples/_archived/openshift-origin/etcd-controller.yaml", "duplicate-key"): "spec.selector twice",
    ("kubernetes__examples/_archived/openshift-origin/etcd-discovery-controller.yaml", "duplicate-key"):
        "spec.selector twice",
    ("kubernetes__examples/_archived/openshift-origin/openshift-controller.yaml", "duplicate-key"):
        "spec.selector twice",
    ("kubernetes__examples/_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml",
     "duplicate-key"): "Secret type twice",
    ("kubernetes__examples/_archived/volumes/scaleio/sc-pvc.yaml", "duplicate-key"): "storageClassName twice",
    # Kustomize bases without spec.selector: only kustomize's commonLabels make them valid;
    # `kubectl apply -f` on the file itself fails with "spec.selector: Required value".
    ("kubernetes__ingress-nginx/deploy/grafana/deployment.yaml", "workload-selector-mismatch"):
        "apps/v1 Deployment without selector",
    ("kubernetes__ingress-nginx/deploy/prometheus/deployment.yaml", "workload-selector-mismatch"):
        "apps/v1 Deployment without selector",
    # Wrong types the API server rejects at decoding.
    ("GoogleCloudPlatform__kubernetes-engine-samples/networking/sctp/sctp-deployment.yaml", "schema-violation"):
        "containerPort: PORT, a placeholder the sample asks to replace",
    ("kubernetes__examples/_archived/volumes/aws_ebs/aws-ebs-web.yaml", "schema-violation"): "protocol: tcp",
    ("kubernetes__examples/_archived/volumes/cinder/cinder-web.yaml", "schema-violation"): "protocol: tcp",
}

#: Services whose selector matches nothing although the file is fine: pods applied with -n.
EXTRA_UNMATCHED = {"nginxinc__kubernetes-ingress/tests/data/oidc/nginx-ingress-headless.yaml"}


def _reviewed_unmatched() -> set[str]:
    """Files of the selector-no-match findings reviewed in STATS.md (operators, doc snippets)."""
    stats = (CORPUS / "STATS.md").read_text(encoding="utf-8")
    section = stats.split("### selector-no-match")[1].split("###")[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE))


def _relative(source: str, path: str) -> str:
    return f"{source}/{os.path.relpath(path, CORPUS / source)}"


@pytest.mark.parametrize("source", SOURCES)
def test_no_false_errors_on_real_manifests(source: str) -> None:
    result = lint([str(CORPUS / source)])
    errors = {(_relative(source, d.path), d.rule) for d in result.diagnostics if d.severity is Severity.ERROR}
    expected = {key for key in KNOWN_INVALID if key[0].startswith(source + "/")}
    assert errors == expected
    assert result.objects > 0 or source == "instana__robot-shop"


@pytest.mark.parametrize("source", SOURCES)
def test_unmatched_selectors_are_the_reviewed_ones(source: str) -> None:
    result = lint([str(CORPUS / source)])
    unmatched = {_relative(source, d.path) for d in result.diagnostics if d.rule == "service-selector-matches-nothing"}
    assert unmatched <= _reviewed_unmatched() | EXTRA_UNMATCHED
