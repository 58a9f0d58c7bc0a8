"""`alignment-plan catalog`: list facts, slots, definitions, failure modes and lenses."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="list the vocabulary: facts, slots, definitions, failure modes, lenses",
        description="List the declarations of the std catalog, or everything visible from the given files.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="plan or catalog files (default: the std catalog)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--kind", choices=("fact", "slot", "definition", "failure_mode", "lens"), help="only this kind")
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.checker import find_root
    from alignment_plan.cli import EXIT_OK, fail, write_output
    from alignment_plan.listing import catalog_entries
    from alignment_plan.reporters.catalog import render_json, render_text
    from alignment_plan.resolver import Workspace, resolve

    workspace = Workspace(find_root(Path.cwd()))
    modules = []
    for path in args.paths:
        module = workspace.module(path)
        if module is None:
            return fail(f"cannot read `{path}`: {workspace.read_errors[str(path.resolve())]}")
        modules.append(module)
    if not modules:
        modules = [workspace.std()]
    entries: dict = {}
    for module in modules:
        for entry in catalog_entries(resolve(workspace, module)):
            entries.setdefault((entry.kind, entry.slot, entry.name), entry)
    selected = tuple(
        e for e in entries.values() if args.kind is None or e.kind == args.kind or (args.kind == "lens" and e.kind == "heuristic_lens")
    )
    write_output(render_json(selected) if args.format == "json" else render_text(selected), None)
    return EXIT_OK
