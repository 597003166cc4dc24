"""Command line: a thin typer layer over ``svclint.api``. No logic lives here."""

from __future__ import annotations

import enum
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from svclint import __version__
from svclint.formatters import OutputFormat
from svclint.reading import MAX_FILE_BYTES
from svclint.settings import DEFAULT_KUBE_VERSION

if TYPE_CHECKING:
    from svclint.config import Config
    from svclint.diagnostics import LintResult
    from svclint.policy import Policy
    from svclint.settings import Settings

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


class KustomizeMode(str, enum.Enum):
    auto = "auto"
    always = "always"
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
    for line in message.splitlines():  # one line per problem of a configuration file
        typer.echo(f"svclint: error: {line}", err=True)
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


def _workspace() -> tuple[str | None, str | None]:
    """GitHub Actions' checkout and the current directory, so annotations name files from the
    repository's root even when svclint runs in a subdirectory (never with ``../``)."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    try:
        working_dir = os.getcwd() if workspace else None
    except OSError:  # the directory was removed under us: paths stay as they are
        working_dir = None
    return workspace or None, working_dir


def _source_root() -> str | None:
    """The current directory as a file URI ending in /: relative paths in a report start there."""
    try:
        return Path.cwd().as_uri().rstrip("/") + "/"
    except OSError:  # the directory was removed under us: the report just does not say
        return None


# Options shared by `check` and `baseline`; settings from a configuration file when not given.
Paths = Annotated[list[str] | None, typer.Argument(help="Files, directories (recursive) or - for stdin.")]
NodePortRange = Annotated[str | None, typer.Option(
    show_default="30000-32767", help="The cluster's --service-node-port-range, LOW-HIGH.")]
DefaultNamespace = Annotated[str | None, typer.Option(
    show_default="default", help="Namespace of objects that do not set metadata.namespace.")]
Kustomize = Annotated[KustomizeMode | None, typer.Option(
    show_default="auto", help="Render kustomization trees with kustomize (auto: when it or kubectl is on PATH; "
                              "always: or fail) or read their files one by one (never).")]
KubeVersion = Annotated[str | None, typer.Option(
    show_default="{}.{}".format(*DEFAULT_KUBE_VERSION),
    help="Kubernetes version of the target cluster, MAJOR.MINOR (e.g. 1.30).")]
Jobs = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="Processes that parse files (default: all cores when the input is large).")]
MaxFileSize = Annotated[float, typer.Option(
    min=0.001, help="Files larger than this many MiB are reported, not read.")]
ConfigFile = Annotated[Path | None, typer.Option(
    "--config", help="Read the configuration from FILE (YAML, or a .toml file's \\[tool.svclint]) instead of "
    "looking for .svclint.yaml, .svclint.yml or pyproject.toml from the current directory up.")]
NoConfig = Annotated[bool, typer.Option(
    "--no-config", help="Read no configuration file: defaults and the command line only.")]
Select = Annotated[list[str] | None, typer.Option(
    "--select", help="Rules to report: names, codes, code prefixes (SVC3) or ALL; comma-separated or repeated. "
    "Replaces select from the configuration.")]
ExtendSelect = Annotated[list[str] | None, typer.Option(
    "--extend-select", help="Rules to report in addition to the selected ones.")]
Ignore = Annotated[list[str] | None, typer.Option(
    "--ignore", help="Rules not to report, in addition to ignore from the configuration.")]
Context = Annotated[list[str] | None, typer.Option(
    "--context", help="Also load PATH (repeatable), so cross-file rules see it; only PATHS are reported on.")]
Project = Annotated[bool, typer.Option(
    "--project", help="Check the project as one set: the context paths (from the configuration and --context), "
    "or the current directory when there are none. PATHS are ignored, so a hook may pass file names.")]
StdinFilename = Annotated[str | None, typer.Option(
    "--stdin-filename", metavar="NAME", help="Report stdin (-) as NAME, and match NAME against exclude and "
    "per-file-ignores; in context, stdin replaces the file NAME.")]


@app.command()
def check(
    paths: Paths = None,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", "-f", show_default=False,
        help="Output format (default: github when GITHUB_ACTIONS=true and no --output, else text).",
    )] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(
        show_default="error", help="Lowest severity that makes the exit code 1.")] = None,
    node_port_range: NodePortRange = None,
    default_namespace: DefaultNamespace = None,
    kube_version: KubeVersion = None,
    kustomize: Kustomize = None,
    jobs: Jobs = None,
    max_file_size: MaxFileSize = MAX_FILE_BYTES / 2**20,
    config_file: ConfigFile = None,
    no_config: NoConfig = False,
    select: Select = None,
    extend_select: ExtendSelect = None,
    ignore: Ignore = None,
    context: Context = None,
    baseline: Annotated[Path | None, typer.Option(
        help="Do not report the findings recorded in FILE (written by `svclint baseline`).")] = None,
    project: Project = False,
    stdin_filename: StdinFilename = None,
) -> None:
    """Check manifests and report problems with Services, selectors and ports."""
    from svclint.diagnostics import Severity
    from svclint.formatters import RenderOptions, renderer

    config, settings, policy = _configure(config_file, no_config, node_port_range, default_namespace, kube_version,
                                          select, extend_select, ignore, context, baseline, kustomize)
    fail = fail_on.value if fail_on is not None else config.fail_on or FailOn.error.value
    threshold = None if fail == FailOn.never.value else Severity.parse(fail)
    result = _lint(paths, project, stdin_filename, settings, policy, jobs, max_file_size)
    chosen = output_format or _default_format(output)
    render = renderer(chosen)
    source_root = _source_root()
    workspace, working_dir = _workspace()
    # File names that are not UTF-8 and lone surrogates from JSON escapes must not crash a
    # report: they are written as backslash escapes.
    if output is None:
        stdout = sys.stdout
        if stdout is None:
            raise _fail("standard output is closed: write the report with --output FILE")
        if isinstance(stdout, io.TextIOWrapper):
            stdout.reconfigure(errors="backslashreplace")
        color = chosen is OutputFormat.text and _use_color(stdout)
        try:
            render(result, stdout, RenderOptions(color=color, source_root=source_root, workspace=workspace, working_dir=working_dir))
            stdout.flush()
        except OSError as error:
            # Python flushes stdout again at exit: point it at /dev/null so that cannot fail too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
            if isinstance(error, BrokenPipeError):  # the reader is gone (`| head`): nothing to report
                raise typer.Exit(result.exit_code(threshold)) from None
            raise _fail(f"cannot write the report to standard output: {error.strerror or error}") from None
    else:
        try:
            with open(output, "w", encoding="utf-8", errors="backslashreplace") as handle:
                render(result, handle, RenderOptions(source_root=source_root, workspace=workspace, working_dir=working_dir))
        except OSError as error:
            raise _fail(f"--output {output}: {error.strerror or error}") from None
    raise typer.Exit(result.exit_code(threshold))


@app.command("baseline")
def write_baseline(
    output: Annotated[Path, typer.Option("--output", "-o", help="The baseline file to write.")],
    paths: Paths = None,
    node_port_range: NodePortRange = None,
    default_namespace: DefaultNamespace = None,
    kube_version: KubeVersion = None,
    kustomize: Kustomize = None,
    jobs: Jobs = None,
    max_file_size: MaxFileSize = MAX_FILE_BYTES / 2**20,
    config_file: ConfigFile = None,
    no_config: NoConfig = False,
    select: Select = None,
    extend_select: ExtendSelect = None,
    ignore: Ignore = None,
    context: Context = None,
    project: Project = False,
    stdin_filename: StdinFilename = None,
) -> None:
    """Record the current findings in a baseline file: `svclint check --baseline FILE` then reports only new ones."""
    from svclint.baseline import render_baseline
    from svclint.diagnostics import INTERNAL_ERROR

    _, settings, policy = _configure(config_file, no_config, node_port_range, default_namespace, kube_version,
                                     select, extend_select, ignore, context, None, kustomize, use_baseline=False)
    result = _lint(paths, project, stdin_filename, settings, policy, jobs, max_file_size)
    recorded = [d for d in result.diagnostics if not d.suppressed and d.rule != INTERNAL_ERROR]
    text = render_baseline(recorded, os.path.dirname(os.path.abspath(output)))
    try:
        with open(output, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
    except OSError as error:
        raise _fail(f"--output {output}: {error.strerror or error}") from None
    typer.echo(f"svclint: recorded {len(recorded)} finding{'' if len(recorded) == 1 else 's'} in {output}", err=True)
    raise typer.Exit(result.exit_code(None))


def _configure(config_file: Path | None, no_config: bool, node_port_range: str | None,
               default_namespace: str | None, kube_version: str | None, select: list[str] | None, extend_select: list[str] | None,
               ignore: list[str] | None, context: list[str] | None, baseline: Path | None,
               kustomize: KustomizeMode | None, *, use_baseline: bool = True) -> tuple[Config, Settings, Policy]:
    """The run's configuration, settings and policy (``svclint.options``); exit 2 on a mistake."""
    from svclint.catalog import load_catalog
    from svclint.config import ConfigError
    from svclint.options import CommandLine, resolve

    flags = CommandLine(
        config_file=None if config_file is None else str(config_file), no_config=no_config,
        node_port_range=node_port_range, default_namespace=default_namespace, kube_version=kube_version,
        select=select, extend_select=extend_select or [], ignore=ignore or [], context=context or [],
        baseline=None if baseline is None else str(baseline), use_baseline=use_baseline,
        kustomize=None if kustomize is None else kustomize.value,
    )
    try:
        return resolve(flags, load_catalog())
    except ConfigError as error:
        raise _fail(str(error)) from None


