"""Reporters stage: a plan's three steps as a Mermaid flowchart, for the Markdown report
(GitHub draws Mermaid blocks in comments).

A `PlanResult` in, the lines of one ```` ```mermaid ```` block out. The steps are nodes in a
column; each failure mode the plan considers hangs off its owner, an open one (owner
`operationalize`: step 1 has not decided) off step 1 with dotted edges to the steps it may
fall to; one that no step owns stands alone. Each carries its coverage in its label and as a
class, so an uncovered or open one stands out in colour and in words.

Nothing from the user reaches the block unencoded: node ids are `s1`..`s3` and `f1`..`fN`,
and a label keeps only letters, digits, spaces and `_.,:`; every other character becomes a
Mermaid entity code (`#60;`), so no quote, bracket, arrow, newline, backtick or `%%`
directive in a name can end a label, add an edge or close the fence.
"""

from __future__ import annotations

import re

from alignment_plan.reporters import wording
from alignment_plan.results.model import PlanResult
from alignment_plan.vocabulary import NO_OWNER, OPERATIONALIZE, STEPS

MAX_LABEL = 80  # characters of a name shown; the table below the diagram has the whole name
_UNSAFE = re.compile(r"[^A-Za-z0-9 _.,:]")
_STYLES = {
    "step": "fill:#e5e7eb,stroke:#374151,font-weight:bold",
    "covered": "fill:#dcfce7,stroke:#15803d",
    "partly": "fill:#fef3c7,stroke:#b45309",
    "uncovered": "fill:#fee2e2,stroke:#b91c1c,stroke-width:3px",
    "out_of_scope": "fill:#f3f4f6,stroke:#9ca3af,color:#4b5563",
}
_OPEN = ",stroke-dasharray:6 4"  # added to the coverage style of an open failure mode


def label(text: str) -> str:
    """`text` as a quoted Mermaid label: whitespace folded, clipped, every character outside
    a safe alphabet written as an entity code."""
    text = " ".join(str(text).split())
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return '"' + _UNSAFE.sub(lambda m: f"#{ord(m.group())};", text) + '"'


def diagram(plan: PlanResult) -> list[str]:
    """The lines of the ```` ```mermaid ```` block for `plan`."""
    steps = {step: f"s{number}" for number, step in enumerate(STEPS, start=1)}
    out = ["```mermaid", "flowchart TD"]
    out += [f"  {ident}[{label(f'{number}. {step}')}]" for number, (step, ident) in enumerate(steps.items(), start=1)]
    out.append("  " + " --> ".join(steps.values()))
    classes: dict[str, list[str]] = {"step": list(steps.values())}
    for number, fm in enumerate(plan.failure_modes, start=1):
        ident, state = f"f{number}", wording.coverage_state(fm)
        if fm.owner == OPERATIONALIZE:
            words = f"open between {' and '.join(fm.possible_owners)}, {wording.STATE[state]}"
        elif fm.owner == NO_OWNER and state != wording.OUT_OF_SCOPE:
            words = wording.NOBODY
        else:
            words = wording.STATE[state]
        out.append(f"  {ident}[{label(f'{fm.name}: {words}')}]")
        if fm.owner == OPERATIONALIZE:
            out.append(f"  {steps[OPERATIONALIZE]} --- {ident}")
            out += [f"  {ident} -.-> {steps[step]}" for step in fm.possible_owners if step in steps]
        elif fm.owner in steps:
            out.append(f"  {steps[fm.owner]} --- {ident}")
        css = ("open_" if fm.owner == OPERATIONALIZE else "") + state
        classes.setdefault(css, []).append(ident)
    for css, idents in classes.items():
        style = _STYLES[css.removeprefix("open_")] + (_OPEN if css.startswith("open_") else "")
        out += [f"  classDef {css} {style}", f"  class {','.join(idents)} {css}"]
    return out + ["```"]
