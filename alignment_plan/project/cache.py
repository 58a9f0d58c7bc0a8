"""Project layer: the result cache, content-addressed as ruff's is.

Consumes one file's `FileResult` and what it depended on; produces it again on a later
run when nothing it depends on has changed. An entry's key hashes the tool (its version
and the contents of its own source, so an edit to the checker is a new tool), the options
the file is checked with, the project root, the file's display path and its text. The
entry records every other file the check read or looked for (imports, and imports that
were missing), each with a digest of its text, or of the reason it could not be read;
a lookup re-reads them, and any difference is a miss. So a change to the file, to
anything it imports, to the configuration or to the tool invalidates exactly the
entries it must.

Entries live in `.alignment-plan-cache/` under the project root (which holds a
`.gitignore` of `*` and a `CACHEDIR.TAG`), in one folder per checked file. Each is written
to a temporary file and renamed into place, so runs sharing the cache never read half an
entry; an entry that cannot be read or decoded is a miss. Entries are JSON, and decoding
builds only the result classes listed here, so an entry never runs code. A file keeps its
`KEEP_PER_FILE` most recently used entries (other options, earlier versions of it); older
ones are removed when a new one is written, so the cache does not grow with every edit.
`alignment-plan clean` removes the whole folder.

The cache directory sits in the checkout, so a pull request can commit one. Each entry
is therefore signed with a key kept outside every project (`alignment-plan/cache-key`
under the user's cache directory, made on first use, readable by the user alone): an
entry this machine did not write fails the check and is a miss, so a planted entry cannot
hide a finding. Without a usable key, or when the cache directory is a symbolic link,
the run is not cached at all.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import attrs

from alignment_plan import __version__, diagnostics
from alignment_plan.checker.check import CheckOptions, FileResult
from alignment_plan.analysis.workspace import Workspace
from alignment_plan.paths import CACHE_DIRECTORY
from alignment_plan.results import coverage, explain, model

DIRECTORY = CACHE_DIRECTORY
FORMAT = "4"  # the layout of an entry; part of every key
KEEP_PER_FILE = 4  # entries kept for one file: a few option sets (formats), a branch switched back
_GITIGNORE = "# Made by alignment-plan: the result cache is never committed.\n*\n"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# The result cache of alignment-plan (see https://bford.info/cachedir/).\n"

# The classes an entry may contain, by name; nothing else is ever built from one.
_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for module in (model, coverage, explain, diagnostics)
    for cls in vars(module).values()
    if isinstance(cls, type) and cls.__module__ == module.__name__ and (attrs.has(cls) or issubclass(cls, enum.Enum))
}
_CLASSES[FileResult.__name__] = FileResult
_RECORDS = {name: cls for name, cls in _CLASSES.items() if attrs.has(cls)}
_ENUMS = {name: cls for name, cls in _CLASSES.items() if not attrs.has(cls)}


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


@functools.cache
def tool_fingerprint() -> str:
    """The version, and a digest of everything that decides a result: the package's own
    code, catalog and grammar (also where a source checkout keeps it) and lark's version
    (read from its file: importing lark is what a cache hit saves)."""
    package = Path(__file__).resolve().parents[1]
    hasher = hashlib.blake2b(f"{__version__}\0{FORMAT}".encode(), digest_size=20)
    files = [path for path in package.rglob("*") if path.suffix in (".py", ".lark", ".plan")]
    files.append(package.parent / "grammar" / "plan.lark")
    spec = importlib.util.find_spec("lark")
    if spec is not None and spec.origin:
        files.append(Path(spec.origin))
    for path in sorted(files):
        if path.is_file():
            hasher.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def options_fingerprint(options: CheckOptions, file: str) -> str:
    """What of the configuration can change one file's result."""
    return _digest(
        json.dumps(
            {
                "threshold": options.threshold,
                "enabled": sorted(options.enabled_codes()),
                "severities": sorted((code, severity.value) for code, severity in options.severities.items()),
                "ignored": sorted(options.file_ignores.get(file, ())),
                "explanations": options.explanations,
            },
            sort_keys=True,
        )
    )


# Encoding: JSON with tagged objects --------------------------------------------------


def dumps(value) -> str:
    """`value` (results, tuples, enums, fractions, mappings) as the text of an entry.

    The standard library's C encoder writes it; it calls `_tagged` for what JSON has no
    form for: a result class, an enum, a fraction. A tuple is written as an array."""
    return json.dumps(value, default=_tagged, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def loads(text: str):
    """The value `dumps` gave `text` for; raises `ValueError` (or `TypeError`) for anything
    else. The C decoder hands each object to `_untagged`, innermost first; arrays become
    tuples where a result holds them."""
    return json.loads(text, object_hook=_untagged)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in attrs.fields(cls) if field.init)


