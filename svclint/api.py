"""The public, pure entry point: inputs and settings in, a ``LintResult`` out. Prints nothing."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Sequence

from svclint.batch import load_all, load_file
from svclint.catalog import Catalog, load_catalog
from svclint.checks import ProjectContext, discover_checks
from svclint.diagnostics import CheckedObject, LintResult
from svclint.discovery import STDIN, InputError, Source, discover, source_key
from svclint.engine import PROJECT_SCOPE, check_objects, load_diagnostics, object_checker
from svclint.kinds import lookup
from svclint.kustomize import find_patches
from svclint.loader import LoadedFile, LoadOptions
from svclint.policy import Policy
from svclint.project import Project
from svclint.reading import MAX_FILE_BYTES, ReadError
from svclint.rendered import RenderedMap
from svclint.reporting import apply_policy
from svclint.settings import Settings


def lint_sources(sources: Sequence[tuple[str, bytes | ReadError]], settings: Settings | None = None,
                 catalog: Catalog | None = None, policy: Policy | None = None) -> LintResult:
    """Lint in-memory files: ``(display path, bytes)``, or a ReadError for a file that could not be read.

    A file named ``-`` is stdin: rendered output there is reported at its templates, as in ``lint``.
    ``policy`` (rule selection, severities, baseline, scopes) applies as in ``lint``; its exclude
    and context do not, as there is nothing to walk, and no kustomization is looked up on disk.
    """
    settings = settings or Settings()

    catalog = catalog or load_catalog()

    def load() -> list[LoadedFile]:
        options = LoadOptions(settings.default_namespace)
        check = object_checker(settings, catalog, discover_checks())
        return [load_file(path, data, index, options, check, rendered=path == STDIN)
                for index, (path, data) in enumerate(sources)]

    return _without_gc(lambda: _check(load(), settings, catalog, policy or Policy()))


def lint(paths: Sequence[str], settings: Settings | None = None, *, stdin: bytes | None = None,
         jobs: int | None = None, max_file_bytes: int = MAX_FILE_BYTES, policy: Policy | None = None,
         stdin_name: str = STDIN) -> LintResult:
    """Lint files, directories (recursively) and ``-`` (``stdin``, reported as ``stdin_name``).
    Raises InputError for a missing path.

    ``jobs`` processes parse the files (None: all cores when the input is large enough); the
    result is the same whatever the number. Files over ``max_file_bytes`` are reported, not read.
    ``policy`` says what is reported (default: every rule, every file). Documents of stdin that
    ``helm template`` marks with ``# Source:`` are reported at their templates (``svclint.rendered``).
    Files that a kustomization names as patches are parsed but their objects not linted (see
    svclint.kustomize).
    """
    settings = settings or Settings()
    policy = policy or Policy()
    excluded = policy.exclusion()
    sources, reported = _sources(paths, policy, excluded, stdin_name)
    patches = _patches(sources, excluded)
    return _without_gc(lambda: _check(
        _without_objects(load_all(sources, settings, stdin, jobs, max_file_bytes), patches),
        settings, load_catalog(), policy, reported))


def _sources(paths: Sequence[str], policy: Policy, excluded: Callable[[str], bool],
             stdin_name: str) -> tuple[list[Source], frozenset[str] | None]:
    """The files to read and the files to report on (None: all that are read).

    With context, the files are read in the context's order, the named ones in their place
    (under the name given) and those outside it after: cross-file rules that depend on the
    order (which of two colliding node ports comes first) then decide the same whichever of
    the files a run names, so a file list split over several runs gives the same findings.
    """
    sources = discover(paths, excluded, stdin_name)
    if not policy.context:
        return sources, None
    try:
        context = discover(policy.context, excluded)
    except InputError as error:
        raise InputError(f"context path {error}") from None
    named = {source_key(s): s for s in sources}
    ordered = [named.pop(source_key(s), s) for s in context]
    return ordered + list(named.values()), frozenset(s.path for s in sources)


def _patches(sources: Sequence[Source], excluded: Callable[[str], bool]) -> frozenset[str]:
    """The sources that a kustomization near them names as patches (see svclint.kustomize), stdin
    included when --stdin-filename names such a file (an editor's unsaved patch)."""
    files = {source.path: file for source in sources if (file := _file_of(source)) is not None}
    patches = find_patches(list(files.values()), excluded)
    if not patches:
        return frozenset()  # the common case: no realpath per source
    return frozenset(source.path for source in sources if source.path in files and source_key(source) in patches)


def _file_of(source: Source) -> str | None:
    """The file on disk a source is, or stands for."""
    if source.real is not None:
        return source.real
    return source.path if source.is_stdin and source.path != STDIN else None


def _without_objects(loaded: list[LoadedFile], patches: frozenset[str]) -> list[LoadedFile]:
    """A patch holds partial objects: its syntax problems count, its objects are not linted."""
    return [dataclasses.replace(file, objects=(), diagnostics=()) if file.path in patches else file
            for file in loaded]


def _without_gc(run: Callable[[], LintResult]) -> LintResult:
    """Run with the cyclic garbage collector paused.

    Linting builds millions of small, acyclic objects and keeps them until the result is made:
    the collector would only re-scan them over and over (it doubled the loading time). They
    are all local to ``run``, so refcounting frees them before the collector is back.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return run()
    finally:
        if enabled:
            gc.enable()


def _check(loaded: list[LoadedFile], settings: Settings, catalog: Catalog, policy: Policy,
           reported: frozenset[str] | None = None) -> LintResult:
    objects = [obj for file in loaded for obj in file.objects]
    project = Project(objects, policy.scope_lookup())
    diagnostics = load_diagnostics((issue for file in loaded for issue in file.issues), catalog)
    diagnostics += (d for file in loaded for d in file.diagnostics)
    context = ProjectContext(settings, project)
    diagnostics += check_objects(objects, context, catalog, discover_checks(), PROJECT_SCOPE)
    rendered = RenderedMap.of((file.path, file.segments) for file in loaded)
    diagnostics = apply_policy(diagnostics, loaded, policy, catalog, reported, rendered)  # sorted
    checked = tuple(CheckedObject(rendered.object_path(obj), obj.ref) for obj in objects
                    if not obj.custom and lookup(obj.kind).checked
                    and (reported is None or obj.path in reported))
    files = len(loaded) if reported is None else sum(1 for file in loaded if file.path in reported)
    return LintResult(tuple(diagnostics), files, checked)
