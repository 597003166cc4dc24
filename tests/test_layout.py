"""The package's shape: svclint's modules import one another without a cycle, the output types
are a leaf, and the formatters depend on them, not on the pipeline. Every import counts: at the top, inside functions, and under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "svclint"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each svclint module -> the svclint modules it imports anywhere in its source."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "svclint":
                for alias in node.names:  # `from svclint import loader` imports a module
                    full = f"{node.module}.{alias.name}"
                    imported.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names if a.name.split(".")[0] == "svclint")
        graph[name] = {module for module in imported if module in modules and module != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_output_types_and_the_data_files_are_leaves() -> None:
    graph = import_graph()
    assert graph["svclint.diagnostics"] == set()
    assert graph["svclint.resources"] == set()


def test_each_rule_is_one_module_named_after_it() -> None:
    from svclint.checks import discover_checks

    modules = {rule: function.__module__ for rule, function in discover_checks().items()}
    misplaced = {rule: module for rule, module in modules.items()
                 if module.split(".")[-1] != rule.replace("-", "_") or module.count(".") != 3}
    assert misplaced == {}
    assert len(set(modules.values())) == len(modules)


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for other in graph[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def test_formatters_and_the_baseline_read_the_output_types_not_the_pipeline() -> None:
    graph = import_graph()
    users = [module for module in graph if module.startswith("svclint.formatters") or module == "svclint.baseline"]
    assert len(users) >= 6
    assert {module: sorted(_reaches(graph, module) & {"svclint.api", "svclint.engine", "svclint.loader"})
            for module in users} == {module: [] for module in users}



def test_every_package_is_listed_for_the_wheel() -> None:
    # pyproject.toml lists packages by name (the data packages map to rules/ and schemas/): a
    # new rule family or index package left out would be missing from every install.
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    present = {_module_name(path.parent / "__init__.py") for path in PACKAGE.rglob("__init__.py")}
    assert sorted(present - listed) == []
