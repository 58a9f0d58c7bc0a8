"""Rules stage: the rules' documentation as one Markdown page, and where it is installed.

Consumes the registry (each rule's docstring is its documentation); produces
`docs/rules.md` (`alignment-plan rule --all --format markdown`), one section per rule
with a stable anchor, which the wheel ships so that a language server can link each
finding to its rule's section in a file the editor opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from alignment_plan.paths import packaged
from alignment_plan.rules.registry import Rule


def anchor(rule: Rule) -> str:
    """The section's anchor, as Markdown renderers derive it from the heading."""
    return f"{rule.code.lower()}-{rule.name}"


def render_markdown(rules: Iterable[Rule]) -> str:
    rules = sorted(rules, key=lambda r: r.code)
    out = [
        "# Rules",
        "",
        "Every finding of `alignment-plan check` comes from one of these rules. This page is",
        "generated from the rules' own documentation: `alignment-plan rule --all --format markdown`.",
        "",
    ]
    out += [f"- [{r.code} {r.name}](#{anchor(r)}): {r.summary}" for r in rules]
    for rule in rules:
        out += ["", f"## {rule.code} {rule.name}", "", f"Severity: {rule.severity.value}.", "", rule.doc]
    return "\n".join(out) + "\n"


def document_path() -> Path | None:
    """The installed page (the wheel ships it), or the repository's copy in a source tree."""
    shipped = packaged("docs/rules.md")
    if shipped is not None:
        return shipped
    checkout = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    return checkout if checkout.is_file() else None