def _mapping(value: Mapping) -> dict:
    return {"dict": [[key, _field(item)] for key, item in value.items()]}


def _field(value):
    """A field's value as `dumps` writes it: a mapping tagged, so that it reads back as one."""
    return _mapping(value) if isinstance(value, Mapping) else value


def _tagged(value):
    cls = type(value)
    if _CLASSES.get(cls.__name__) is cls:
        if isinstance(value, enum.Enum):
            return {"enum": cls.__name__, "value": value.value}
        return {"class": cls.__name__, "fields": [_field(getattr(value, name)) for name in _field_names(cls)]}
    if isinstance(value, Fraction):
        return {"fraction": [value.numerator, value.denominator]}
    if isinstance(value, Mapping):
        return _mapping(value)
    raise TypeError(f"the result cache cannot hold a {cls.__name__}")


def _tuples(items: list) -> list:
    """`items` with each array in it, at any depth, a tuple. The loop runs here, not in a
    call per array (a result holds about a hundred, most of them pairs), and the test for
    arrays inside an array runs in C (most hold none)."""
    out = []
    for item in items:
        if type(item) is list:
            item = tuple(_tuples(item)) if list in map(type, item) else tuple(item)
        out.append(item)
    return out


def _untagged(data: dict):
    if "class" in data:
        cls = _RECORDS.get(data["class"])
        if cls is None:
            raise ValueError(f"not a result class: {data['class']!r}")
        fields = data["fields"]
        if list in map(type, fields):
            return cls(*_tuples(fields))
        return cls(*fields)
    if "enum" in data:
        cls = _ENUMS.get(data["enum"])
        if cls is None:
            raise ValueError(f"not a result enum: {data['enum']!r}")
        return cls(data["value"])
    if "fraction" in data:
        return Fraction(*data["fraction"])
    if "dict" in data:
        return dict(_tuples(pair) for pair in data["dict"])
    if data.keys() == {"result"}:  # the entry itself
        return data
    raise ValueError("not an encoded value")


# The cache ----------------------------------------------------------------------------


class ResultCache:
    """File results by content under `root/.alignment-plan-cache`."""

    def __init__(self, root: Path, workspace: Workspace):
        """`workspace`: the run's, which reads each dependency once, as the checker does."""
        self.root = root.resolve()
        self.directory = self.root / DIRECTORY
        self._workspace = workspace
        self.hits = self.misses = 0
        self._secret = None if self.directory.is_symlink() else secret_key()
        # `options_fingerprint` by the options and the codes ignored in a file: a run asks
        # for it once per file with the same options (the entry holds them, keeping the id).
        self._options: dict[tuple[int, tuple[str, ...]], tuple[CheckOptions, str]] = {}

    @property
    def secret(self) -> bytes | None:
        """The key entries are signed with; None: this run is not cached."""
        return self._secret

    def _sign(self, body: bytes | memoryview) -> str:
        return sign(self._secret or b"", body)

    def unchanged(self, states) -> bool:
        """Every (path, state) in `states` is as this run sees it (`Workspace.state`)."""
        return all(self._workspace.state(path) == state for path, state in states)

    def key(self, display: str, text: str, options: CheckOptions) -> str:
        """The entry's name: the file's folder, then a digest of everything its result depends on."""
        ignored = tuple(sorted(options.file_ignores.get(display, ())))
        found = self._options.get((id(options), ignored))
        if found is None:
            found = self._options[(id(options), ignored)] = (options, options_fingerprint(options, display))
        entry = _digest(FORMAT, tool_fingerprint(), found[1], str(self.root), display, text)
        return f"{_digest(str(self.root), display)}/{entry}"

    def run_key(self, parts: Sequence[str]) -> str:
        """The key of a whole run's record (`project.runs`), from what decides its output."""
        return _digest(FORMAT, tool_fingerprint(), "run", str(self.root), *parts)

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> FileResult | None:
        """The result stored under `key`, if every file it depends on is as it was."""
        try:
            if self._secret is None:
                raise LookupError
            path = self._entry(key)
            text = read_signed(path, self._secret)
            result = loads(text)["result"]
            del text
            if not isinstance(result, FileResult):
                raise ValueError("not a file result")
            if not self.unchanged(result.dependencies):  # as the check that made it read them
                raise LookupError
        except (OSError, ValueError, LookupError, TypeError, KeyError):
            self.misses += 1
            return None
        self.hits += 1
        try:
            os.utime(path, follow_symlinks=False)  # used now: the last entry of this file to be pruned
        except OSError:
            pass
        return result

    def put(self, key: str, result: FileResult) -> None:
        """Store `result`; a cache that cannot be written is no cache, not an error."""
        if result.errors or self._secret is None:  # a run with errors exits 2; nothing worth keeping
            return
        entry = {"result": result}
        target = self._entry(key)
        try:
            self.prepare(target.parent)
            write_signed(target, self._secret, dumps(entry))
            prune(target.parent, KEEP_PER_FILE)
        except OSError:
            pass

    def prepare(self, folder: Path) -> None:
        """Make `folder` (two levels below the cache directory) and check that neither level
        is a link: a cache folder committed in a pull request could hold one leading to
        files elsewhere, which writing and pruning an entry must never touch."""
        if not folder.is_dir():
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _TAG)):
                    _write_atomically(self.directory / name, text)
            folder.mkdir(parents=True, exist_ok=True)
        for level in (self.directory, folder.parent, folder):
            if level.is_symlink() or not level.is_dir():
                raise OSError(f"`{level}` is a link or not a folder")


