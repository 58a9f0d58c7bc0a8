"""Project layer: checking many files on several processors (`--jobs`).

Consumes the files a run must check (those the result cache did not have), a workspace
and the options; produces one `FileResult` per file, in the order given, whether the
files were checked here or by worker processes. A file's result depends only on it, its
imports and the options, so where it was checked cannot change the output: `--jobs N`
writes exactly what `--jobs 1` does (`tests/test_speed.py`).

Workers are forked from this process after it has loaded the parser and parsed `std`, so
they start with both and with the workspace as it is. The files are cut into runs of
consecutive files (which tend to share imports); this process and the workers take the
next run from one shared counter until none is left, so whoever is faster does more,
and a worker's results travel back once, when it has no run left. Where a process
cannot be forked, and for runs too small to gain from it, the files are checked here,
one after another; so are the runs a worker took if it stops before it answers, and
every run where no worker can be started.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from alignment_plan.analysis.workspace import Workspace
from alignment_plan.checker.check import CheckOptions, FileResult, check_file

# Fewer files than this per worker, and starting the worker costs more than it saves.
MIN_FILES_PER_JOB = 16
_CHUNKS_PER_JOB = 8  # smaller runs of files even out the workers' loads

# Set in the parent before forking: the workspace, the options, the size of a run of files
# and the runs, `store`, and the shared counter of the next run to take.
_inherited: tuple | None = None


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


def check_all(
    files: Sequence[Path],
    workspace: Workspace,
    options: CheckOptions,
    jobs: int,
    store: Callable[[int, FileResult], None] | None = None,
) -> list[FileResult]:
    """Every file's result, in the order of `files`, on up to `jobs` processes (this one
    included: it checks its share while the workers check theirs, and its results need
    no copying back). `store(index, result)`, where given, is called in the process that
    checked `files[index]`, whose workspace holds the imports as the check read them (the
    result cache records their state with the result)."""
    workers = jobs_for(len(files), jobs)
    if workers <= 1:
        return [_checked(index, path, workspace, options, store) for index, path in enumerate(files)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    workspace.std()  # load the parser and std once, before forking
    size = max(1, -(-len(files) // (workers * _CHUNKS_PER_JOB)))
    chunks = [list(files[start : start + size]) for start in range(0, len(files), size)]
    context = multiprocessing.get_context("fork")
    found: dict[int, list[FileResult]] = {}
    global _inherited
    try:
        _inherited = (workspace, options, size, chunks, store, context.Value("i", 0))
        # Unlike `multiprocessing.Pool`, the executor notices a worker that stops without
        # answering (killed for memory, a crash): its future fails, instead of never ending.
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            before = set(multiprocessing.active_children())
            theirs = [pool.submit(_take_chunks, worker) for worker in range(workers - 1)]
            try:
                found.update(_take_chunks(None))
            except BaseException:  # interrupted (Ctrl-C to this process alone): stop the workers too
                for worker in set(multiprocessing.active_children()) - before:
                    worker.terminate()
                raise
            for future in theirs:
                try:
                    found.update(future.result())
                except BrokenProcessPool:
                    pass  # the runs it took are checked below
    except OSError:
        pass  # no semaphores (a container without /dev/shm), no process to fork: checked below
    finally:
        _inherited = None
    for index in range(len(chunks)):
        if index not in found:  # taken by a worker that stopped: checked here
            found[index] = _check_run(index, size, chunks, workspace, options, store)
    return [result for index in range(len(chunks)) for result in found[index]]


def _take_chunks(_worker) -> list[tuple[int, list[FileResult]]]:
    """Check the next run of files until none is left; each run's results by its index."""
    workspace, options, size, chunks, store, following = _inherited
    done = []
    while True:
        with following.get_lock():
            index = following.value
            following.value = index + 1
        if index >= len(chunks):
            return done
        done.append((index, _check_run(index, size, chunks, workspace, options, store)))


def _check_run(index: int, size: int, chunks, workspace: Workspace, options: CheckOptions, store) -> list[FileResult]:
    """The results of the run of files `chunks[index]` (its first file is `files[index * size]`)."""
    start = index * size
    return [_checked(start + at, path, workspace, options, store) for at, path in enumerate(chunks[index])]


def _checked(index: int, path: Path, workspace: Workspace, options: CheckOptions, store) -> FileResult:
    result = check_file(path, workspace, options)
    if store is not None:
        store(index, result)
    return result
