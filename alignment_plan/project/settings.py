"""Configuration: `[tool.alignment-plan]` in `pyproject.toml`, command-line overrides, and
where every value came from.

Consumes the working directory and the overrides a command parsed; produces `Settings`
(plain data) and, from them, the checker's `Options`. Precedence, lowest first: built-in
default, the environment (`GITHUB_ACTIONS=true` only changes the default format),
`pyproject.toml`, the command line. A key set on the command line replaces the value from
`pyproject.toml`; lists are not merged. Problems raise `ConfigError` (exit code 2): a
configuration that is wrong must stop a CI run, not be half applied.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

from alignment_plan.paths import relative_posix
from alignment_plan.results.coverage import DEFAULT_PRECISION
from alignment_plan.vocabulary import DEFAULT_THRESHOLD, OWNING_STEPS, STATUSES

SECTION = "tool.alignment-plan"
FORMATS = ("text", "concise", "json", "github", "sarif", "junit")
SEVERITIES = ("error", "warning", "info")
# Never searched, whatever `exclude` says (as ruff and black skip them): hidden folders
# such as .git and .venv, virtual environments, build output and installed packages.
ALWAYS_EXCLUDED = (".*", "__pycache__", "node_modules", "venv", "build", "dist", "site-packages")


class ConfigError(Exception):
    """A configuration that cannot be applied; the message is one line for the user."""


def _key(name: str):
    """A setting read from the configuration key `name` (kebab-case, as users write it)."""
    return {"key": name}


@attrs.frozen
class Settings:
    """The resolved configuration: one typed field per key of `[tool.alignment-plan]`.

    `sources` says where each key's value came from; `root` is the project root (files are
    read only inside it, and shown relative to it); `base` is the directory that relative
    paths and patterns are relative to: the configuration file's, which is the root unless
    `--config` names a file elsewhere.
    """

    paths: tuple[str, ...] = attrs.field(default=(), metadata=_key("paths"))
    exclude: tuple[str, ...] = attrs.field(default=(), metadata=_key("exclude"))
    force_exclude: bool = attrs.field(default=False, metadata=_key("force-exclude"))
    select: tuple[str, ...] = attrs.field(default=(), metadata=_key("select"))
    ignore: tuple[str, ...] = attrs.field(default=(), metadata=_key("ignore"))
    per_file_ignores: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, metadata=_key("per-file-ignores"))
    severity: Mapping[str, str] = attrs.field(factory=dict, metadata=_key("severity"))
    fail_under: float | None = attrs.field(default=None, metadata=_key("fail-under"))
    fail_under_step: Mapping[str, float] = attrs.field(factory=dict, metadata=_key("fail-under-step"))
    min_status: str = attrs.field(default=DEFAULT_THRESHOLD, metadata=_key("min-status"))
    precision: int = attrs.field(default=DEFAULT_PRECISION, metadata=_key("precision"))
    format: str = attrs.field(default="text", metadata=_key("format"))
    baseline: str | None = attrs.field(default=None, metadata=_key("baseline"))
    sources: Mapping[str, str] = attrs.field(factory=dict, metadata={"key": None})
    root: Path = attrs.field(factory=Path.cwd, metadata={"key": None})
    base: Path = attrs.field(factory=Path.cwd, metadata={"key": None})
    config_file: Path | None = attrs.field(default=None, metadata={"key": None})
    # Each directory's relative path, worked out once: `excluded` is asked for every file under it.
    _directories: dict = attrs.field(factory=dict, init=False, eq=False, repr=False, metadata={"key": None})

    def value(self, key: str) -> Any:
        """The value of the configuration key `key` (kebab-case)."""
        return getattr(self, ATTRIBUTES[key])

    def relative(self, path: Path) -> str:
        """`path` as a POSIX path relative to `base`, as patterns are matched."""
        return relative_posix(path, self.base)

    def excluded(self, path: Path, within: Path | None = None) -> bool:
        """Whether `exclude` (or `ALWAYS_EXCLUDED`) matches `path` or a directory it is in.

        For a file found under a directory the user named (`within`), only the part below
        that directory is matched, as ruff does: naming an excluded directory checks it.
        """
        relative = self.relative(path)
        depth = None
        inside = None if within is None else self._directories.get(within)
        if within is not None and inside is None:
            inside = self._directories[within] = self.relative(within)
        if inside is not None and inside != ".":
            try:
                depth = len(PurePosixPath(relative).relative_to(inside).parts)
            except ValueError:  # not below it after resolving links: match it whole
                depth = None
        return matches_any(relative, self.exclude, depth) or matches_any(relative, ALWAYS_EXCLUDED, depth)

    def ignored_in(self, path: Path) -> frozenset[str]:
        """Codes that `per-file-ignores` switches off for `path`."""
        relative = self.relative(path)
        codes: set[str] = set()
        for pattern, selectors in self.per_file_ignores.items():
            if matches_any(relative, (pattern,)):
                codes |= expand(selectors)
        return frozenset(codes)


# Configuration key -> attribute of `Settings`, in the order `config` prints them.
ATTRIBUTES = {f.metadata["key"]: f.name for f in attrs.fields(Settings) if f.metadata.get("key")}
KEYS = tuple(ATTRIBUTES)


def matches_any(relative: str, patterns, depth: int | None = None) -> bool:
    """Gitignore-like matching: a pattern without `/` matches any path component; one with
    `/` matches the path from the base; a match on a directory covers what is inside.
    `depth` limits the directories considered to the last `depth` components."""
    if depth is not None and depth <= 0:
        return False
    path = PurePosixPath(relative)
    if _matches_here(path, patterns):
        return True
    parent = path.parent
    if parent == path or str(parent) == ".":
        return False
    # The files of one directory share its answer: asked once per directory, not per file.
    return _directory_matches(str(parent), tuple(patterns), None if depth is None else depth - 1)


@functools.lru_cache(maxsize=4096)
def _directory_matches(directory: str, patterns: tuple[str, ...], depth: int | None) -> bool:
    return matches_any(directory, patterns, depth)


def _matches_here(path: PurePosixPath, patterns) -> bool:
    """Whether a pattern matches `path` itself (not a directory above it)."""
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            if fnmatch.fnmatchcase(str(path), pattern.removeprefix("./")):
                return True
        elif fnmatch.fnmatchcase(path.name, pattern):
            return True
    return False


ROOT_MARKERS = (".git", "pyproject.toml")


def find_project(start: Path) -> tuple[Path, Path | None, dict | None]:
    """The project seen from `start`: its root, configuration file and table.

    The one rule for the root, as ruff finds its configuration: the directory of the nearest
    `pyproject.toml` at or above `start` that has a `[tool.alignment-plan]` table; without
    one, the nearest directory holding `.git` or a `pyproject.toml`; without either, `start`.
    """
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            table = read_table(candidate)
            if table is not None:
                return directory, candidate, table
    return find_root(start), None, None


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding `.git` or `pyproject.toml`, else `start`."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return start


def parse_toml(text: str, where: Path) -> dict:
    """The TOML document `text` (read from `where`); raises `ConfigError`."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # a declared dependency below 3.11
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"`{where}` is not valid TOML: {error}") from None


