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
import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

from alignment_plan.gate import STEP_NAMES
from alignment_plan.nodes import STATUSES

SECTION = "tool.alignment-plan"
FORMATS = ("text", "concise", "json", "github", "sarif", "junit")
SEVERITIES = ("error", "warning", "info")

DEFAULTS: dict[str, Any] = {
    "paths": (),
    "exclude": (),
    "force-exclude": False,
    "select": (),
    "ignore": (),
    "per-file-ignores": {},
    "severity": {},
    "fail-under": None,
    "fail-under-step": {},
    "min-status": "research",
    "format": "text",
    "baseline": None,
}
KEYS = tuple(DEFAULTS)
# Never searched, whatever `exclude` says (as ruff and black skip them): hidden folders
# such as .git and .venv, virtual environments, build output and installed packages.
ALWAYS_EXCLUDED = (".*", "__pycache__", "node_modules", "venv", "build", "dist", "site-packages")


class ConfigError(Exception):
    """A configuration that cannot be applied; the message is one line for the user."""


@attrs.frozen
class Settings:
    """The resolved configuration. `sources` says where each key's value came from."""

    values: Mapping[str, Any]
    sources: Mapping[str, str]
    base: Path  # relative paths and patterns in the configuration are relative to this
    config_file: Path | None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def relative(self, path: Path) -> str:
        """`path` as a POSIX path relative to `base`, as patterns are matched."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.base).as_posix()
        except ValueError:
            return resolved.as_posix()

    def excluded(self, path: Path) -> bool:
        relative = self.relative(path)
        return matches_any(relative, self["exclude"]) or matches_any(relative, ALWAYS_EXCLUDED)

    def ignored_in(self, path: Path) -> frozenset[str]:
        """Codes that `per-file-ignores` switches off for `path`."""
        relative = self.relative(path)
        codes: set[str] = set()
        for pattern, selectors in self["per-file-ignores"].items():
            if matches_any(relative, (pattern,)):
                codes |= expand(selectors)
        return frozenset(codes)


def matches_any(relative: str, patterns) -> bool:
    """Gitignore-like matching: a pattern without `/` matches any path component; one with
    `/` matches the path from the base; a match on a directory covers what is inside."""
    path = PurePosixPath(relative)
    candidates = [path, *[p for p in path.parents if str(p) != "."]]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            pattern = pattern.removeprefix("./")
            if any(fnmatch.fnmatchcase(str(c), pattern) for c in candidates):
                return True
        elif any(fnmatch.fnmatchcase(c.name, pattern) for c in candidates):
            return True
    return False


def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest `pyproject.toml` at or above `start` with a `[tool.alignment-plan]` table."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            table = read_table(candidate)
            if table is not None:
                return candidate, table
    return None


def read_table(path: Path) -> dict | None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError("reading `pyproject.toml` needs Python 3.11 or the `tomli` package") from None
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read `{path}`: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"`{path}` is not valid TOML: {error}") from None
    table = document.get("tool", {}).get("alignment-plan")
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

    `config_file` names a `pyproject.toml` explicitly; `isolated` ignores every file.
    """
    environ = os.environ if environ is None else environ
    values = dict(DEFAULTS)
    sources = {key: "default" for key in KEYS}
    if environ.get("GITHUB_ACTIONS") == "true":
        values["format"], sources["format"] = "github", "environment (GITHUB_ACTIONS=true)"
    found: tuple[Path, dict] | None = None
    if config_file is not None and not isolated:
        if not config_file.is_file():
            raise ConfigError(f"configuration file `{config_file}` does not exist")
        table = read_table(config_file)
        found = (config_file.resolve(), table or {})
    elif not isolated:
        found = find_config(cwd)
    base = cwd.resolve()
    if found is not None:
        path, table = found
        base = path.parent
        label = f"{_shown(path, cwd)} [{SECTION}]"
        for key, value in table.items():
            if key not in DEFAULTS:
                raise ConfigError(f"{label}: unknown key `{key}`{_did_you_mean(key, KEYS)}")
            values[key] = validate(key, value, label)
            sources[key] = label
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        values[key] = validate(key, value, "command line")
        sources[key] = "command line"
    return Settings(values=values, sources=sources, base=base, config_file=found[0] if found else None)


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
        raise ConfigError(f"{where}: `{key}` must be a number from 0 to 100, not `{value}`")
    return float(value)


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
            if step not in STEP_NAMES:
                raise ConfigError(f"{where}: `{key}` names unknown step `{step}`{_did_you_mean(step, STEP_NAMES)}")
            table[step] = _percent(f"{key}.{step}", percent, where)
        return table
    if key == "min-status":
        if value not in STATUSES:
            raise ConfigError(f"{where}: `{key}` must be one of {', '.join(STATUSES)}, not `{value}`")
        return value
    if key == "format":
        if value not in FORMATS:
            raise ConfigError(f"{where}: `{key}` must be one of {', '.join(FORMATS)}, not `{value}`")
        return value
    if key == "baseline":
        if not isinstance(value, str) or not value:
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
    for selector, level in settings["severity"].items():
        for code in expand((selector,)):
            levels[code] = Severity(level)
    return levels


def enabled_codes(settings: Settings) -> frozenset[str]:
    """Rules that run: the selected ones (all when nothing is selected) less the ignored."""
    from alignment_plan.rules import RULES

    selected = expand(settings["select"]) if settings["select"] else frozenset(RULES)
    return selected - expand(settings["ignore"])


def checker_options(settings: Settings, **extra):
    """The `checker.Options` that `check` and `report` run with; raises `ConfigError`."""
    from alignment_plan.checker import Options

    enabled = enabled_codes(settings)
    return Options(
        threshold=settings["min-status"],
        enabled=lambda rule: rule.code in enabled,
        severities=severities(settings),
        exclude=settings.excluded,
        file_ignores=settings.ignored_in,
        **extra,
    )


def render_settings(settings: Settings) -> str:
    """The resolved configuration as TOML-like lines, each with where it came from."""
    import json

    out = [f"# configuration file: {settings.config_file.as_posix() if settings.config_file else 'none'}"]
    width = max(len(key) for key in KEYS)
    for key in KEYS:
        value = settings[key]
        if isinstance(value, tuple):
            value = list(value)
        shown = "(not set)" if value is None else json.dumps(value)
        out.append(f"{key.ljust(width)} = {shown}  # {settings.sources[key]}")
    return "\n".join(out) + "\n"
