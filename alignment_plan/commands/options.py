"""The flags every project command shares, declared once, and the project they open.

`add_project_arguments` declares the paths and the flags that override
`[tool.alignment-plan]`; `open_project` turns a parsed command line into a `Project`.
`check`, `report`, `classify`, `catalog` and `config` all use them, so a flag means the
same thing in each.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alignment_plan.paths import CACHE_DIRECTORY
from alignment_plan.vocabulary import DEFAULT_THRESHOLD, STATUSES


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _selectors(text: str) -> tuple[str, ...]:
    codes = _codes(text)
    if not codes:
        raise argparse.ArgumentTypeError(f"`{text}` names no rule")
    return codes


def precision(text: str) -> int:
    if not text.isdigit() or int(text) > 10:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number from 0 to 10")
    return int(text)


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or directories (default: `paths` from the configuration, else the current directory)",
    )


def jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number of processes, 1 or more")
    return int(text)


def add_project_arguments(parser: argparse.ArgumentParser, *, gate: bool = True) -> None:
    """Flags that override `[tool.alignment-plan]`; every one replaces the configured value.
    Then how to run: processes and the result cache, which never change what a run finds.

    `gate` adds the coverage thresholds and the precision of percentages."""
    running = parser.add_argument_group("running")
    running.add_argument(
        "-j", "--jobs", metavar="N", type=jobs, help="check files on N processes (default: one per available CPU)"
    )
    running.add_argument(
        "--no-cache",
        action="store_true",
        help=f"neither read nor write the result cache (`{CACHE_DIRECTORY}` under the project root)",
    )
    group = parser.add_argument_group("configuration (overrides [tool.alignment-plan] in pyproject.toml)")
    group.add_argument("--config", metavar="FILE", type=Path, help="read this pyproject.toml instead of searching for one")
    group.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    group.add_argument("--select", metavar="CODES", type=_selectors, help="only these rules: codes, prefixes (AP3), names, ALL")
    group.add_argument("--ignore", metavar="CODES", type=_selectors, help="never these rules")
    group.add_argument(
        "--per-file-ignores", metavar="GLOB:CODES", action="append", help="ignore CODES in files matching GLOB (repeatable)"
    )
    group.add_argument("--severity", metavar="CODE=LEVEL", action="append", help="report CODE at LEVEL: error, warning, info")
    group.add_argument("--exclude", metavar="GLOBS", type=_codes, help="skip files and directories matching these globs")
    group.add_argument(
        "--force-exclude", action="store_const", const=True, help="apply --exclude to files named on the command line too"
    )
    group.add_argument(
        "--no-dependents", action="store_true", help="check only the files named, not also the plans that import them"
    )
    group.add_argument(
        "--min-status",
        choices=STATUSES,
        help=f"lowest technique status that counts toward coverage (default: {DEFAULT_THRESHOLD})",
    )
    group.add_argument(
        "--baseline", metavar="FILE", help="report only findings not recorded in FILE (records them if FILE is missing)"
    )
    if gate:
        group.add_argument(
            "--fail-under", metavar="N", type=float, help="exit 1 when total coverage is below N percent"
        )
        group.add_argument(
            "--fail-under-step",
            metavar="STEP=N",
            action="append",
            help="exit 1 when coverage of STEP is below N percent (repeatable)",
        )
        group.add_argument(
            "--precision", metavar="N", type=precision, help="digits after the decimal point of percentages (default: 1)"
        )


def overrides_from(args) -> dict:
    """The configuration keys the command line sets (None: not set); raises `ProjectError`."""
    from alignment_plan.project.project import ProjectError

    def pairs(values, separator: str, what: str) -> dict | None:
        if values is None:
            return None
        table = {}
        for value in values:
            key, sep, rest = value.rpartition(separator) if separator == ":" else value.partition(separator)
            if not sep or not key.strip() or not rest.strip():
                raise ProjectError(f"command line: `{value}` is not {what}")
            table[key.strip()] = rest.strip()
        return table

    per_file = pairs(getattr(args, "per_file_ignores", None), ":", "GLOB:CODES")
    steps = pairs(getattr(args, "fail_under_step", None), "=", "STEP=N")
    if steps is not None:
        try:
            steps = {step: float(value) for step, value in steps.items()}
        except ValueError:
            raise ProjectError("command line: `--fail-under-step` needs STEP=N with N a number") from None
    return {
        "format": getattr(args, "config_format", None),
        "select": args.select,
        "ignore": args.ignore,
        "per-file-ignores": {k: _codes(v) for k, v in per_file.items()} if per_file is not None else None,
        "severity": pairs(args.severity, "=", "CODE=LEVEL"),
        "exclude": args.exclude,
        "force-exclude": args.force_exclude,
        "fail-under": getattr(args, "fail_under", None),
        "fail-under-step": steps,
        "min-status": args.min_status,
        "precision": getattr(args, "precision", None),
        "baseline": args.baseline,
    }


def open_project(args):
    """The `Project` for a parsed command line; raises `ProjectError`."""
    from alignment_plan.project.project import Project

    return Project.open(
        Path.cwd(),
        overrides_from(args),
        config_file=args.config,
        isolated=args.isolated,
        jobs=args.jobs,
        cache=not args.no_cache,
    )