def read_table(path: Path) -> dict | None:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read `{path}`: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"`{path}` is not valid TOML: {error}") from None
    document = parse_toml(text, path)
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"`{path}`: `tool` must be a table")
    table = tool.get("alignment-plan")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"`{path}`: `[{SECTION}]` must be a table")
    return table


def load_settings(
    cwd: Path,
    overrides: Mapping[str, Any] | None = None,
    config_file: Path | None = None,
    isolated: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve the configuration seen from `cwd`, with `overrides` from the command line.

    `config_file` names a `pyproject.toml` explicitly (relative paths in it are relative to
    its directory; the project root is still found from `cwd`); `isolated` ignores every
    configuration file.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources = {key: "default" for key in KEYS}
    if environ.get("GITHUB_ACTIONS") == "true":
        values["format"], sources["format"] = "github", "environment (GITHUB_ACTIONS=true)"
    if isolated:
        root, path, table = find_root(cwd), None, None
    elif config_file is not None:
        if config_file.is_dir():
            raise ConfigError(f"configuration file `{config_file}` is a directory; name its `pyproject.toml`")
        if not config_file.is_file():
            raise ConfigError(f"configuration file `{config_file}` does not exist")
        path = config_file.resolve()
        root, table = find_project(cwd)[0], read_table(path) or {}
    else:
        root, path, table = find_project(cwd)
    if path is not None:
        label = f"{_shown(path, cwd)} [{SECTION}]"
        for key, value in (table or {}).items():
            if key not in ATTRIBUTES:
                raise ConfigError(f"{label}: unknown key `{key}`{_did_you_mean(key, KEYS)}")
            values[key] = validate(key, value, label)
            sources[key] = label
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        values[key] = validate(key, value, "command line")
        sources[key] = "command line"
    return Settings(
        **{ATTRIBUTES[key]: value for key, value in values.items()},
        sources=sources,
        root=root,
        base=path.parent if path is not None else root,
        config_file=path,
    )


def _shown(path: Path, cwd: Path) -> str:
    return Path(os.path.relpath(path, cwd.resolve())).as_posix()


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""


def _strings(key: str, value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def _table(key: str, value: Any, where: str) -> dict:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: `{key}` must be a table")
    return dict(value)


def _percent(key: str, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise ConfigError(f"{where}: `{key}` must be a number from 0 to 100, not {_written(value)}")
    return float(value)


def _written(value: Any) -> str:
    """A value as the user wrote it, saying when it is a string: `90`, or the string `"90"`."""
    if isinstance(value, str):
        return f"the string `{json.dumps(value)}` (write it without quotes)"
    return f"`{value}`"


def validate(key: str, value: Any, where: str) -> Any:
    """`value` checked and normalized for `key`; raises `ConfigError` naming `where`."""
    if key in ("paths", "exclude"):
        return _strings(key, value, where)
    if key in ("select", "ignore"):
        selectors = _strings(key, value, where)
        check_selectors(selectors, f"{where}: `{key}`")
        return selectors
    if key == "force-exclude":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: `{key}` must be true or false")
        return value
    if key == "per-file-ignores":
        table = {}
        for pattern, selectors in _table(key, value, where).items():
            selectors = _strings(f"{key}.{pattern}", selectors, where)
            check_selectors(selectors, f"{where}: `{key}` for `{pattern}`")
            table[pattern] = selectors
        return table
    if key == "severity":
        table = {}
        for selector, level in _table(key, value, where).items():
            check_selectors((selector,), f"{where}: `{key}`")
            if level not in SEVERITIES:
                raise ConfigError(
                    f"{where}: severity of `{selector}` must be one of {', '.join(SEVERITIES)}, not `{level}`"
                )
            table[selector] = level
        return table
    if key == "fail-under":
        return _percent(key, value, where)
    if key == "fail-under-step":
        table = {}
        for step, percent in _table(key, value, where).items():
            if step not in OWNING_STEPS:
                raise ConfigError(
                    f"{where}: `{key}` names unknown step `{step}`{_did_you_mean(step, OWNING_STEPS)} "
                    f"(STEP=N takes STEP from {', '.join(OWNING_STEPS)})"
                )
            table[step] = _percent(f"{key}.{step}", percent, where)
        return table
    if key == "min-status":
        if value not in STATUSES:
            raise ConfigError(f"{where}: `{key}` must be one of {', '.join(STATUSES)}, not `{value}`")
        return value
    if key == "precision":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ConfigError(f"{where}: `{key}` must be a whole number from 0 to 10, not {_written(value)}")
        return value
    if key == "format":
        if value not in FORMATS:
            raise ConfigError(f"{where}: `{key}` must be one of {', '.join(FORMATS)}, not `{value}`")
        return value
    if key == "baseline":
        if not isinstance(value, str) or not value or "\0" in value:
            raise ConfigError(f"{where}: `{key}` must be a file name")
        return value
    raise ConfigError(f"{where}: unknown key `{key}`{_did_you_mean(key, KEYS)}")


# Rule selectors ----------------------------------------------------------------------
# A selector is `ALL`, a rule code (`AP301`), a code prefix (`AP3`) or a rule name
# (`uncovered-failure-mode`). The registry is imported only here, when a selector is
# actually used, so that building the command line stays light.


def expand(selectors) -> frozenset[str]:
    """The codes that `selectors` name."""
    from alignment_plan.rules import RULES

    codes: set[str] = set()
    for selector in selectors:
        key = selector.strip()
        if not key:
            continue
        for rule in RULES.values():
            if key.upper() == "ALL" or rule.code.startswith(key.upper()) or key.lower() == rule.name:
                codes.add(rule.code)
    return frozenset(codes)


def check_selectors(selectors, where: str) -> None:
    from alignment_plan.rules import RULES

    for selector in selectors:
        if not expand((selector,)):
            names = [r.code for r in RULES.values()] + [r.name for r in RULES.values()]
            raise ConfigError(f"{where}: unknown rule `{selector}`{_did_you_mean(selector, names)}")


def severities(settings: Settings) -> dict:
    from alignment_plan.diagnostics import Severity

    levels = {}
    for selector, level in settings.severity.items():
        for code in expand((selector,)):
            levels[code] = Severity(level)
    return levels


def enabled_codes(settings: Settings) -> frozenset[str]:
    """Rules that run: the selected ones (all when nothing is selected) less the ignored."""
    from alignment_plan.rules import RULES

    selected = expand(settings.select) if settings.select else frozenset(RULES)
    return selected - expand(settings.ignore)


def render_settings(settings: Settings) -> str:
    """The resolved configuration as TOML-like lines, each with where it came from."""
    out = [f"# configuration file: {settings.config_file.as_posix() if settings.config_file else 'none'}"]
    width = max(len(key) for key in KEYS)
    for key in KEYS:
        value = settings.value(key)
        if isinstance(value, tuple):
            value = list(value)
        shown = "(not set)" if value is None else json.dumps(value)
        out.append(f"{key.ljust(width)} = {shown}  # {settings.sources[key]}")
    return "\n".join(out) + "\n"
