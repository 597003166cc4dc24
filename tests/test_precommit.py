"""pre-commit: the `svclint` hook (the staged files, with the configured context) and the
`svclint-project` hook (`svclint check --project`).

The hook passes the staged files, maybe split over several runs when the list is long; the
configuration's `context` is loaded with them. A run reports what is in the files it is given,
plus the other side of a collision with a file outside them (a counterpart), so that whatever
the split, the union of the runs is the same. The last tests run the real pre-commit on the
hooks file of this checkout.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import manifest, reported, run, write

from svclint.api import lint
from svclint.policy import Policy

REPO = Path(__file__).resolve().parent.parent


def service(name: str, node_port: int | None = None, app: str | None = None, namespace: str = "shop") -> str:
    """A Service selecting ``app`` (default: its name); NodePort (line 13) when ``node_port`` is given."""
    text = manifest(f"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: {namespace}
        spec:
          type: {"NodePort" if node_port else "ClusterIP"}
          selector:
            app: {app or name}
          ports:
            - port: 80
              targetPort: http
    """)
    return text + (f"      nodePort: {node_port}\n" if node_port else "")


def deployment(name: str, namespace: str = "shop") -> str:
    return manifest(f"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {namespace}
        spec:
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
                - name: {name}
                  image: example/{name}:1.0
                  ports:
                    - name: http
                      containerPort: 8080
    """)


def collision(path: str, name: str, other: str, line: int = 13) -> str:
    """The first line of a node-port-collision finding on Service ``name``, reported in ``path``."""
    return (f"{path}:{line}:17: error SVC302 node-port-collision: nodePort 30080 is already used by Service "
            f"shop/{other}; nodePorts are cluster-wide, across namespaces, so the API server rejects this one "
            "(\"provided port is already allocated\")")


def counterpart(path: str, name: str, other: str, line: int = 13) -> str:
    """The first line of the same collision told on the first claim, ``name`` in ``path``."""
    return (f"{path}:{line}:17: error SVC302 node-port-collision: nodePort 30080 is also used by Service "
            f"shop/{other}; nodePorts are cluster-wide, across namespaces, so the API server rejects whichever "
            "of the two is created second (\"provided port is already allocated\")")


@pytest.fixture
def shop(workdir: Path) -> Path:
    """A repository whose configuration names deploy/ as context; ingress claims nodePort 30080."""
    Path(".svclint.yaml").write_text("context: [deploy]\n", encoding="utf-8")
    write("deploy/web-deployment.yaml", deployment("web"))
    write("deploy/ingress.yaml", service("ingress", 30080))
    write("deploy/ingress-deployment.yaml", deployment("ingress"))
    return workdir


# --- The svclint hook: staged files, with the context -----------------------------------------------


def test_a_staged_service_sees_the_deployment_in_an_unchanged_file(shop: Path) -> None:
    write("deploy/web.yaml", service("web"))
    assert run("check", "deploy/web.yaml").stdout == "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n"
    assert reported(run("check", "deploy/web.yaml", "--no-config")) == [
        ("deploy/web.yaml:8:3: warning SVC101 service-selector-matches-nothing: selector app=web matches no pod "
        "template in namespace \"shop\", and no workload there uses any of these label keys: the Service gets "
        "no endpoints")]


@pytest.mark.parametrize("name", ["web", "grafana"])  # after and before deploy/ingress.yaml in the walk
def test_a_new_node_port_colliding_with_an_unchanged_file_is_reported_on_the_new_file(shop: Path, name: str) -> None:
    write(f"deploy/{name}.yaml", service(name, 30080))
    write(f"deploy/{name}-deployment.yaml", deployment(name))
    staged = [f"deploy/{name}.yaml", f"deploy/{name}-deployment.yaml"]
    result = run("check", *staged)
    assert result.exit_code == 1
    if name == "web":  # after ingress.yaml: the finding itself
        assert reported(result) == [collision("deploy/web.yaml", "web", "ingress")]
    else:  # before it: the finding is on ingress.yaml, and its counterpart on the staged file
        assert reported(result) == [counterpart("deploy/grafana.yaml", "grafana", "ingress")]
        assert result.stdout.splitlines()[1:3] == [
            ("  help: choose a free nodePort for one of them, or omit it to let the cluster choose; to accept the "
            "collision, suppress it at the nodePort of Service shop/ingress, where a run over all files reports it"),
            "  note: deploy/ingress.yaml:13:17: nodePort 30080 also used here",
        ]
    # A run over everything reports the collision once, on the later file in the walk.
    later = "deploy/web.yaml" if name == "web" else "deploy/ingress.yaml"
    first, second = ("ingress", "web") if name == "web" else ("grafana", "ingress")
    assert reported(run("check", "--project")) == [collision(later, second, first)]


def test_both_sides_of_a_collision_in_two_staged_files_are_reported(shop: Path) -> None:
    write("deploy/grafana.yaml", service("grafana", 30080, app="ingress"))
    write("deploy/web.yaml", service("web", 30080, app="ingress"))
    assert reported(run("check", "deploy/grafana.yaml", "deploy/ingress.yaml", "deploy/web.yaml")) == [
        counterpart("deploy/grafana.yaml", "grafana", "ingress"),
        counterpart("deploy/grafana.yaml", "grafana", "web"),
        collision("deploy/ingress.yaml", "ingress", "grafana"),
        collision("deploy/web.yaml", "web", "grafana"),
    ]


def test_a_counterpart_follows_its_finding_suppression_baseline_and_ignores(shop: Path) -> None:
    write("deploy/grafana.yaml", service("grafana", 30080, app="ingress"))
    # Accepted where a run over all files reports it: on ingress.yaml, the later file.
    text = Path("deploy/ingress.yaml").read_text(encoding="utf-8")
    Path("deploy/ingress.yaml").write_text(
        text.replace("nodePort: 30080", "nodePort: 30080  # svclint: ignore[SVC302] until OPS-9"), encoding="utf-8")
    assert run("check", "deploy/grafana.yaml").exit_code == 0
    diagnostics = json.loads(run("check", "deploy/grafana.yaml", "-f", "json").stdout)["diagnostics"]
    assert [(d["path"], d["rule"], d["suppressed"]) for d in diagnostics] == [
        ("deploy/grafana.yaml", "node-port-collision", True)]
    Path("deploy/ingress.yaml").write_text(text, encoding="utf-8")
    assert run("check", "deploy/grafana.yaml").exit_code == 1
    # A baseline written over the project covers the counterpart as well; one written by the hook
    # (the counterpart's entry) covers the finding in a run over the project.
    assert run("baseline", "--project", "-o", "project.json").exit_code == 0
    assert run("check", "deploy/grafana.yaml", "--baseline", "project.json").exit_code == 0
    assert run("baseline", "deploy/grafana.yaml", "-o", "staged.json").exit_code == 0
    assert [e["path"] for e in json.loads(Path("staged.json").read_text(encoding="utf-8"))["findings"]] == [
        "deploy/grafana.yaml"]
    assert run("check", "--project", "--baseline", "staged.json").exit_code == 0
    # per-file-ignores of the staged file drop it there.
    Path(".svclint.yaml").write_text("context: [deploy]\nper-file-ignores:\n  deploy/grafana.yaml: [SVC302]\n",
                                     encoding="utf-8")
    assert run("check", "deploy/grafana.yaml").stdout == "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n"


# --- Splitting the file list -------------------------------------------------------------------------


SPLIT_FILES = {
    "deploy/a-edge.yaml": service("edge", 30080, app="ingress"),
    "deploy/b-ingress.yaml": service("ingress", 30080) + "---\n" + deployment("ingress"),
    "deploy/c-web.yaml": service("web", 30080) + "---\n" + service("web-admin", 30080, app="web"),
    "deploy/d-web-deployment.yaml": deployment("web"),
    "deploy/e-orders.yaml": service("orders") + "---\n" + service("ops", 30100, app="orders"),
    "deploy/f-auto.yaml": service("auto", 30000, app="web").replace("      nodePort: 30000\n", "")
    .replace("type: ClusterIP", "type: NodePort"),
    "deploy/g-metrics.yaml": service("metrics", app="web").replace("targetPort: http", "targetPort: metrics"),
}


def findings(paths: list[str]) -> set[tuple[str, int, int, str, str]]:
    result = lint(paths, policy=Policy(context=("deploy",)))
    return {(d.path, d.span.line, d.span.column, d.code, d.message) for d in result.diagnostics}


def two_way_splits(paths: list[str]) -> Iterator[tuple[list[str], list[str]]]:
    for size in range(1, len(paths)):
        for first in itertools.combinations(paths, size):
            yield list(first), [p for p in paths if p not in first]


def test_results_do_not_depend_on_how_the_file_list_is_split(workdir: Path) -> None:
    for path, text in SPLIT_FILES.items():
        write(path, text)
    paths = list(SPLIT_FILES)
    whole = findings(paths)
    assert {code for *_, code, _ in whole} == {"SVC101", "SVC201", "SVC302", "SVC304"}
    for first, second in two_way_splits(paths):
        assert findings(first) | findings(second) == whole, (first, second)
    assert set().union(*(findings([p]) for p in paths)) == whole


# --- The svclint-project hook ------------------------------------------------------------------------


def test_project_checks_the_context_as_one_set_and_ignores_the_file_arguments(shop: Path) -> None:
    write("deploy/web.yaml", service("web", 30080))
    write("elsewhere/other.yaml", service("other", 5000))
    result = run("check", "--project", "elsewhere/other.yaml")
    assert reported(result) == [collision("deploy/web.yaml", "web", "ingress")]
    assert result.stdout.endswith("in 4 files, 4 objects\n")


def test_project_without_context_checks_the_current_directory(workdir: Path) -> None:
    write("deploy/a.yaml", service("a", 30080, app="x") + "---\n" + deployment("x"))
    write("apps/b.yaml", service("b", 30080, app="x"))
    assert reported(run("check", "--project", "deploy/a.yaml")) == [collision("deploy/a.yaml", "a", "b")]


def test_the_hooks_file_defines_both_hooks() -> None:
    from ruamel.yaml import YAML

    hooks = {hook["id"]: hook for hook in YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert {key: hooks["svclint"][key] for key in ("entry", "types_or", "pass_filenames", "require_serial")} == {
        "entry": "svclint check", "types_or": ["yaml", "json"], "pass_filenames": True, "require_serial": True}
    assert {key: hooks["svclint-project"][key] for key in ("entry", "pass_filenames")} == {
        "entry": "svclint check --project", "pass_filenames": False}


# --- The real pre-commit ----------------------------------------------------------------------------


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as pre-commit sees a hooks repository: its files (tracked and new, as in the
    working tree, so uncommitted changes are tested too) committed in a fresh git repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    except subprocess.CalledProcessError:
        pytest.skip(f"{REPO} is not a git checkout, so there is no hooks repository to try")
    target = tmp_path_factory.mktemp("hooks") / "svclint"
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "svclint", cwd=target)
    return target


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


#: What pip says when it cannot reach a package index: only then is a failed environment not svclint's fault.
_OFFLINE = ("No matching distribution found", "Could not find a version that satisfies", "NewConnectionError",
            "Temporary failure in name resolution", "Network is unreachable")


def try_repo(hooks: Path, home: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)  # text output, whatever CI runs this
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), *args, "--verbose", "--color", "never"]
    result = subprocess.run(command, check=False, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    log = home / "pre-commit.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    if "An unexpected error has occurred" in result.stdout and any(sign in text for sign in _OFFLINE):
        pytest.skip(f"pre-commit could not create the hook environment (no package index?):\n{text[-2000:]}")
    return result


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    """A user's repository: context configured, a Deployment and an ingress with nodePort 30080 committed."""
    for name, text in {
        ".svclint.yaml": "context: [deploy]\n",
        "deploy/web-deployment.yaml": deployment("web"),
        "deploy/ingress.yaml": service("ingress", 30080) + "---\n" + deployment("ingress"),
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    _git("init", "-q", cwd=tmp_path)
    _git("add", "-A", cwd=tmp_path)
    _git("commit", "-q", "-m", "deploy", cwd=tmp_path)
    return tmp_path


@pytest.mark.slow
def test_pre_commit_runs_both_hooks_of_this_checkout(hooks_repo: Path, pre_commit_home: Path, user_repo: Path) -> None:
    # (a) A Service committed alone: its Deployment lives in an unchanged file, seen as context.
    (user_repo / "deploy/web.yaml").write_text(service("web"), encoding="utf-8")
    _git("add", "deploy/web.yaml", cwd=user_repo)
    passed = try_repo(hooks_repo, pre_commit_home, user_repo, "svclint", "--files", "deploy/web.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "0 errors, 0 warnings, 0 infos in 1 file, 1 object" in passed.stdout
    # (b) A new nodePort that collides with one in an unchanged file, which sorts after it.
    (user_repo / "deploy/grafana.yaml").write_text(service("grafana", 30080, app="web"), encoding="utf-8")
    _git("add", "deploy/grafana.yaml", cwd=user_repo)
    failed = try_repo(hooks_repo, pre_commit_home, user_repo, "svclint", "--files", "deploy/grafana.yaml")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert counterpart("deploy/grafana.yaml", "grafana", "ingress") in failed.stdout.splitlines()
    # The project hook checks everything; the collision is reported once, where the walk puts it.
    project = try_repo(hooks_repo, pre_commit_home, user_repo, "svclint-project", "--all-files")
    assert project.returncode == 1, project.stdout + project.stderr
    assert collision("deploy/ingress.yaml", "ingress", "grafana") in project.stdout.splitlines()
    assert "1 error, 0 warnings, 0 infos in 4 files, 5 objects" in project.stdout

