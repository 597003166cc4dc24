"""Command line: a thin typer layer over ``svclint.api``. No logic lives here."""

from __future__ import annotations

import enum
import io
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from svclint import __version__
from svclint.formatters import OutputFormat
from svclint.loader import MAX_FILE_BYTES

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # manifests can hold Secrets: never print locals
    help="Static analyzer for Kubernetes Service networking manifests.",
)


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class CatalogFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class DocFormat(str, enum.Enum):
    text = "text"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"svclint {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """Static analyzer for Kubernetes Service networking manifests."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"svclint: error: {message}", err=True)
    return typer.Exit(2)


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _default_format(output: Path | None) -> OutputFormat:
    """github inside GitHub Actions when the report goes to stdout (the runner reads workflow
    commands from the step's output only, not from a file), text otherwise."""
    if output is None and os.environ.get("GITHUB_ACTIONS") == "true":
        return OutputFormat.github
    return OutputFormat.text


def _source_root() -> str | None:
    """The current directory as a file URI ending in /: relative paths in a report start there."""
    try:
        return Path.cwd().as_uri().rstrip("/") + "/"
    except OSError:  # the directory was removed under us: the report just does not say
        return None


@app.command()
def check(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, directories (recursive) or - for stdin.")] = None,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", "-f", show_default=False,
        help="Output format (default: github when GITHUB_ACTIONS=true and no --output, else text).",
    )] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_on: Annotated[FailOn, typer.Option(help="Lowest severity that makes the exit code 1.")] = FailOn.error,
    node_port_range: Annotated[
        str, typer.Option(help="The cluster's --service-node-port-range, LOW-HIGH.")
    ] = "30000-32767",
    default_namespace: Annotated[
        str, typer.Option(help="Namespace of objects that do not set metadata.namespace.")
    ] = "default",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes that parse files (default: all cores when the input is large)."),
    ] = None,
    max_file_size: Annotated[
        float, typer.Option(min=0.001, help="Files larger than this many MiB are reported, not read.")
    ] = MAX_FILE_BYTES / 2**20,
) -> None:
    """Check manifests and report problems with Services, selectors and ports."""
    from svclint.api import lint
    from svclint.diagnostics import Severity
    from svclint.formatters import RenderOptions, renderer
    from svclint.loader import STDIN, InputError
    from svclint.settings import Settings, parse_port_range

    try:
        port_range = parse_port_range(node_port_range)
    except ValueError as error:
        raise _fail(f"--node-port-range: {error}") from None
    if not default_namespace:
        raise _fail("--default-namespace must not be empty")
    threshold = None if fail_on is FailOn.never else Severity.parse(fail_on.value)
    settings = Settings(node_port_range=port_range, default_namespace=default_namespace)
    targets = paths or ["."]
    max_bytes = int(max_file_size * 2**20)
    # One byte over the limit is enough to report it; an endless stdin is never read to the end.
    stdin = sys.stdin.buffer.read(max_bytes + 1) if STDIN in targets else None
    try:
        result = lint(targets, settings, stdin=stdin, jobs=jobs, max_file_bytes=max_bytes)
    except InputError as error:
        raise _fail(str(error)) from None
    if result.files == 0:
        typer.echo(f"svclint: warning: no .yaml, .yml or .json files in {' '.join(targets)}", err=True)
    chosen = output_format or _default_format(output)
    render = renderer(chosen)
    source_root = _source_root()
    # File names that are not UTF-8 and lone surrogates from JSON escapes must not crash a
    # report: they are written as backslash escapes.
    if output is None:
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(errors="backslashreplace")
        color = chosen is OutputFormat.text and _use_color(sys.stdout)
        render(result, sys.stdout, RenderOptions(color=color, source_root=source_root))
    else:
        try:
            with open(output, "w", encoding="utf-8", errors="backslashreplace") as handle:
                render(result, handle, RenderOptions(source_root=source_root))
        except OSError as error:
            raise _fail(f"--output {output}: {error.strerror or error}") from None
    raise typer.Exit(result.exit_code(threshold))


@app.command()
def rules(
    output_format: Annotated[CatalogFormat, typer.Option("--format", "-f", help="Output format.")] = CatalogFormat.text,
) -> None:
    """List every rule in the catalog."""
    from svclint.catalog import load_catalog
    from svclint.docs import render_catalog

    typer.echo(render_catalog(load_catalog(), output_format.value), nl=False)


@app.command()
def explain(
    name: Annotated[
        str | None, typer.Argument(help="Rule name or code, e.g. node-port-collision or SVC302.")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every rule (with markdown: docs/rules.md).")] = False,
    output_format: Annotated[DocFormat, typer.Option("--format", "-f", help="Output format.")] = DocFormat.text,
) -> None:
    """Show a rule's documentation: why it matters, how to fix it, a failing and a passing example."""
    from svclint.catalog import load_catalog
    from svclint.docs import render_reference, render_rule, render_rule_markdown

    catalog = load_catalog()
    if every == (name is not None):
        raise _fail("give a rule name or code, or --all")
    markdown = output_format is DocFormat.markdown
    if name is None:
        typer.echo(render_reference(catalog) if markdown else "\n".join(map(render_rule, catalog)), nl=False)
        return
    meta = catalog.get(name)
    if meta is None:
        raise _fail(f"unknown rule {name!r}; `svclint rules` lists them")
    typer.echo(render_rule_markdown(meta) if markdown else render_rule(meta), nl=False)


# The first name of `explain`, kept working for scripts that use it.
app.command("rule", hidden=True)(explain)


def main() -> None:
    """Console-script entry point."""
    app()
