"""Load many sources, in one process or a pool, with the same result either way.

The work is cut into tasks that do not depend on the number of jobs: a whole file, or one part
of a big multi-document file (yamlparse.split_stream). Tasks run in order in this process, or
spread over a process pool; results are put back in input order and parts joined per file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from svclint.loader import (
    MAX_FILE_BYTES,
    PART_SIZE,
    LoadedFile,
    PartResult,
    Source,
    decode,
    join_parts,
    load_source,
    parse_part,
    read_source,
)
from svclint.yamlparse import split_stream

#: Below this much input, a process pool costs more than it saves (see benchmarks/RESULTS.md).
PARALLEL_MIN_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class _FileTask:
    index: int
    source: Source
    data: bytes | None  # stdin's bytes; a file is read by the worker itself
    size: int


@dataclass(frozen=True, slots=True)
class _PartTask:
    index: int
    part: int
    path: str
    text: str
    line_offset: int


Task = _FileTask | _PartTask


def load_all(sources: Sequence[Source], default_namespace: str, stdin: bytes | None = None,
             jobs: int | None = None, max_bytes: int = MAX_FILE_BYTES) -> list[LoadedFile]:
    """Read and parse every source, in order, with ``jobs`` processes (None: all cores when
    there is enough input to pay for a pool). The result does not depend on ``jobs``."""
    sizes = [_size(s, stdin) for s in sources]
    if jobs is None:
        jobs = (os.cpu_count() or 1) if sum(sizes) >= PARALLEL_MIN_BYTES else 1
    tasks: list[Task] = []
    texts: dict[int, str] = {}  # big files, split here
    finished: dict[int, LoadedFile] = {}  # by input index
    for index, (source, size) in enumerate(zip(sources, sizes)):
        data = stdin if source.real is None else None
        if size < 2 * PART_SIZE:
            tasks.append(_FileTask(index, source, data, size))
            continue
        raw = read_source(source, data, max_bytes)
        text = decode(raw)[0] if isinstance(raw, bytes) else None
        if text is None:  # unreadable or undecodable: load_source says so
            finished[index] = load_source(source.path, raw, index, default_namespace)
            continue
        texts[index] = text
        tasks += [_PartTask(index, i, source.path, part, offset)
                  for i, (part, offset) in enumerate(split_stream(text, PART_SIZE))]
    results = _run(tasks, default_namespace, max_bytes, min(jobs, len(tasks)))
    parts: dict[int, list[PartResult]] = {}
    for task, result in zip(tasks, results):
        if isinstance(result, LoadedFile):
            finished[task.index] = result
        else:
            parts.setdefault(task.index, []).append(result)
    for index, file_parts in parts.items():
        finished[index] = join_parts(sources[index].path, texts[index], file_parts, sources[index].is_stdin)
    return [finished[index] for index in range(len(sources))]


def _run(tasks: list[Task], default_namespace: str, max_bytes: int, jobs: int) -> list[LoadedFile | PartResult]:
    if jobs <= 1:
        return _work(tasks, default_namespace, max_bytes)
    # Contiguous batches of similar size: few round trips, balanced, input order kept.
    batches: list[list[Task]] = [[] for _ in range(jobs * 4)]
    weights = [len(t.text) if isinstance(t, _PartTask) else t.size for t in tasks]
    share = (sum(weights) or 1) / len(batches)
    done = 0
    for task, weight in zip(tasks, weights):
        batches[min(int(done / share), len(batches) - 1)].append(task)
        done += weight
    with ProcessPoolExecutor(jobs) as pool:
        done_batches = pool.map(_work, [b for b in batches if b], repeat(default_namespace), repeat(max_bytes))
        return [result for batch in done_batches for result in batch]


def _work(tasks: list[Task], default_namespace: str, max_bytes: int) -> list[LoadedFile | PartResult]:
    cache: dict[str, Any] = {}  # scalar resolution, shared by the tasks of one batch
    results: list[LoadedFile | PartResult] = []
    for task in tasks:
        if isinstance(task, _PartTask):
            results.append(parse_part(task.path, task.text, task.line_offset, (task.index, task.part),
                                      default_namespace, cache))
        else:
            data = read_source(task.source, task.data, max_bytes)
            results.append(load_source(task.source.path, data, task.index, default_namespace, cache,
                                       task.source.is_stdin))
    return results


def _size(source: Source, stdin: bytes | None) -> int:
    if source.real is None:
        return len(stdin or b"") if source.error is None else 0
    try:
        return os.stat(source.real).st_size
    except OSError:
        return 0