def _lint(paths: list[str] | None, project: bool, stdin_filename: str | None, settings: Settings, policy: Policy,
          jobs: int | None, max_file_size: float) -> LintResult:
    import dataclasses
    from concurrent.futures.process import BrokenProcessPool

    from svclint.api import lint
    from svclint.discovery import STDIN, InputError

    targets = paths or ["."]
    if project:  # the context is the project; nothing is left to load beside it
        targets, policy = list(policy.context) or ["."], dataclasses.replace(policy, context=())
    if stdin_filename is not None and STDIN not in targets:
        raise _fail("--stdin-filename names stdin: give - as a path (and not --project)")
    if stdin_filename == "":
        raise _fail("--stdin-filename must not be empty")
    max_bytes = int(max_file_size * 2**20)
    # One byte over the limit is enough to report it; an endless stdin is never read to the end.
    if STDIN in targets and sys.stdin is None:
        raise _fail("standard input is closed: give files to check, or pipe manifests into svclint check -")
    stdin = sys.stdin.buffer.read(max_bytes + 1) if STDIN in targets else None
    try:
        result = lint(targets, settings, stdin=stdin, jobs=jobs, max_file_bytes=max_bytes, policy=policy,
                      stdin_name=stdin_filename or STDIN)
    except InputError as error:
        raise _fail(str(error)) from None
    except MemoryError:
        raise _fail("out of memory: check fewer files at a time, or lower --max-file-size") from None
    except BrokenProcessPool:
        raise _fail("a worker process died (killed, or out of memory): run again, or with --jobs 1 to use "
                    "no worker processes") from None
    for note in result.notes:
        typer.echo(f"svclint: warning: {note}", err=True)
    if result.files == 0:
        typer.echo(f"svclint: warning: no .yaml, .yml or .json files in {' '.join(targets)}", err=True)
    return result


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
        from svclint.config import unknown_rule

        raise _fail(unknown_rule(name, catalog))
    typer.echo(render_rule_markdown(meta) if markdown else render_rule(meta), nl=False)


# The first name of `explain`, kept working for scripts that use it.
app.command("rule", hidden=True)(explain)


def main() -> None:
    """Console-script entry point."""
    # Piped help (`svclint check --help | less`, a CI log) has no terminal to take a width from:
    # rich would lay it out in 80 columns and cut option descriptions short with an ellipsis.
    if "COLUMNS" not in os.environ and not (sys.stdout is not None and sys.stdout.isatty()):
        os.environ["COLUMNS"] = "120"
    app()
