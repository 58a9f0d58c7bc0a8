"""`alignment-plan clean`: remove the project's result cache, as `ruff clean` does."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "clean",
        help="remove the result cache of the project",
        description="Remove `.alignment-plan-cache/` at the project root (found as every command finds it). "
        "Nothing is lost: the next run checks every file again and refills it.",
    )
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.commands.console import EXIT_OK, fail, note
    from alignment_plan.project.cache import NotACache, remove_cache
    from alignment_plan.project.settings import ConfigError, find_project

    try:
        root = find_project(Path.cwd())[0]
        removed = remove_cache(root)
    except ConfigError as error:
        return fail(str(error))
    except NotACache as error:
        return fail(str(error))
    except OSError as error:
        return fail(f"cannot remove the result cache: {error.strerror or error}")
    note(f"removed the result cache `{removed}`" if removed else f"no result cache under `{root}`")
    return EXIT_OK
