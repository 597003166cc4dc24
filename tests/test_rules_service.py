"""What stays in Python of the API-server parity rules' tests; their cases are in tests/rules/.

Not fixtures: the static band formula of node-port-outside-static-band (SVC304), called directly;
invalid-service-field (SVC503) on addresses of 5000 digits, a manifest built by code (a fixture
would be two lines of 5000 characters); and ``svclint check --kube-version``, whose exit codes,
error messages and help a snapshot does not show (the findings with a version setting are
fixtures with a ``# settings: kube-version=...`` header, e.g.
tests/rules/invalid-service-field/mixed-protocols-lb-kube-1.23.yaml).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lint, manifest, where
from typer.testing import CliRunner

from svclint.cli import app
from svclint.k8s import static_band_size

# ================================================================================================
# node-port-outside-static-band
# ================================================================================================


def test_default_static_band_is_30000_to_30085() -> None:
    assert static_band_size(30000, 32767) == 86


@pytest.mark.parametrize(("low", "high", "band"), [
    (30000, 30015, 0),  # 16 ports or fewer: no static band
    (30000, 30016, 16),  # 17/32 = 0, at least 16
    (30000, 30599, 18),  # 600/32
    (20000, 24095, 128),  # 4096/32
    (1, 65535, 128),  # at most 128
])
def test_static_band_size_formula(low: int, high: int, band: int) -> None:
    assert static_band_size(low, high) == band


# ================================================================================================
# invalid-service-field
# ================================================================================================

SERVICE = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      type: {type}
      {field}
      ports: [{{port: 80}}]
"""


def test_huge_numbers_in_addresses_are_invalid_not_a_crash() -> None:
    digits = "1" * 5000  # more digits than Python converts to int
    text = SERVICE.format(type="LoadBalancer", field=f"externalIPs: ['{digits}.1.1.1']\n      "
                          f"loadBalancerSourceRanges: ['10.0.0.0/{digits}']")
    diagnostics = lint(text)
    assert where(diagnostics) == [("invalid-service-field", 7, 17), ("invalid-service-field", 8, 30)]
    assert diagnostics[0].message.startswith("externalIP '1111")
    assert diagnostics[1].message.startswith("'10.0.0.0/1111")
    assert "...' in loadBalancerSourceRanges is not a CIDR" in diagnostics[1].message  # quoted, cut short


# ================================================================================================
# svclint check --kube-version
# ================================================================================================

MIXED = """
    apiVersion: v1
    kind: Service
    metadata:
      name: dns
    spec:
      type: LoadBalancer
      ports:
        - {name: dns-tcp, port: 53, protocol: TCP}
        - {name: dns-udp, port: 53, protocol: UDP}
"""


def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Run ``svclint check ARGS svc.yaml`` on a LoadBalancer mixing TCP and UDP."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(manifest(MIXED), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", *args, "svc.yaml"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("version", ["1.23", "v1.23", "1.23.7"])
def test_cli_kube_version_before_mixed_protocol_load_balancers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               version: str) -> None:
    code, out, err = _cli(tmp_path, monkeypatch, "--kube-version", version)
    assert (code, err) == (1, "")
    assert out.startswith("svc.yaml:7:3: error SVC503 invalid-service-field: a LoadBalancer Service may not "
                          "mix protocols (TCP, UDP) before Kubernetes 1.24, and the target is 1.23:")
    assert out.endswith("1 error, 0 warnings, 0 infos in 1 file, 1 object\n")


@pytest.mark.parametrize("options", [(), ("--kube-version", "1.24"), ("--kube-version=1.34",)])
def test_cli_kube_version_default_and_newer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            options: tuple[str, ...]) -> None:
    assert _cli(tmp_path, monkeypatch, *options) == (0, "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n", "")


@pytest.mark.parametrize("version", ["1", "latest", "1.x", "", "1.2.3.4"])
def test_cli_bad_kube_version_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    code, out, err = _cli(tmp_path, monkeypatch, "--kube-version", version)
    assert (code, out) == (2, "")
    assert err == (f"svclint: error: --kube-version: invalid Kubernetes version {version!r}: "
                   "expected MAJOR.MINOR, e.g. 1.30\n")


def test_cli_kube_version_is_in_the_help() -> None:
    result = CliRunner().invoke(app, ["check", "--help"], env={"COLUMNS": "200"})
    assert "--kube-version" in result.stdout
    assert "[default: (1.34)]" in result.stdout
