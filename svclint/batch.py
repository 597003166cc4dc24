"""Load many sources, in one process or a pool, with the same result either way.

The work is cut into tasks that do not depend on the number of jobs: a whole file, or one part
of a big multi-document file (streams.split_stream). Tasks run in order in this process, or
spread over a process pool; results are put back in input order and parts joined per file.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

from svclint.catalog import load_catalog
from svclint.checks import discover_checks
from svclint.diagnostics import Diagnostic
from svclint.discovery import Source
from svclint.engine import object_checker
from svclint.loader import (
    PART_SIZE,
    LoadedFile,
    LoadOptions,
    PartResult,
    join_parts,
    load_source,
    parse_part,
)
from svclint.model import KubeObject
from svclint.pickling import shippable
from svclint.positions import SourceText
from svclint.reading import MAX_FILE_BYTES, ReadError, decode, read_source
from svclint.settings import Settings
from svclint.streams import part_starts, split_stream
from svclint.yamlparse import YamlDocument

#: Below this much input, a process pool costs more than it saves (see benchmarks/RESULTS.md).
PARALLEL_MIN_BYTES = 2_000_000
#: About this much input per round trip to a worker (a few tenths of a second of work).
BATCH_BYTES = 500_000


@shippable
@dataclass(frozen=True, slots=True)
class _FileTask:
    index: int
    source: Source
    data: bytes | None  # stdin's bytes; a file is read by the worker itself
    size: int


@shippable
@dataclass(frozen=True, slots=True)
class _PartTask:
    index: int
    part: int
    path: str
    text: str
    line_offset: int


Task = _FileTask | _PartTask


def load_all(sources: Sequence[Source], settings: Settings, stdin: bytes | None = None,
             jobs: int | None = None, max_bytes: int = MAX_FILE_BYTES) -> list[LoadedFile]:
    """Read and parse every source, in order, with ``jobs`` processes (None: all cores when
    there is enough input to pay for a pool), and run the object-scope checks on each file's
    objects where it was parsed. The result does not depend on ``jobs``."""
    sizes = [_size(s, stdin) for s in sources]
    if jobs is None:
        jobs = (os.cpu_count() or 1) if sum(sizes) >= PARALLEL_MIN_BYTES else 1
    tasks: list[Task] = []
    texts: dict[int, SourceText] = {}  # big files, split here
    finished: dict[int, LoadedFile] = {}  # by input index
    for index, (source, size) in enumerate(zip(sources, sizes)):
        data = stdin if source.real is None else None
        if size < 2 * PART_SIZE:
            tasks.append(_FileTask(index, source, data, size))
            continue
        raw = read_source(source, data, max_bytes)
        text = decode(raw) if isinstance(raw, bytes) else None
        if not isinstance(text, str):  # unreadable or undecodable: load_source says so
            finished[index] = load_source(source.path, raw, index, LoadOptions(settings.default_namespace))
            continue
        split = split_stream(text, PART_SIZE)
        texts[index] = SourceText(text, part_starts(split))
        tasks += [_PartTask(index, i, source.path, part, offset) for i, (part, offset) in enumerate(split)]
    results = _run(tasks, settings, max_bytes, min(jobs, len(tasks)))
    parts: dict[int, list[PartResult]] = {}
    for task, result in zip(tasks, results):
        if isinstance(result, LoadedFile):
            finished[task.index] = result
        else:
            parts.setdefault(task.index, []).append(result)
    for index, file_parts in parts.items():
        finished[index] = join_parts(sources[index].path, texts[index], file_parts, sources[index].is_stdin)
    return [finished[index] for index in range(len(sources))]


def _run(tasks: list[Task], settings: Settings, max_bytes: int, jobs: int) -> list[LoadedFile | PartResult]:
    if jobs <= 1:
        return _work(tasks, settings, max_bytes, ship=False)
    # Imported here: with multiprocessing it is a tenth of the start-up of a run that needs no pool.
    from concurrent.futures import ProcessPoolExecutor

    # Contiguous batches of similar size, input order kept: few round trips, yet small enough
    # that no worker idles long at the end while another finishes a big batch.
    weights = [len(t.text) if isinstance(t, _PartTask) else t.size for t in tasks]
    batches: list[list[Task]] = [[] for _ in range(max(jobs * 4, sum(weights) // BATCH_BYTES))]
    share = (sum(weights) or 1) / len(batches)
    done = 0
    for task, weight in zip(tasks, weights):
        batches[min(int(done / share), len(batches) - 1)].append(task)
        done += weight
    with ProcessPoolExecutor(jobs) as pool:
        done_batches = pool.map(_work, [b for b in batches if b], repeat(settings), repeat(max_bytes), repeat(True))
        return [result for batch in done_batches for result in batch]


def _work(tasks: list[Task], settings: Settings, max_bytes: int, ship: bool) -> list[LoadedFile | PartResult]:
    """Load the tasks; ``ship``: the results go to another process (see ``_shipped``)."""
    options = LoadOptions(settings.default_namespace)  # one scalar memo for the tasks of a batch
    check = object_checker(settings, load_catalog(), discover_checks())
    results: list[LoadedFile | PartResult] = []
    for task in tasks:
        if isinstance(task, _PartTask):
            part = parse_part(task.path, task.text, task.line_offset, (task.index, task.part), options)
            # A part's objects travel without their text: join_parts gives them the file's.
            results.append(dataclasses.replace(part, diagnostics=tuple(check(part.objects)),
                                               objects=_shipped(part.objects, None) if ship else part.objects))
        else:
            data = read_source(task.source, task.data, max_bytes)
            results.append(load_file(task.source.path, data, task.index, options, check,
                                     task.source.is_stdin, ship))
    return results


def load_file(path: str, data: bytes | ReadError, index: int, options: LoadOptions,
              check: Callable[[Iterable[KubeObject]], list[Diagnostic]], rendered: bool = False,
              ship: bool = False) -> LoadedFile:
    """``loader.load_source``, and the object-scope checks (``check``) on the objects it found.

    ``ship``: the result goes to another process (see ``_shipped``).
    """
    loaded = load_source(path, data, index, options, rendered)
    if not loaded.objects:
        return loaded
    return dataclasses.replace(loaded, diagnostics=tuple(check(loaded.objects)),
                               objects=_shipped(loaded.objects, loaded.source) if ship else loaded.objects)


def _shipped(objects: tuple[KubeObject, ...], source: SourceText | None) -> tuple[KubeObject, ...]:
    """What is pickled: the objects with their documents as parsed, without position tables
    (three quarters of what would be pickled, and rarely needed: the main process finds them
    again in ``source``, which pickles as its text)."""
    plain: dict[int, YamlDocument] = {}  # one copy per document (List items share theirs)
    result = []
    for obj in objects:
        document = obj.document
        copy = plain.get(id(document))
        if copy is None:
            copy = plain[id(document)] = document if document.positions is None else dataclasses.replace(
                document, positions=None)
        result.append(obj.with_document(copy, source))
    return tuple(result)


def _size(source: Source, stdin: bytes | None) -> int:
    if source.real is None:
        return len(stdin or b"") if source.error is None else 0
    try:
        return os.stat(source.real).st_size
    except OSError:
        return 0
