"""`alignment-plan classify`: classify every scenario under every lens, and check labels."""

from __future__ import annotations

from alignment_plan.commands.options import add_paths_argument, add_project_arguments

READINGS = ("open", "closed")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "classify",
        help="classify scenarios under every lens, definition and reading; check their labels",
        description=(
            "For every scenario, the verdict of each lens under every catalog definition of the slots it "
            "uses, in the open reading (unstated facts unknown) and the closed one (unstated facts false), "
            "with deciding facts and, where priors cover them, exact probabilities. Then, for the labels "
            "of each file, the combinations that reproduce them all, real categorizations apart from heuristics."
        ),
    )
    add_paths_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--matrix", action="store_true", help="text output: one compact matrix per file")
    parser.add_argument("--lens", action="append", default=[], metavar="LENS", help="only this lens (repeatable)")
    parser.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="SLOT=DEFINITION",
        help="only combinations that bind SLOT to DEFINITION (repeatable; rows that do not use SLOT stay)",
    )
    parser.add_argument("--reading", choices=READINGS, help="only this reading")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    add_project_arguments(parser, gate=False)
    parser.set_defaults(run=run)


def parse_binds(values: list[str]) -> dict[str, set[str]] | str:
    """`slot=definition` options as slot -> allowed definitions, or the first malformed one."""
    binds: dict[str, set[str]] = {}
    for value in values:
        slot, sep, definition = value.partition("=")
        slot, definition = slot.strip(), definition.strip()
        if not sep or not slot or not definition:
            return value
        binds.setdefault(slot, set()).add(definition)
    return binds


def _keep(item, lenses: set[str], binds: dict[str, set[str]], reading: str | None) -> bool:
    if lenses and item.lens not in lenses:
        return False
    if reading is not None and item.reading != reading:
        return False
    bound = dict(item.bindings)
    return all(bound[slot] in allowed for slot, allowed in binds.items() if slot in bound)


def narrow(result, lenses: set[str], binds: dict[str, set[str]], reading: str | None):
    """The result with only the verdicts and reproducing combinations the options select."""
    import attrs

    def keep(item) -> bool:
        return _keep(item, lenses, binds, reading)

    return attrs.evolve(
        result,
        scenarios=tuple(
            attrs.evolve(s, verdicts=tuple(v for v in s.verdicts if keep(v))) for s in result.scenarios
        ),
        label_checks=tuple(
            attrs.evolve(c, real=tuple(filter(keep, c.real)), heuristic=tuple(filter(keep, c.heuristic)))
            for c in result.label_checks
        ),
    )


def unknown_options(result, lenses: set[str], binds: dict[str, set[str]]) -> str | None:
    """A message for a `--lens` or `--bind` that matches nothing the scenarios were classified with."""
    verdicts = [v for s in result.scenarios for v in s.verdicts]
    if not verdicts:
        return None
    known_lenses = list(dict.fromkeys(v.lens for v in verdicts))
    for lens in sorted(lenses - set(known_lenses)):
        return f"unknown lens `{lens}`; the lenses are " + ", ".join(f"`{name}`" for name in known_lenses)
    known = {}
    for v in verdicts:
        for slot, definition in v.bindings:
            known.setdefault(slot, [])
            if definition not in known[slot]:
                known[slot].append(definition)
    for slot in sorted(binds):
        if slot not in known:
            return f"no lens uses slot `{slot}`; the slots are " + ", ".join(f"`{name}`" for name in known)
        for definition in sorted(binds[slot] - set(known[slot])):
            return f"slot `{slot}` has no definition `{definition}`; its definitions are " + ", ".join(
                f"`{name}`" for name in known[slot]
            )
    return None


def run(args) -> int:
    from alignment_plan.commands.console import exit_code, fail, inputs_of, note, warn_if_nothing_checked, write_output
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError
    from alignment_plan.reporters import classification, json_report

    binds = parse_binds(args.bind)
    if isinstance(binds, str):
        return fail(f"`--bind {binds}` is not of the form SLOT=DEFINITION")
    lenses = set(args.lens)
    try:
        project = open_project(args).explaining(False)  # classify shows scenarios, not owners' derivations
        run = project.run(args.paths, dependents=not args.no_dependents)
    except ProjectError as error:
        return fail(str(error))
    result = run.result
    warn_if_nothing_checked(result.files, args.paths or project.roots())
    for message in run.notes:
        note(message)
    problem = unknown_options(result, lenses, binds)
    if problem:
        return fail(problem)
    result = narrow(result, lenses, binds, args.reading)
    if args.format == "json":
        text = json_report.render_classify(result)
    else:
        text = classification.render_text(result, matrix=args.matrix)
    write_output(text, args.output, inputs_of(run, args))
    return exit_code(result)
