"""`alignment-plan catalog`: list facts, slots, definitions, failure modes and lenses.

Reads the files `check` would read (the same configuration, paths and exclusions) and lists
every declaration visible from them; with no plan files, the std catalog.
"""

from __future__ import annotations

from alignment_plan.commands.options import add_paths_argument, add_project_arguments


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="list the vocabulary: facts, slots, definitions, failure modes, lenses",
        description="List the declarations visible from the project's plan files (as `check` selects them), "
        "or from the files given; the std catalog when there are none.",
    )
    add_paths_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--kind", choices=("fact", "slot", "definition", "failure_mode", "lens"), help="only this kind")
    add_project_arguments(parser, gate=False)
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.analysis.resolver import resolve
    from alignment_plan.checker.listing import catalog_entries
    from alignment_plan.commands.console import EXIT_OK, fail, write_output
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError
    from alignment_plan.reporters.catalog import render_json, render_text

    try:
        project = open_project(args)
        workspace = project.workspace()
        files = project.select(project.roots(args.paths), workspace, named=bool(args.paths), dependents=False)
    except ProjectError as error:
        return fail(str(error))
    modules, status = [], EXIT_OK
    for path in files:
        module = workspace.module(path)
        if module is None:
            status = fail(f"cannot read `{workspace.display(path)}`: {workspace.read_errors[str(path.resolve())]}")
            continue
        modules.append(module)
    if not files:
        modules = [workspace.std()]
    entries: dict = {}
    for module in modules:
        for entry in catalog_entries(resolve(workspace, module)):
            entries.setdefault((entry.kind, entry.slot, entry.name), entry)
    selected = tuple(
        e for e in entries.values() if args.kind is None or e.kind == args.kind or (args.kind == "lens" and e.kind == "heuristic_lens")
    )
    shown = tuple(workspace.display(path) for path in files)
    write_output(render_json(selected, shown) if args.format == "json" else render_text(selected), None)
    return status
