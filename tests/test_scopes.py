"""Scopes: one repository, several clusters. Cross-object rules (node port collisions, the static
band, selectors and the ports behind them) compare objects of one scope only. End to end through
``svclint check`` in a scratch directory; each test shows the finding without the configuration
(``--no-config``) and its absence with it, so none passes by accident.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import manifest, run, write

from svclint.globs import compile_glob, matches
from svclint.policy import Policy

#: One scope per cluster folder.
CLUSTERS = """
    scopes:
      prod: [clusters/prod]
      staging: [clusters/staging]
"""
#: Overlays with a base shared by both.
OVERLAYS = """
    scopes:
      prod: [overlays/prod/**, base/**]
      staging: [overlays/staging/**, base/**]
"""


def node_port(name: str, number: int | None) -> str:
    """A NodePort Service; its nodePort is at 9:17 (None: the cluster picks one)."""
    text = f"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          type: NodePort
          ports:
            - port: 80
    """
    return manifest(text) + ("" if number is None else f"      nodePort: {number}\n")


def service(name: str, target_port: str = "http") -> str:
    """A Service selecting app=NAME; its selector is at 6:3, its targetPort at 10:19."""
    return f"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          selector: {{app: {name}}}
          ports:
            - name: http
              port: 80
              targetPort: {target_port}
    """


def deployment(name: str, port_name: str = "http", replicas: int = 1, app: str | None = None) -> str:
    """A Deployment of pods labelled app=APP (default: NAME) with one named container port."""
    return f"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
        spec:
          replicas: {replicas}
          selector: {{matchLabels: {{app: {app or name}}}}}
          template:
            metadata:
              labels: {{app: {app or name}}}
            spec:
              containers:
                - name: web
                  image: nginx
                  ports: [{{name: {port_name}, containerPort: 8080}}]
    """


def stream(*documents: str) -> str:
    """Documents in one file."""
    return "---\n".join(manifest(document) for document in documents)


def configure(text: str) -> None:
    write(".svclint.yaml", text)


def diagnostics(*args: str, stdin: str | None = None) -> list[dict[str, Any]]:
    """The unsuppressed diagnostics of ``svclint check --format json ARGS``."""
    result = run("check", "--format", "json", *args, stdin=stdin)
    assert result.exit_code in (0, 1), result.output
    return [d for d in json.loads(result.stdout)["diagnostics"] if not d["suppressed"]]


def found(*args: str, stdin: str | None = None) -> list[tuple[str, str, int, int]]:
    """(path, rule, line, column) of each diagnostic."""
    return [(d["path"], d["rule"], d["line"], d["column"]) for d in diagnostics(*args, stdin=stdin)]


# --- Node ports ---------------------------------------------------------------------------------------


def test_the_same_node_port_in_two_clusters_is_no_collision(workdir: Path) -> None:
    configure(CLUSTERS)
    write("clusters/prod/web.yaml", node_port("web", 30080))
    write("clusters/staging/web-canary.yaml", node_port("web-canary", 30080))
    assert found(".", "--no-config") == [("clusters/staging/web-canary.yaml", "node-port-collision", 9, 17)]
    assert found(".") == []


def test_the_same_node_port_twice_in_one_cluster_collides_and_names_the_scope(workdir: Path) -> None:
    configure(CLUSTERS)
    write("clusters/prod/admin.yaml", node_port("admin", 30080))
    write("clusters/prod/web.yaml", node_port("web", 30080))
    write("clusters/staging/web.yaml", node_port("web-canary", 30080))
    [collision] = diagnostics(".")
    assert (collision["path"], collision["rule"], collision["line"], collision["column"]) == (
        "clusters/prod/web.yaml", "node-port-collision", 9, 17)
    assert collision["message"] == (
        "nodePort 30080 is already used by Service default/admin (in scope 'prod'); nodePorts are cluster-wide, "
        "across namespaces, so the API server rejects this one (\"provided port is already allocated\")")
    assert [(r["path"], r["line"]) for r in collision["related"]] == [("clusters/prod/admin.yaml", 9)]


def test_a_base_shared_by_two_overlays_meets_both_but_never_itself(workdir: Path) -> None:
    configure(OVERLAYS)
    write("base/web.yaml", node_port("web", 30080))
    write("overlays/prod/extra.yaml", node_port("extra", 30080))
    write("overlays/staging/debug.yaml", node_port("debug", 30080))
    write("overlays/staging/metrics.yaml", node_port("metrics", 30081))
    scoped = diagnostics(".")
    assert [(d["path"], d["rule"], d["line"]) for d in scoped] == [
        ("overlays/prod/extra.yaml", "node-port-collision", 9),
        ("overlays/staging/debug.yaml", "node-port-collision", 9),
    ]
    assert [d["message"].split(";")[0] for d in scoped] == [
        "nodePort 30080 is already used by Service default/web (in scope 'prod')",
        "nodePort 30080 is already used by Service default/web (in scope 'staging')",
    ]
    # Without scopes the overlays collide with each other as well.
    assert [d["message"].split(";")[0] for d in diagnostics(".", "--no-config")] == [
        "nodePort 30080 is already used by Service default/web",
        "nodePort 30080 is already used by Service default/web",
    ]


def test_a_shared_file_that_collides_in_two_scopes_is_reported_once_against_the_first(workdir: Path) -> None:
    configure("""
        scopes:
          prod: [a-prod, shared]
          staging: [b-staging, shared]
    """)
    write("a-prod/web.yaml", node_port("web", 30080))
    write("b-staging/web-canary.yaml", node_port("web-canary", 30080))
    write("shared/edge.yaml", node_port("edge", 30080))
    [collision] = diagnostics(".")
    assert (collision["path"], collision["related"][0]["path"]) == ("shared/edge.yaml", "a-prod/web.yaml")
    assert collision["message"].startswith("nodePort 30080 is already used by Service default/web (in scope 'prod');")


def test_the_static_band_counts_auto_allocation_in_the_same_cluster_only(workdir: Path) -> None:
    configure(CLUSTERS)
    write("clusters/prod/web.yaml", node_port("web", 30443))  # above the static band 30000-30085
    write("clusters/staging/auto.yaml", node_port("auto", None))
    assert found(".", "--no-config") == [("clusters/prod/web.yaml", "node-port-outside-static-band", 9, 17)]
    assert found(".") == []
    write("clusters/prod/auto.yaml", node_port("auto", None))
    assert found(".") == [("clusters/prod/web.yaml", "node-port-outside-static-band", 9, 17)]


def test_stdin_is_in_the_default_scope(workdir: Path) -> None:
    configure(CLUSTERS)
    write("clusters/prod/web.yaml", node_port("web", 30080))
    rendered = node_port("web-canary", 30080)
    assert found("clusters/prod", "-", stdin=rendered) == []
    assert found("clusters/prod", "-", "--no-config", stdin=rendered) == [("-", "node-port-collision", 9, 17)]


# --- Selectors and the ports behind them --------------------------------------------------------------


def test_a_selector_that_matches_only_another_cluster_is_reported(workdir: Path) -> None:
    configure(CLUSTERS)
    write("clusters/prod/web-service.yaml", service("web"))
    write("clusters/staging/web.yaml", deployment("web"))
    assert found(".", "--no-config") == []
    [finding] = diagnostics(".")
    assert (finding["path"], finding["rule"], finding["line"], finding["column"]) == (
        "clusters/prod/web-service.yaml", "service-selector-matches-nothing", 6, 3)
    assert finding["message"] == (
        "selector app=web matches no pod in namespace \"default\" in scope 'prod'; matching pods exist only in "
        "scope 'staging' (Deployment default/web), another cluster: the Service gets no endpoints")
    assert finding["help"] == (
        "if Deployment default/web runs in the same cluster as this Service, put both files in one scope "
        "(`scopes` in the configuration)")
    assert [(r["path"], r["line"]) for r in finding["related"]] == [("clusters/staging/web.yaml", 10)]


def test_files_in_no_scope_are_a_scope_of_their_own(workdir: Path) -> None:
    configure(CLUSTERS)
    write("services/web.yaml", service("web"))
    write("clusters/prod/web.yaml", deployment("web"))
    [finding] = diagnostics(".")
    assert finding["message"].startswith(
        "selector app=web matches no pod in namespace \"default\" in the default scope (files in no scope); "
        "matching pods exist only in scope 'prod' (Deployment default/web)")
    write("services/web-deployment.yaml", deployment("web"))
    assert found(".") == []


def test_near_misses_come_from_the_services_cluster(workdir: Path) -> None:
    configure(CLUSTERS)
    write("clusters/prod/web-service.yaml", service("web"))
    write("clusters/prod/wb.yaml", deployment("wb"))
    write("clusters/staging/webs.yaml", deployment("webs"))  # closer, in another cluster
    [unscoped] = diagnostics(".", "--no-config")
    assert unscoped["message"].startswith("selector app=web matches no pod template in namespace \"default\": "
                                          "the nearest, Deployment default/webs, has app=webs (not web)")
    [scoped] = diagnostics(".")
    assert scoped["message"].startswith("selector app=web matches no pod template in namespace \"default\": "
                                        "the nearest, Deployment default/wb, has app=wb (not web)")


def test_ports_are_checked_against_the_workloads_of_the_services_cluster(workdir: Path) -> None:
    # One folder, two clusters: the nearest-directory rule cannot tell the Deployments apart.
    configure("""
        scopes:
          prod: [deploy/web-service.yaml, deploy/web-prod.yaml]
          staging: [deploy/web-staging.yaml]
    """)
    write("deploy/web-service.yaml", service("web"))
    write("deploy/web-prod.yaml", deployment("web-prod", app="web"))
    write("deploy/web-staging.yaml", deployment("web-staging", port_name="www", app="web"))
    assert found(".", "--no-config") == [("deploy/web-service.yaml", "target-port-name-not-found", 10, 19)]
    assert found(".") == []


# --- Duplicate objects ----------------------------------------------------------------------------------


def test_an_object_defined_in_two_clusters_is_no_duplicate_but_twice_in_one_file_is(workdir: Path) -> None:
    configure(CLUSTERS)
    write("clusters/prod/web.yaml", stream(service("web"), deployment("web", replicas=3)))
    write("clusters/staging/web.yaml", stream(service("web"), deployment("web", replicas=1)))
    assert found(".") == []
    write("clusters/prod/web.yaml", stream(deployment("web", replicas=3), deployment("web", replicas=5)))
    assert found(".") == [("clusters/prod/web.yaml", "duplicate-object", 20, 9)]


# --- Configuration errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "error"), [
    ("scopes: [prod]\n", ".svclint.yaml:1:1: scopes: expected a mapping, got a list"),
    ("scopes:\n  prod: overlays/prod\n", ".svclint.yaml:2:9: scopes.prod: expected a list, got the string 'overlays/prod'"),
    ("scopes:\n  prod: []\n", ".svclint.yaml:2:3: scopes.prod: [] is not a non-empty list of globs"),
    ("scopes:\n  prod: ['']\n", ".svclint.yaml:2:10: scopes.prod[0]: '' is not a glob"),
    ("scopes:\n  prod: [base, 'overlays/[ab']\n",
     ".svclint.yaml:2:16: scopes.prod[1]: glob 'overlays/[ab' has a '[' without its ']'"),
    ("scopes:\n  '': [base]\n", '.svclint.yaml:2:3: scopes."": \'\' is not a scope name'),
    ("scope:\n  prod: [base]\n", ".svclint.yaml:1:1: scope: unknown key 'scope' (did you mean 'scopes'?)"),
])
def test_a_wrong_scopes_value_exits_2_naming_the_key(workdir: Path, text: str, error: str) -> None:
    Path(".svclint.yaml").write_text(text, encoding="utf-8")
    write("svc.yaml", node_port("web", 30080))
    result = run("check", "svc.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"svclint: error: {error}\n")


def test_scopes_in_pyproject(workdir: Path) -> None:
    Path("pyproject.toml").write_text('[tool.svclint.scopes]\nprod = "clusters/prod"\n', encoding="utf-8")
    write("clusters/prod/web.yaml", node_port("web", 30080))
    result = run("check", ".")
    assert (result.exit_code, result.stderr) == (
        2, "svclint: error: pyproject.toml: tool.svclint.scopes.prod: expected a list, got the string 'clusters/prod'\n")
    Path("pyproject.toml").write_text(
        '[tool.svclint.scopes]\nprod = ["clusters/prod"]\nstaging = ["clusters/staging"]\n', encoding="utf-8")
    write("clusters/staging/web-canary.yaml", node_port("web-canary", 30080))
    assert found(".") == []


# --- The scope lookup -------------------------------------------------------------------------------------

#: Globs of every shape: anchored, by name at any depth, a file, above the root, `**`, stdin.
LOOKUP_GLOBS = ["overlays/prod/**", "base", "*.prod.yaml", "overlays/staging/web.yaml", "../other",
                "**/patches", "-", "repo/base"]
LOOKUP_PATHS = ["-", "base/web.yaml", "./base/web.yaml", "overlays/prod/a/b.yaml", "overlays/prod",
                "x/web.prod.yaml", "overlays/staging/web.yaml", "overlays/staging/other.yaml", "../other/x.yaml",
                "../repo/base/x.yaml", "base/../overlays/prod/x.yaml", "apps/patches/p.yaml", "/etc/hosts", "top.yaml"]


@pytest.mark.parametrize("cwd", [".", "overlays", "overlays/prod", ".."])
def test_the_scope_lookup_matches_each_file_as_the_globs_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           cwd: str) -> None:
    # The lookup matches each directory once; it must agree with matching every path in full.
    root = tmp_path / "repo"
    (root / "overlays" / "prod").mkdir(parents=True)
    scopes = tuple((f"s{i}", (compile_glob(glob, str(root)),)) for i, glob in enumerate(LOOKUP_GLOBS))
    monkeypatch.chdir(root / cwd)
    lookup = Policy(scopes=scopes).scope_lookup()
    expected = {path: tuple(name for name, (glob,) in scopes if matches(glob, path)) or ("",)
                for path in LOOKUP_PATHS}
    assert {path: lookup(path) for path in LOOKUP_PATHS} == expected
    assert len(set(expected.values())) >= 4  # the globs do tell the paths apart
