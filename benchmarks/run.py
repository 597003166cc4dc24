"""Time svclint (whole process, cold start) on generated corpora and print the figures.

    python benchmarks/run.py                  # small file, 1k, 10k, 10k in one file
    python benchmarks/run.py --sizes 1k       # the CI smoke run
    python benchmarks/run.py --repeat 5 --jobs 1 --jobs 2

For each corpus: files, objects, MB, then per job count the median wall and CPU seconds,
MB/s, objects/s and peak RSS of the svclint process tree (os.wait4). If checkov or
kubernetes-validate are on PATH they are timed on the same corpus. Corpora are generated
once into --workdir (default: a directory under the system temp dir) by generate.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

CORPORA = {"small": (1, False), "1k": (1000, False), "10k": (10000, False), "10k-one-file": (10000, True)}
#: The performance targets of the project (seconds), to print next to the figures.
TARGETS = {"small": 0.35, "1k": 1.0, "10k": 5.0, "10k-one-file": 6.0}


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    summary: dict[str, int]


def measure(command: list[str]) -> Run:
    """Run ``command`` to completion; wall time, CPU time and peak RSS from the kernel."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    summary: dict[str, int] = {}
    try:
        summary = json.loads(output).get("summary", {})
    except ValueError:
        pass
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, summary)


def corpus(workdir: Path, name: str) -> Path:
    apps, single = CORPORA[name]
    path = workdir / name
    if not path.exists():
        generate(apps, path, single)
    return path


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def svclint_command(path: Path, jobs: int | None) -> list[str]:
    command = [sys.executable, "-m", "svclint", "check", "--format", "json", "--fail-on", "never"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return [*command, str(path)]


def peers(path: Path) -> dict[str, list[str]]:
    found = {}
    if shutil.which("checkov"):
        found["checkov"] = ["checkov", "--framework", "kubernetes", "--quiet", "--compact", "-d", str(path)]
    if shutil.which("kubernetes-validate"):
        files = [str(f) for f in sorted(path.rglob("*.yaml"))]
        found["kubernetes-validate"] = ["kubernetes-validate", "--quiet", *files]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="svclint benchmark runner")
    parser.add_argument("--sizes", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown")
    parser.add_argument("--jobs", type=int, action="append", help="job counts to time (default: svclint's choice)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "svclint-bench")
    args = parser.parse_args()
    job_counts: list[int | None] = list(args.jobs) if args.jobs else [None]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, repeat {args.repeat} (median)")
    header = f"{'corpus':<13}{'jobs':>5}{'files':>7}{'objects':>9}{'MB':>7}{'wall s':>8}{'cpu s':>7}"
    print(header + f"{'MB/s':>7}{'obj/s':>8}{'RSS MB':>8}   target")
    for name in args.sizes:
        path = corpus(args.workdir, name)
        megabytes = size_mb(path)
        files = sum(1 for f in path.rglob("*.yaml"))
        for jobs in job_counts:
            runs = [measure(svclint_command(path, jobs)) for _ in range(args.repeat)]
            wall = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            objects = runs[0].summary.get("objects", 0)
            verdict = "met" if wall <= TARGETS[name] else "missed"
            print(f"{name:<13}{jobs or 'auto':>5}{files:>7}{objects:>9}{megabytes:>7.1f}{wall:>8.2f}{cpu:>7.2f}"
                  f"{megabytes / wall:>7.1f}{objects / wall:>8.0f}{max(r.peak_mb for r in runs):>8.0f}"
                  f"   < {TARGETS[name]:g} s {verdict}")
        for peer, command in peers(path).items():
            run = measure(command)
            print(f"  {peer}: {run.wall:.2f} s wall, {run.peak_mb:.0f} MB peak ({run.wall / wall:.0f}x svclint)")


if __name__ == "__main__":
    main()
