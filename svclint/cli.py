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
from svclint.loader import MAX_FILE_BYTES
from svclint.settings import DEFAULT_KUBE_VERSION

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # manifests can hold Secrets: never print locals
    help="Static analyzer for Kubernetes Service networking manifests.",
)


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class CatalogFormat(str, enum.Enum):
    text = "text"
    json = "json"
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


@app.command()
def check(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, directories (recursive) or - for stdin.")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
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
    kube_version: Annotated[
        str, typer.Option(help="Kubernetes version of the target cluster, MAJOR.MINOR (e.g. 1.30).")
    ] = "{}.{}".format(*DEFAULT_KUBE_VERSION),
) -> None:
    """Check manifests and report problems with Services, selectors and ports."""
    from svclint.api import lint
    from svclint.diagnostics import Severity
    from svclint.formatters import FORMATTERS
    from svclint.loader import STDIN, InputError
    from svclint.settings import Settings, parse_kube_version, parse_port_range

    try:
        port_range = parse_port_range(node_port_range)
    except ValueError as error:
        raise _fail(f"--node-port-range: {error}") from None
    try:
        version = parse_kube_version(kube_version)
    except ValueError as error:
        raise _fail(f"--kube-version: {error}") from None
    if not default_namespace:
        raise _fail("--default-namespace must not be empty")
    threshold = None if fail_on is FailOn.never else Severity.parse(fail_on.value)
    settings = Settings(node_port_range=port_range, default_namespace=default_namespace, kube_version=version)
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
    render = FORMATTERS[output_format.value]
    # File names that are not UTF-8 and lone surrogates from JSON escapes must not crash a
    # report: they are written as backslash escapes.
    if output is None:
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(errors="backslashreplace")
        render(result, sys.stdout, output_format is OutputFormat.text and _use_color(sys.stdout))
    else:
        try:
            with open(output, "w", encoding="utf-8", errors="backslashreplace") as handle:
                render(result, handle, False)
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
def rule(name: Annotated[str, typer.Argument(help="Rule name or code, e.g. node-port-collision or SVC302.")]) -> None:
    """Show the documentation of one rule."""
    from svclint.catalog import load_catalog
    from svclint.docs import render_rule

    meta = load_catalog().get(name)
    if meta is None:
        raise _fail(f"unknown rule {name!r}; `svclint rules` lists them")
    typer.echo(render_rule(meta), nl=False)


def main() -> None:
    """Console-script entry point."""
    app()
