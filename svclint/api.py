"""The public, pure entry point: inputs and settings in, a ``LintResult`` out. Prints nothing."""

from __future__ import annotations

import dataclasses
import gc
import os
import re
from collections.abc import Callable, Iterator, Sequence

from svclint.batch import load_all, load_file
from svclint.catalog import Catalog, load_catalog
from svclint.checks import ProjectContext, discover_checks
from svclint.diagnostics import CheckedObject, LintResult
from svclint.discovery import STDIN, InputError, Source, discover, source_key
from svclint.engine import PROJECT_SCOPE, check_objects, load_diagnostics, object_checker
from svclint.indexes.scopes import DEFAULT_SCOPE, ScopeOf
from svclint.kinds import lookup
from svclint.kustomize import (
    KUSTOMIZATION_NAMES,
    Forest,
    find_patches,
    kustomization_file,
    plan,
    read_kustomization,
)
from svclint.kustomize_build import ALWAYS, NEVER, Built, build_all, find_command
from svclint.loader import LoadedFile, LoadIssue, LoadOptions
from svclint.model import KubeObject
from svclint.origins import Origins, Render
from svclint.policy import Policy
from svclint.positions import point_span
from svclint.project import Project
from svclint.reading import MAX_FILE_BYTES, DecodeError, ReadError, decode, read_source
from svclint.rendered import RenderedMap
from svclint.reporting import annotation_suppresses, apply_policy
from svclint.settings import Settings
from svclint.yamlparse import YamlDocument, parse_stream


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
    forest, notes = _trees(sources, policy)
    catalog = load_catalog()
    display = _displayer(sources)

    def run() -> LintResult:
        loaded = load_all(sources, settings, stdin, jobs, max_file_bytes)
        if forest is None:  # file by file: only the patches are told apart
            result = _check(_without_objects(loaded, _patches(sources, excluded)), settings, catalog, policy, reported)
        else:
            members = frozenset(s.path for s in sources if s.real is not None and forest.is_member(_real(s)))
            renders = tuple(_renders(forest, display, len(loaded), settings, policy, max_file_bytes))
            result = _check(_without_objects(loaded, members), settings, catalog, policy, reported,
                            _Trees(forest, renders, display, _documents(sources, loaded, max_file_bytes)))
        return dataclasses.replace(result, notes=notes) if notes else result

    return _without_gc(run)


@dataclasses.dataclass(frozen=True, slots=True)
class _Trees:
    """The kustomize trees of a run, rendered."""

    forest: Forest
    renders: tuple[tuple[Render, LoadedFile] | LoadIssue, ...]  # a build, or why it failed
    display: Callable[[str], str]
    documents: Callable[[str], tuple[YamlDocument, ...]]


def _trees(sources: Sequence[Source], policy: Policy) -> tuple[Forest | None, tuple[str, ...]]:
    """The kustomization trees of the inputs when they are to be rendered (None: file by file),
    and what to tell the user about it."""
    options = policy.kustomize
    if options.mode == NEVER:
        return None, ()
    found = [path for path in dict.fromkeys(_kustomizations(sources)) if path is not None]
    if not found:
        return None, ()
    if find_command(options) is None:
        missing = (f"`{options.command[0]}` is not on PATH" if options.command
                   else "neither `kustomize` nor `kubectl` is on PATH")
        if options.mode == ALWAYS:
            raise InputError(f"cannot render kustomizations: {missing} (kustomize mode is always)")
        note = (f"{missing}, so kustomizations were read file by file, not rendered: findings in kustomize "
                "trees may be false (install kubectl or kustomize, or set kustomize mode to never)")
        return None, (note,)
    return plan(found, read_kustomization), ()


def _kustomizations(sources: Sequence[Source]) -> Iterator[str | None]:
    """The real paths of the kustomization files among the sources, and of the extensionless
    ``Kustomization`` files (which a walk does not list) beside them."""
    for source in sources:
        if source.real is None:
            continue
        real = _real(source)
        if os.path.basename(real) in KUSTOMIZATION_NAMES:
            yield real
        elif os.path.isfile(os.path.join(os.path.dirname(real), KUSTOMIZATION_NAMES[-1])):
            yield kustomization_file(os.path.dirname(real))


def _real(source: Source) -> str:
    return source.resolved or os.path.realpath(source.real or source.path)


def _renders(forest: Forest, display: Callable[[str], str], first_index: int, settings: Settings,
             policy: Policy, max_bytes: int) -> Iterator[tuple[Render, LoadedFile] | LoadIssue]:
    """Build every root and load what kustomize printed as one more file, numbered from
    ``first_index`` (after the inputs) under a path no file has."""
    command = find_command(policy.kustomize)
    assert command is not None  # _trees saw it
    names = [display(root.directory) for root in forest.roots]
    options = LoadOptions(settings.default_namespace)
    check = object_checker(settings, load_catalog(), discover_checks())
    builds = build_all(forest.roots, command, policy.kustomize, names, max_bytes)
    for index, (root, name, built) in enumerate(zip(forest.roots, names, builds), start=first_index):
        if not isinstance(built, Built):
            yield LoadIssue("kustomize-build-failed", f"kustomize cannot render {name}: {built.message}",
                            display(root.path), point_span(0, 0))
            continue
        path = f"{name} (kustomize build)"
        file = load_file(path, built.text.encode("utf-8", "surrogatepass"), index, options, check)
        yield Render(root, name, path, file.objects, built.origin_base, built.command), file


