"""`alignment-plan config`: print the resolved configuration and where each value came from."""

from __future__ import annotations

from alignment_plan.commands.options import add_project_arguments
from alignment_plan.project.settings import FORMATS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "config",
        help="print the resolved configuration and where each value came from",
        description="Print the configuration every command would use here: built-in defaults, the environment, "
        "[tool.alignment-plan] in the nearest pyproject.toml that has it, and the flags given.",
    )
    parser.add_argument("--format", dest="config_format", choices=FORMATS, help="the `format` setting to show")
    add_project_arguments(parser)
    parser.add_argument("--output-format", choices=("text", "json"), default="text", help="how to print the configuration")
    parser.set_defaults(run=run)


def run(args) -> int:
    import json

    from alignment_plan.commands.console import EXIT_OK, fail, write_output
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError
    from alignment_plan.project.settings import KEYS, render_settings

    try:
        settings = open_project(args).settings
    except ProjectError as error:
        return fail(str(error))
    if args.output_format == "json":
        document = {
            "config_file": settings.config_file.as_posix() if settings.config_file else None,
            "root": settings.base.as_posix(),
            "values": {key: list(v) if isinstance(v, tuple) else v for key in KEYS for v in [settings.value(key)]},
            "sources": dict(settings.sources),
        }
        write_output(json.dumps(document, indent=2) + "\n", None)
    else:
        write_output(render_settings(settings), None)
    return EXIT_OK
