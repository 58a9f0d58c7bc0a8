"""Project layer: checking many files on several processors (`--jobs`).

Consumes the files a run must check (those the result cache did not have), a workspace
and the options; produces one `FileResult` per file, in the order given, whether the
files were checked here or by worker processes. A file's result depends only on it, its
imports and the options, so where it was checked cannot change the output: `--jobs N`
writes exactly what `--jobs 1` does (`tests/test_speed.py`).

Workers are forked from this process after it has loaded the parser and parsed `std`, so
they start with both and with the workspace as it is. Each takes a run of consecutive
files, which tend to share imports. Where a process cannot be forked, and for runs too
small to gain from it, the files are checked here, one after another.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from alignment_plan.analysis.workspace import Workspace
from alignment_plan.checker.check import CheckOptions, FileResult, check_file

# Fewer files than this per worker, and starting the worker costs more than it saves.
MIN_FILES_PER_JOB = 16
_CHUNKS_PER_JOB = 4  # smaller runs of files even out the workers' loads

_inherited: tuple[Workspace, CheckOptions] | None = None  # set in the parent before forking


def available_cpus() -> int:
    """The processors this process may run on (the default of `--jobs`)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def jobs_for(count: int, jobs: int) -> int:
    """How many processes to check `count` files with when `jobs` are allowed."""
    wanted = max(1, min(jobs, count // MIN_FILES_PER_JOB))
    if wanted > 1:
        import multiprocessing  # only for a run that forks: importing it is a cost at start-up

        if "fork" not in multiprocessing.get_all_start_methods():
            return 1
    return wanted


def check_all(files: Sequence[Path], workspace: Workspace, options: CheckOptions, jobs: int) -> list[FileResult]:
    """Every file's result, in the order of `files`, on up to `jobs` processes (this one
    included: it checks its share while the workers check theirs, and its results need
    no copying back)."""
    workers = jobs_for(len(files), jobs)
    if workers <= 1:
        return [check_file(path, workspace, options) for path in files]
    import multiprocessing

    workspace.std()  # load the parser and std once, before forking
    size = max(1, -(-len(files) // (workers * _CHUNKS_PER_JOB)))
    chunks = [list(files[start : start + size]) for start in range(0, len(files), size)]
    mine = len(chunks) // workers  # the first chunks; the workers take the rest
    global _inherited
    _inherited = (workspace, options)
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            theirs = pool.map_async(_check_chunk, chunks[mine:], chunksize=1)
            found = [_check_chunk(chunk) for chunk in chunks[:mine]] + theirs.get()
    finally:
        _inherited = None
    return [result for chunk in found for result in chunk]


def _check_chunk(files: list[Path]) -> list[FileResult]:
    workspace, options = _inherited
    return [check_file(path, workspace, options) for path in files]