def prune(folder: Path, keep: int, companions: tuple[str, ...] = ()) -> None:
    """Remove all but the `keep` most recently used entries of `folder`, and the files named
    like each with a suffix in `companions` (another run may remove one at the same time:
    that is a miss for it, never a half-read entry)."""
    entries = []
    for path in folder.glob("*.json"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[keep:]:
        path.unlink(missing_ok=True)
        for suffix in companions:
            path.with_suffix(suffix).unlink(missing_ok=True)


def read_signed(path: Path, secret: bytes) -> str:
    """The text of a signed file (a signature line, then the text) when this machine signed
    it with `secret`; raises `LookupError` when it did not, `OSError` when it cannot be read.
    One copy of it as bytes and one as text, never more at once: an entry for a file of
    1000 plans is 20 MB."""
    raw = path.read_bytes()
    newline = raw.find(b"\n")
    with memoryview(raw)[newline + 1 :] as body:
        if newline < 0 or not hmac.compare_digest(raw[:newline], sign(secret, body).encode("ascii")):
            raise LookupError  # written elsewhere: never trusted
        return str(body, "utf-8", "surrogatepass")


def write_signed(path: Path, secret: bytes, text: str) -> None:
    """Write `text` to `path` atomically, after the line that signs it with `secret`."""
    body = text.encode("utf-8", "surrogatepass")  # a file name need not be UTF-8
    del text
    _write_atomically(path, sign(secret, body).encode("ascii") + b"\n", body)


def sign(secret: bytes, body: bytes | memoryview) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


class NotACache(Exception):
    """The cache folder's name is taken by something this tool did not make."""


def remove_cache(root: Path) -> Path | None:
    """Remove the result cache under `root`; the folder removed, or None when there was none.
    A symbolic link in its place is removed, never followed; a folder without the tag this
    tool writes is left alone (`NotACache`)."""
    directory = root / DIRECTORY
    if directory.is_symlink():
        directory.unlink()
        return directory
    if not directory.is_dir():
        return None
    try:
        tagged = (directory / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(_TAG.splitlines()[0])
    except (OSError, UnicodeDecodeError):
        tagged = False
    if not tagged:
        raise NotACache(f"`{directory}` was not made by alignment-plan (no CACHEDIR.TAG of its own); remove it yourself")
    shutil.rmtree(directory)
    return directory


def secret_key() -> bytes | None:
    """This user's key for signing cache entries, made on first use; None when it cannot be
    read or made (the run is then not cached)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "alignment-plan" / "cache-key"
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(os.urandom(32).hex().encode("ascii"))
            os.chmod(temporary, 0o600)
            if not path.exists():  # two first runs at once: the first key written wins
                os.replace(temporary, path)
            else:
                os.unlink(temporary)
        key = path.read_bytes().strip()
    except OSError:
        return None
    return key if len(key) >= 32 else None


def _write_atomically(path: Path, *pieces: str | bytes) -> None:
    """Write `pieces` to a temporary file beside `path` and rename it into place: a reader
    sees the old file or the new one, never part of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            for piece in pieces:
                out.write(piece if isinstance(piece, bytes) else piece.encode("utf-8", "surrogatepass"))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
