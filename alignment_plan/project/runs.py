"""Project layer: a whole run's output kept by content, so that an unchanged repeat is replayed.

A repeat `check` over files that have not changed, with the same configuration and the
same way of showing the result, prints exactly what it printed before. The result cache
holds every file's result, but decoding them all and rendering the report again is most
of a repeat run. So `check` also records what it wrote: its output, what it said on
standard error before and after it, its exit code and its GitHub job summary. The key
(`Project.outputs`) is made of every checked file's cache key (its display path, its text,
the options, the tool), the settings, the baseline's text and how the output is rendered;
the record lists every other file the run depended on (imports, and imports that were
missing) with a digest of each, checked again before a replay, as a cache entry does.

A record is signed as a cache entry is, and carries the signature of the output it points
to: the output is checked whole before a byte of it is written. Records live in `runs/`
in the cache folder; the `KEEP_RUNS` most recently used are kept. Nothing is recorded for
a run that cannot be cached (no key, a file that cannot be read, `--update-baseline`, an
error exit 2), and a record that cannot be written is simply not there next time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import attrs

from alignment_plan.project.cache import ResultCache, prune, read_signed, sign, write_signed

KEEP_RUNS = 4  # records kept: a few formats or configurations of the same files
FOLDER = "runs"


@attrs.frozen
class Replay:
    """What a recorded run wrote, to be written again."""

    output: bytes  # UTF-8, as it was written
    before: tuple[str, ...]  # standard error, before the output
    after: tuple[str, ...]  # standard error, after it
    exit: int
    summary: str | None  # appended to the GitHub job summary, when the run did
    inputs: tuple[str, ...]  # every file the run read: `-o` must never write over one


class RunOutputs:
    """The record of one run's output under one key: read it back, or make it."""

    def __init__(self, cache: ResultCache, key: str, baseline: str | None = None):
        self._cache = cache
        # The baseline's text, part of the key: the run applies this text, not a later read.
        self.baseline = baseline
        self._folder = cache.directory / FOLDER
        self._record = self._folder / f"{key}.json"
        self._output = self._folder / f"{key}.out"
        self._temporary: Path | None = None
        self._signature = None

    def replay(self) -> Replay | None:
        """The recorded run, if there is one and every file it depended on is as it was."""
        secret = self._cache.secret
        if secret is None:
            return None
        try:
            record = json.loads(read_signed(self._record, secret))
            if not self._cache.unchanged(record["dependencies"]):
                return None
            output = self._output.read_bytes()
            if sign(secret, output) != record["output"]:
                return None
            found = Replay(
                output=output,
                before=tuple(record["before"]),
                after=tuple(record["after"]),
                exit=int(record["exit"]),
                summary=record["summary"],
                inputs=tuple(record["inputs"]),
            )
            os.utime(self._record, follow_symlinks=False)  # used now: the last to be pruned
        except (OSError, ValueError, LookupError, TypeError, KeyError, AttributeError):
            return None
        return found

    def record(self, pieces: str | Iterable[str]) -> Iterator[str]:
        """`pieces` as they come, a copy of each kept in a temporary file beside the record
        (signed as it grows) until `remember` keeps it or `forget` removes it."""
        if isinstance(pieces, str):
            pieces = (pieces,)
        secret = self._cache.secret
        handle = None
        if secret is not None:
            try:
                self._cache.prepare(self._folder)
                descriptor, name = tempfile.mkstemp(dir=self._folder, prefix=".", suffix=".tmp")
                handle, self._temporary = os.fdopen(descriptor, "wb"), Path(name)
            except OSError:
                handle = None
        signature = None if handle is None else hmac.new(secret, digestmod=hashlib.sha256)  # = cache.sign of the whole
        try:
            for piece in pieces:
                if handle is not None:
                    data = piece.encode("utf-8", "backslashreplace")  # as `write_output` writes it
                    handle.write(data)
                    signature.update(data)
                yield piece
        finally:
            if handle is not None:
                handle.close()
                self._signature = signature.hexdigest()

    def remember(
        self,
        *,
        dependencies: Sequence[tuple[str, str]],
        before: Sequence[str],
        after: Sequence[str],
        exit: int,
        summary: str | None,
        inputs: Sequence[str],
    ) -> None:
        """Keep the output `record` copied, with what the run said and depended on."""
        if self._temporary is None or self._signature is None or self._cache.secret is None:
            self.forget()
            return
        record = {
            "dependencies": list(dependencies),
            "output": self._signature,
            "before": list(before),
            "after": list(after),
            "exit": exit,
            "summary": summary,
            "inputs": list(inputs),
        }
        try:
            self._cache.prepare(self._folder)
            os.replace(self._temporary, self._output)
            self._temporary = None
            write_signed(self._record, self._cache.secret, json.dumps(record, ensure_ascii=False))
            prune(self._folder, KEEP_RUNS, companions=(".out",))
        except OSError:
            self.forget()

    def forget(self) -> None:
        """Remove the copy `record` made, if any: this run is not to be replayed."""
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
            self._temporary = None