def _displayer(sources: Sequence[Source]) -> Callable[[str], str]:
    """Real paths as messages name them: as the user named them when they are inputs, else
    relative to the working directory."""
    named = {_real(source): source.path for source in reversed(sources) if source.real is not None}

    def display(real: str) -> str:
        shown = named.get(real)
        if shown is not None:
            return shown
        try:
            return os.path.relpath(real)
        except ValueError:  # another drive
            return real

    return display


def _documents(sources: Sequence[Source], loaded: Sequence[LoadedFile],
               max_bytes: int) -> Callable[[str], tuple[YamlDocument, ...]]:
    """A file's documents with positions, by its real path: from the text already read for an
    input, else read from disk (a base outside the inputs); each file parsed once."""
    texts = {_real(source): file.source.text for source, file in zip(sources, loaded)
             if source.real is not None and file.source is not None}
    parsed: dict[str, tuple[YamlDocument, ...]] = {}

    def documents(real: str) -> tuple[YamlDocument, ...]:
        if real not in parsed:
            text: str | DecodeError | None = texts.get(real)
            if text is None:
                raw = read_source(Source(real, real), None, max_bytes)
                text = decode(raw) if isinstance(raw, bytes) else None
            parsed[real] = tuple(parse_stream(text, positions=True).documents) if isinstance(text, str) else ()
        return parsed[real]

    return documents


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


def _without_objects(loaded: list[LoadedFile], partial: frozenset[str]) -> list[LoadedFile]:
    """Patches, files of kustomize trees and kuttl's test assertions hold partial objects: their
    syntax problems count, their objects are not linted."""
    return [dataclasses.replace(file, objects=(), diagnostics=())
            if file.path in partial or _KUTTL_ASSERTION.fullmatch(os.path.basename(file.path)) else file
            for file in loaded]


#: kuttl's test steps ``NN-assert.yaml`` and ``NN-errors.yaml``: fields a test expects to find
#: (or not) in the cluster, never applied.
_KUTTL_ASSERTION = re.compile(r"[0-9]+-(?:assert|errors)(?:-[^/]*)?\.ya?ml")


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
           reported: frozenset[str] | None = None, trees: _Trees | None = None) -> LintResult:
    renders = [] if trees is None else [r for r in trees.renders if not isinstance(r, LoadIssue)]
    failures = [] if trees is None else [r for r in trees.renders if isinstance(r, LoadIssue)]
    files = [*loaded, *(file for _, file in renders)]
    objects = [obj for file in files for obj in file.objects]
    project = Project(objects, _render_scopes(policy.scope_lookup(), [render for render, _ in renders], trees))
    diagnostics = load_diagnostics((issue for file in files for issue in file.issues), catalog)
    diagnostics += load_diagnostics(failures, catalog)
    diagnostics += (d for file in files for d in file.diagnostics)
    context = ProjectContext(settings, project)
    diagnostics += check_objects(objects, context, catalog, discover_checks(), PROJECT_SCOPE)
    origins = None
    if trees is not None and renders:
        origins = Origins({render.path: render for render, _ in renders}, trees.forest, trees.display,
                          trees.documents, lambda obj, rule: annotation_suppresses(obj, rule, catalog))
        diagnostics = origins.place(diagnostics)
    rendered = RenderedMap.of((file.path, file.segments) for file in loaded)
    diagnostics = apply_policy(diagnostics, loaded, policy, catalog, reported, rendered)  # sorted

    def shown(obj: KubeObject) -> str:
        return rendered.object_path(obj) if origins is None else origins.object_path(obj)

    checked = tuple(CheckedObject(shown(obj), obj.ref) for obj in objects
                    if not obj.custom and lookup(obj.kind).checked and (reported is None or shown(obj) in reported))
    count = len(loaded) if reported is None else sum(1 for file in loaded if file.path in reported)
    return LintResult(tuple(diagnostics), count, checked)


def _render_scopes(scopes_of: ScopeOf, renders: Sequence[Render], trees: _Trees | None) -> ScopeOf:
    """Each build is a cluster of its own, unless the configuration's scopes name its kustomization."""
    if trees is None or not renders:
        return scopes_of
    own = {}
    for render in renders:
        configured = scopes_of(trees.display(render.root.path))
        own[render.path] = configured if configured != (DEFAULT_SCOPE,) else (render.name,)
    return lambda path: own[path] if path in own else scopes_of(path)
