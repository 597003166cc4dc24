"""The wheel is complete: catalog and schemas ship as package data, and the installed CLI works.

Slow (a build, a fresh venv, a pip install): run with ``pytest -m slow`` or leave it in the
full run. The build uses a copy of the source tree, so it never writes build/ or *.egg-info
into the working tree other people are editing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 900
INSTALL_TIMEOUT = 1200


def run(*args: str | Path, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            check=False)
    assert result.returncode == 0, f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".venv", "*.pyc"))
    dist = root / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, source, cwd=root, timeout=BUILD_TIMEOUT)
    (built,) = dist.glob("svclint-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel (and its dependencies) installed; returns its bin dir."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", venv, cwd=venv, timeout=300)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    run(bin_dir / "python", "-m", "pip", "install", wheel, cwd=venv, timeout=INSTALL_TIMEOUT)
    return bin_dir


def test_wheel_ships_every_catalog_entry(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    catalog = sorted(p.name for p in (REPO / "rules").glob("*.yaml"))
    assert catalog  # the check below must not pass vacuously
    assert sorted(n.removeprefix("svclint/rules/") for n in names
                  if n.startswith("svclint/rules/") and n.endswith(".yaml")) == catalog


def test_wheel_ships_the_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = sorted(p.relative_to(REPO / "schemas").as_posix() for p in (REPO / "schemas").rglob("*.json"))
    assert "output.v1.schema.json" in schemas and "k8s/service.v1.json" in schemas
    assert sorted(n.removeprefix("svclint/schemas/") for n in names
                  if n.startswith("svclint/schemas/") and n.endswith(".json")) == schemas


def test_wheel_has_the_console_script_and_no_tests(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "svclint = svclint.cli:main" in archive.read(entry_points).decode()
    assert not [n for n in archive.namelist() if n.startswith("tests/")]


def test_installed_cli_lists_the_catalog(installed: Path, tmp_path: Path) -> None:
    # cwd is not the repository, so nothing can be imported from the source tree by accident.
    where = run(installed / "python", "-c", "import svclint; print(svclint.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)
    result = run(installed / "svclint", "rules", cwd=tmp_path)
    codes = [line.split()[0] for line in result.stdout.splitlines()]
    assert "SVC301" in codes
    assert codes == sorted(p.name.split(".")[0] for p in (REPO / "rules").glob("*.yaml"))


def test_installed_cli_checks_a_manifest(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n"
        "  ports:\n    - port: 80\n      nodePort: 80\n")
    result = subprocess.run([str(installed / "svclint"), "check", "svc.yaml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].startswith("svc.yaml:9:17: error SVC301 node-port-out-of-range: ")
    doc = run(installed / "svclint", "rule", "SVC301", cwd=tmp_path)
    assert doc.stdout.startswith("SVC301 node-port-out-of-range (error)\n")


def test_installed_package_can_read_its_output_schema(installed: Path, tmp_path: Path) -> None:
    code = ("import json; from importlib import resources; "
            "schema = resources.files('svclint.schemas').joinpath('output.v1.schema.json'); "
            "s = json.loads(schema.read_text()); "
            "print(s['$id'])")
    result = run(installed / "python", "-c", code, cwd=tmp_path)
    assert result.stdout.strip() == "https://svclint.dev/schemas/output.v1.schema.json"
