"""What a run reports, resolved once from the configuration file and the command line.

Rule selection follows ruff: sources are applied in order (the file, then the command line);
a source with ``select`` starts afresh, ``extend-select`` adds, ``ignore`` removes; within one
source the more specific selector wins (ALL < a code prefix < a longer prefix < a rule), and
on a tie ``ignore`` wins.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from svclint.baseline import Baseline
from svclint.catalog import Catalog
from svclint.config import ALL, Config, Selection
from svclint.diagnostics import INTERNAL_ERROR, Severity
from svclint.globs import Glob, matches, matches_name, matches_relative, relative
from svclint.indexes.scopes import DEFAULT_SCOPE
from svclint.kustomize_build import KustomizeOptions

#: Specificity of a full rule name or code; prefixes count their length (at most "SVC30", 5).
_EXACT = 6


@dataclass(frozen=True, slots=True)
class Policy:
    """Selection, per-file ignores, severities, exclusions, context, baseline and scopes of one run.

    The default reports every rule at its catalog severity.
    """

    enabled: frozenset[str] | None = None  # rule names; None: every rule
    per_file_ignores: tuple[tuple[Glob, frozenset[str]], ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    exclude: tuple[Glob, ...] = ()
    context: tuple[str, ...] = ()  # paths loaded for cross-object rules, not reported on
    baseline: Baseline | None = None
    scopes: tuple[tuple[str, tuple[Glob, ...]], ...] = ()  # name, the globs of its files
    kustomize: KustomizeOptions = field(default_factory=KustomizeOptions)  # how kustomization trees are read

    def exclusion(self) -> Callable[[str], bool]:
        """For one run's files and directories: whether one is left out of the run (see
        ``_glob_matcher``: the directories it is in are matched once each)."""
        if not self.exclude:
            return lambda path: False
        matching = _glob_matcher(self.exclude)
        return lambda path: any(matching(path))

    def ignored_rules(self, path: str) -> frozenset[str]:
        """Rule names that per-file-ignores turns off in ``path``."""
        return frozenset().union(*(rules for glob, rules in self.per_file_ignores if matches(glob, path)))

    def scope_lookup(self) -> Callable[[str], tuple[str, ...]]:
        """For one run's files: the scopes a file is in, in the configuration's order, or the
        default scope when none names it (see ``_glob_matcher``)."""
        globs = tuple(glob for _, scope_globs in self.scopes for glob in scope_globs)
        owners = [scope for scope, scope_globs in self.scopes for _ in scope_globs]
        matching = _glob_matcher(globs)

        def scopes_of(path: str) -> tuple[str, ...]:
            names = dict.fromkeys(scope for scope, hit in zip(owners, matching(path)) if hit)
            return tuple(names) or (DEFAULT_SCOPE,)

        return scopes_of

    def selects(self, rule: str) -> bool:
        """Whether ``rule`` is selected at all (svclint's own failure always is)."""
        return rule == INTERNAL_ERROR or self.enabled is None or rule in self.enabled


def _glob_matcher(globs: tuple[Glob, ...]) -> Callable[[str], list[bool]]:
    """For one run's paths: which of ``globs`` match a path, each as ``globs.matches`` would.

    Each directory is made relative and matched once (``os.path.relpath`` and the matching of
    every parent directory are the slow part); per path only its own name is matched.
    """

    @cache
    def in_directory(directory: str) -> tuple[dict[str, str], list[bool]]:
        bases = {glob.root: relative(directory or os.curdir, glob.root) for glob in globs}
        hits = [bases[glob.root] != os.curdir and matches_relative(glob, bases[glob.root]) for glob in globs]
        return bases, hits

    def matching(path: str) -> list[bool]:
        directory, name = os.path.split(os.path.normpath(path))
        bases, hits = in_directory(directory)
        return [hit or matches_name(glob, name if bases[glob.root] == os.curdir else f"{bases[glob.root]}/{name}")
                for glob, hit in zip(globs, hits)]

    return matching


def rules_matching(selector: str, catalog: Catalog) -> frozenset[str]:
    """Names of the rules a selector (a name, a code, a code prefix or ALL) stands for."""
    if selector == ALL:
        return frozenset(rule.name for rule in catalog)
    if selector in catalog.index:
        return frozenset({catalog[selector].name})
    return frozenset(rule.name for rule in catalog if rule.code.startswith(selector))


def _specificity(selector: str, catalog: Catalog) -> int:
    return 0 if selector == ALL else _EXACT if selector in catalog.index else len(selector)


def selected_rules(catalog: Catalog, sources: Iterable[Selection]) -> frozenset[str]:
    """The rule names left selected after each source in turn (every rule before the first)."""
    enabled = set(rules_matching(ALL, catalog))
    for source in sources:
        if source.select is not None:
            enabled = set()
        chosen = [*(source.select or ()), *source.extend_select]
        for level in sorted({_specificity(s, catalog) for s in (*chosen, *source.ignore)}):
            for selector in chosen:
                if _specificity(selector, catalog) == level:
                    enabled |= rules_matching(selector, catalog)
            for selector in source.ignore:
                if _specificity(selector, catalog) == level:
                    enabled -= rules_matching(selector, catalog)
    return frozenset(enabled)


def build_policy(config: Config, command_line: Selection, catalog: Catalog, *,
                 context: Sequence[str] = (), baseline: Baseline | None = None,
                 kustomize_mode: str | None = None) -> Policy:
    """The policy of a run: the file's settings, then the command line's on top.

    Context paths from the file are shown relative to the working directory, as the user's
    own paths are; ``context`` (from the command line) adds to them.
    """
    kustomize = config.kustomize if kustomize_mode is None else dataclasses.replace(config.kustomize, mode=kustomize_mode)
    return Policy(
        enabled=selected_rules(catalog, (config.selection, command_line)),
        per_file_ignores=tuple(
            (glob, frozenset().union(*(rules_matching(s, catalog) for s in selectors)))
            for glob, selectors in config.per_file_ignores
        ),
        severity=dict(config.severity),
        exclude=config.exclude,
        context=(*(os.path.relpath(path) for path in config.context), *context),
        baseline=baseline,
        scopes=config.scopes,
        kustomize=kustomize,
    )
