"""The public, pure entry point: inputs and settings in, a ``LintResult`` out. Prints nothing."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from svclint.batch import load_all
from svclint.catalog import Catalog, load_catalog
from svclint.checks import discover_checks
from svclint.diagnostics import CheckedObject, Diagnostic, Severity
from svclint.engine import INTERNAL_ERROR, check_objects, load_diagnostics
from svclint.loader import MAX_FILE_BYTES, LoadedFile, discover, load_source
from svclint.project import build_project
from svclint.settings import Settings


@dataclass(frozen=True, slots=True)
class LintResult:
    """Sorted diagnostics and what was looked at."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    checked: tuple[CheckedObject, ...] = ()  # Services and workloads analysed, in input order

    @property
    def objects(self) -> int:
        """How many Services and workloads were analysed."""
        return len(self.checked)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity and not d.suppressed)

    def exit_code(self, fail_on: Severity | None) -> int:
        """0: nothing at or above ``fail_on``; 1: findings that are; 2: svclint itself failed."""
        if any(d.rule == INTERNAL_ERROR for d in self.diagnostics):
            return 2
        if fail_on is None:
            return 0
        return int(any(d.severity >= fail_on and not d.suppressed for d in self.diagnostics))


def lint_sources(sources: Sequence[tuple[str, bytes | str]], settings: Settings | None = None,
                 catalog: Catalog | None = None) -> LintResult:
    """Lint in-memory files: ``(display path, bytes)``; a ``str`` stands for a read error."""
    settings = settings or Settings()

    def load() -> list[LoadedFile]:
        cache: dict[str, object] = {}
        return [load_source(path, data, index, settings.default_namespace, cache)
                for index, (path, data) in enumerate(sources)]

    return _without_gc(lambda: _check(load(), settings, catalog or load_catalog()))


def lint(paths: Sequence[str], settings: Settings | None = None, *, stdin: bytes | None = None,
         jobs: int | None = None, max_file_bytes: int = MAX_FILE_BYTES) -> LintResult:
    """Lint files, directories (recursively) and ``-`` (``stdin``). Raises InputError for a missing path.

    ``jobs`` processes parse the files (None: all cores when the input is large enough); the
    result is the same whatever the number. Files over ``max_file_bytes`` are reported, not read.
    """
    settings = settings or Settings()
    sources = discover(paths)
    return _without_gc(lambda: _check(load_all(sources, settings.default_namespace, stdin, jobs, max_file_bytes),
                                      settings, load_catalog()))


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


def _check(loaded: list[LoadedFile], settings: Settings, catalog: Catalog) -> LintResult:
    objects = [obj for file in loaded for obj in file.objects]
    project = build_project(objects)
    diagnostics = load_diagnostics((issue for file in loaded for issue in file.issues), catalog)
    diagnostics += check_objects(objects, project, settings, catalog, discover_checks())
    diagnostics.sort(key=lambda d: d.sort_key)
    checked = tuple(CheckedObject(obj.path, obj.ref) for obj in objects if not obj.custom)
    return LintResult(tuple(diagnostics), len(loaded), checked)
