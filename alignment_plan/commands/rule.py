"""`alignment-plan rule`: explain a rule, or list them all."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "rule", help="explain a rule by code or name", description="Explain a rule by its code (AP301) or name."
    )
    parser.add_argument("code", nargs="?", help="rule code or name; omit with --all")
    parser.add_argument("--all", action="store_true", help="list every rule")
    parser.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="markdown: the rules' documentation page"
    )
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.commands.console import EXIT_OK, fail, write_output
    from alignment_plan.rules import RULES, find_rule

    if args.all or args.code is None:
        rules = sorted(RULES.values(), key=lambda r: r.code)
        if args.format == "json":
            write_output(json.dumps([_rule_dict(r) for r in rules], indent=2) + "\n", None)
        elif args.format == "markdown":
            from alignment_plan.rules.documentation import render_markdown

            write_output(render_markdown(rules), None)
        else:
            width = max(len(r.name) for r in rules)
            write_output(
                "".join(f"{r.code}  {r.name.ljust(width)}  {r.severity.value:<7}  {r.summary}\n" for r in rules), None
            )
        return EXIT_OK
    found = find_rule(args.code)
    if found is None:
        import difflib

        names = [r.code for r in RULES.values()] + [r.name for r in RULES.values()]
        close = difflib.get_close_matches(args.code, names, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else "; `alignment-plan rule --all` lists them"
        return fail(f"unknown rule `{args.code}`{hint}")
    if args.format == "json":
        write_output(json.dumps(_rule_dict(found), indent=2) + "\n", None)
    elif args.format == "markdown":
        from alignment_plan.rules.documentation import render_markdown

        write_output(render_markdown([found]), None)
    else:
        write_output(f"{found.code} {found.name} ({found.severity.value})\n\n{found.doc}\n", None)
    return EXIT_OK


def _rule_dict(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "description": rule.description,
    }
