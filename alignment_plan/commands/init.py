"""`alignment-plan init`: start a project.

Writes a commented starter plan (which `check` passes), creates or completes the
`[tool.alignment-plan]` table of the project's `pyproject.toml` (never changing a key that
is already set), and prints the pre-commit and CI snippets. It refuses to overwrite a file
that exists, and then writes nothing. Exit codes: 0 done, 2 for anything in the way.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_PLAN = Path("plans") / "assistant.plan"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "init",
        help="start a project: a starter plan, [tool.alignment-plan], pre-commit and CI snippets",
        description=(
            "Write a commented starter plan, add `paths` to [tool.alignment-plan] in the project's pyproject.toml "
            "(creating the file or the table when needed, never changing a key already set), and print the "
            "pre-commit and CI snippets. Nothing is overwritten."
        ),
    )
    parser.add_argument(
        "--plan", metavar="FILE", type=Path, default=DEFAULT_PLAN, help=f"where to write the starter plan (default: {DEFAULT_PLAN})"
    )
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.commands.console import EXIT_OK, OutputError, fail, write_file
    from alignment_plan.paths import relative_posix
    from alignment_plan.project.settings import ConfigError, find_project
    from alignment_plan.project.starter import complete_table, starter_plan

    cwd = Path.cwd()
    try:
        root, _, _ = find_project(cwd)
    except ConfigError as error:
        return fail(str(error))
    plan = (cwd / args.plan).resolve()
    shown = relative_posix(plan, root)
    if plan.is_dir() or plan.suffix != ".plan":
        return fail(f"`{args.plan}` is not a `.plan` file name")
    if not plan.is_relative_to(root):
        return fail(f"`{args.plan}` is outside the project root `{root}`")
    if plan.exists():
        return fail(f"`{shown}` exists; init never overwrites a file (choose another with `--plan FILE`)")
    pyproject = root / "pyproject.toml"
    directory = relative_posix(plan.parent, root)
    try:
        text = pyproject.read_text(encoding="utf-8") if pyproject.exists() else None
        edit = complete_table(text, {"paths": [directory]}, pyproject)
    except (OSError, UnicodeDecodeError) as error:
        return fail(f"cannot read `{pyproject}`: {getattr(error, 'strerror', None) or error}")
    except ConfigError as error:
        return fail(str(error))

    plan.parent.mkdir(parents=True, exist_ok=True)
    with open(plan, "x", encoding="utf-8") as out:
        out.write(starter_plan())
    if edit.text is not None:
        if text is None:
            with open(pyproject, "x", encoding="utf-8", newline="") as out:
                out.write(edit.text)
        else:
            try:
                write_file(pyproject.resolve(), edit.text)
            except OutputError as error:
                return fail(str(error))
    _report(shown, text is None, edit)
    return EXIT_OK


def _report(shown: str, created: bool, edit) -> None:
    from alignment_plan.project.starter import ci_snippet, precommit_snippet

    lines = [f"created {shown}: a commented starter plan that `alignment-plan check` passes"]
    for key in edit.added:
        where = "created pyproject.toml with" if created else "added to"
        lines.append(f"{where} [tool.alignment-plan]: `{key}`, so `alignment-plan check` checks it")
    for key in edit.kept:
        lines.append(f"kept `{key}` in [tool.alignment-plan] as it was; make sure it covers {shown}")
    if edit.by_hand:
        lines.append("[tool.alignment-plan] in pyproject.toml is written in a form init does not edit; add:")
        lines += ["", *edit.by_hand.splitlines()]
    lines += [
        "",
        "Next: `alignment-plan check` for owners and coverage, `alignment-plan format` for the canonical layout.",
        "",
        "To run both before each commit, add to .pre-commit-config.yaml:",
        "",
        *precommit_snippet().splitlines(),
        "",
        "To run them in CI on GitHub, add .github/workflows/plans.yml:",
        "",
        *ci_snippet().splitlines(),
    ]
    print("\n".join(lines))
