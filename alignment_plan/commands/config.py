"""`alignment-plan config`: print the resolved configuration and where each value came from.

Also home of the configuration flags that `check` shares, so both commands read the
command line the same way.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alignment_plan.config import FORMATS
from alignment_plan.nodes import STATUSES


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags that override `[tool.alignment-plan]`; every one replaces the configured value."""
    group = parser.add_argument_group("configuration (overrides [tool.alignment-plan] in pyproject.toml)")
    group.add_argument("--config", metavar="FILE", type=Path, help="read this pyproject.toml instead of searching for one")
    group.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    group.add_argument("--format", choices=FORMATS, help="output format (default: text; github inside GitHub Actions)")
    group.add_argument("--select", metavar="CODES", type=_codes, help="only these rules: codes, prefixes (AP3), names, ALL")
    group.add_argument("--ignore", metavar="CODES", type=_codes, help="never these rules")
    group.add_argument(
        "--per-file-ignores", metavar="GLOB:CODES", action="append", help="ignore CODES in files matching GLOB (repeatable)"
    )
    group.add_argument("--severity", metavar="CODE=LEVEL", action="append", help="report CODE at LEVEL: error, warning, info")
    group.add_argument("--exclude", metavar="GLOBS", type=_codes, help="skip files and directories matching these globs")
    group.add_argument(
        "--force-exclude", action="store_const", const=True, help="apply --exclude to files named on the command line too"
    )
    group.add_argument("--fail-under", metavar="N", type=float, help="exit 1 when total coverage is below N percent")
    group.add_argument(
        "--fail-under-step", metavar="STEP=N", action="append", help="exit 1 when coverage of STEP is below N (repeatable)"
    )
    group.add_argument(
        "--min-status", choices=STATUSES, help="lowest technique status that counts toward coverage (default: research)"
    )
    group.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE (records them if FILE is missing)")


def overrides_from(args) -> dict:
    """The configuration keys the command line sets (None: not set)."""
    from alignment_plan.config import ConfigError

    def pairs(values, separator: str, what: str) -> dict | None:
        if values is None:
            return None
        table = {}
        for value in values:
            key, sep, rest = value.rpartition(separator) if separator == ":" else value.partition(separator)
            if not sep or not key.strip() or not rest.strip():
                raise ConfigError(f"command line: `{value}` is not {what}")
            table[key.strip()] = rest.strip()
        return table

    per_file = pairs(args.per_file_ignores, ":", "GLOB:CODES")
    steps = pairs(args.fail_under_step, "=", "STEP=N")
    if steps is not None:
        try:
            steps = {step: float(value) for step, value in steps.items()}
        except ValueError:
            raise ConfigError("command line: `--fail-under-step` needs STEP=N with N a number") from None
    return {
        "format": args.format,
        "select": args.select,
        "ignore": args.ignore,
        "per-file-ignores": {k: _codes(v) for k, v in per_file.items()} if per_file is not None else None,
        "severity": pairs(args.severity, "=", "CODE=LEVEL"),
        "exclude": args.exclude,
        "force-exclude": args.force_exclude,
        "fail-under": args.fail_under,
        "fail-under-step": steps,
        "min-status": args.min_status,
        "baseline": args.baseline,
    }


def settings_from(args):
    """The resolved `Settings` for a parsed command line; raises `ConfigError`."""
    from alignment_plan.config import load_settings

    return load_settings(Path.cwd(), overrides_from(args), config_file=args.config, isolated=args.isolated)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "config",
        help="print the resolved configuration and where each value came from",
        description="Print the configuration `check` would use here: built-in defaults, the environment, "
        "[tool.alignment-plan] in the nearest pyproject.toml that has it, and the flags given.",
    )
    add_config_arguments(parser)
    parser.add_argument("--output-format", choices=("text", "json"), default="text", help="how to print the configuration")
    parser.set_defaults(run=run)


def run(args) -> int:
    import json

    from alignment_plan.cli import EXIT_OK, fail, write_output
    from alignment_plan.config import ConfigError, render_settings

    try:
        settings = settings_from(args)
    except ConfigError as error:
        return fail(str(error))
    if args.output_format == "json":
        document = {
            "config_file": settings.config_file.as_posix() if settings.config_file else None,
            "values": {key: list(v) if isinstance(v, tuple) else v for key, v in settings.values.items()},
            "sources": dict(settings.sources),
        }
        write_output(json.dumps(document, indent=2) + "\n", None)
    else:
        write_output(render_settings(settings), None)
    return EXIT_OK
