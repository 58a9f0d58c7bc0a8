"""HTML report: a plan's three steps, top to bottom, as inline SVG. Step 1 shows the bindings,
assumptions and open owners; steps 2 and 3 their techniques, each followed by the failure
modes it addresses, linked into the plan page's matrix."""

from __future__ import annotations

from alignment_plan.reporters.html.markup import Anchors, e
from alignment_plan.results.model import PlanResult
from alignment_plan.vocabulary import STEPS

STEP_LABELS = {
    "operationalize": "1 · operationalize",
    "feedback_process": "2 · feedback_process",
    "find_and_fix": "3 · find_and_fix",
}



def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diagram(plan: PlanResult, anchors: Anchors) -> str:
    """The three steps, top to bottom, as inline SVG; failure mode names link into the matrix."""
    width, pad, line = 400, 14, 20
    colours = {
        "operationalize": ("#fef3c7", "#b45309"),
        "feedback_process": ("#dbeafe", "#2563eb"),
        "find_and_fix": ("#ede9fe", "#7c3aed"),
    }
    y, parts = 8, []

    def text(x: int, y: int, value: str, css: str, href: str | None, full: str | None) -> str:
        original, value = value, _clip(value, (width - x - 12) * 10 // 78)
        full = full or original
        tip = f"<title>{e(full)}</title>" if full != value else ""
        css = f' class="{css}"' if css else ""
        node = f'<text x="{x}" y="{y}"{css}>{tip}{e(value)}</text>'
        return f'<a href="#{href}">{node}</a>' if href else node

    for index, step in enumerate(STEPS):
        lines: list[tuple[int, str, str, str | None, str | None]] = [(pad, STEP_LABELS[step], "title", None, None)]
        if step == "operationalize":
            for slot, definition in plan.bindings:
                full = f"{slot} = {definition}"
                lines.append((pad + 8, full, "", None, full))
            for slot in plan.unbound:
                lines.append((pad + 8, f"{slot} unbound", "muted", None, f"{slot} unbound"))
            for a in plan.assumptions:
                lines.append((pad + 8, f"assume {a.failure_mode}:", "", None, None))
                lines.append((pad + 32, f"{a.fact} = {'true' if a.value else 'false'}", "", None, None))
            for fm in plan.failure_modes:
                if fm.owner == "operationalize":
                    lines.append((pad + 8, f"open: {fm.name}", "", anchors(fm.name), f"open: {fm.name}"))
            if len(lines) == 1:
                lines.append((pad + 8, "no bindings", "muted", None, None))
        else:
            techniques = [t for t in plan.techniques if t.step == step]
            for t in techniques:
                full = f"■ {t.name} [{t.status or 'no status'}]"
                lines.append((pad + 8, full, "", None, full))
                for name in t.addresses:
                    target = anchors(name) if any(fm.name == name for fm in plan.failure_modes) else None
                    lines.append((pad + 32, f"→ {name}", "" if target else "muted", target, f"→ {name}"))
            if not techniques:
                lines.append((pad + 8, "no techniques", "muted", None, None))
        height = pad + line * len(lines)
        fill, stroke = colours[step]
        parts.append(
            f'<rect x="4" y="{y}" width="{width - 8}" height="{height}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
        )
        baseline = y + pad + 6
        for x, value, css, href, full in lines:
            parts.append(text(x, baseline, value, css, href, full))
            baseline += line
        y += height
        if index < len(STEPS) - 1:
            middle = width // 2
            parts.append(
                f'<path d="M{middle} {y + 2} v18 m-7 -8 l7 8 l7 -8" fill="none" stroke="#52606d" stroke-width="2"/>'
            )
            y += 24
    total = y + 8
    title = f"The three steps of plan {plan.name}"
    return (
        f'<figure><svg viewBox="0 0 {width} {total}" role="group" aria-labelledby="diagram-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="diagram-title">{e(title)}</title>{"".join(parts)}</svg>'
        "<figcaption>Step 1 binds the slots; steps 2 and 3 hold the techniques, each followed by the failure modes "
        "it addresses (links go to the matrix).</figcaption></figure>"
    )
