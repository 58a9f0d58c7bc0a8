"""HTML report: `index.html`, every plan with its coverage bar, the changes against the base,
unreadable files and findings in files without plans; and the file name of each plan page."""

from __future__ import annotations

from pathlib import Path

from alignment_plan.diagnostics import Severity
from alignment_plan.reporters import wording
from alignment_plan.reporters.html.delta import delta_summary, plan_delta_html
from alignment_plan.reporters.html.findings import findings_html
from alignment_plan.reporters.html.markup import MARKUP, Anchors, UniqueNames, bar, code, e, page, slug, table_wrap
from alignment_plan.results.coverage import total_of
from alignment_plan.results.model import CheckResult, Delta, PlanResult


def page_names(plans: tuple[PlanResult, ...]) -> list[str]:
    taken = UniqueNames()
    return [taken.claim(f"plan-{slug(Path(plan.file).stem)}-{slug(plan.name)}", ".html") for plan in plans]


def index_page(result: CheckResult, pages: list[str], delta: Delta | None, precision: int, title: str) -> str:
    total = total_of(p.coverage for p in result.plans)
    counts = {s: sum(1 for d in result.diagnostics if d.severity is s) for s in Severity}
    body = [
        f"<h1>{e(title)}</h1>",
        f'<p class="big">{bar(total, precision)} across {len(result.plans)} plan{"s" if len(result.plans) != 1 else ""}.</p>',
        (
            f"<p>Findings: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} info, "
            f"in {len(result.files)} file{'s' if len(result.files) != 1 else ''}.</p>"
        ),
    ]
    if result.file_errors:
        items = "".join(f"<li>{code(err.file)}: {e(err.message)}</li>" for err in result.file_errors)
        body.append(
            f'<section aria-labelledby="unreadable"><h2 id="unreadable">Unreadable files</h2><ul>{items}</ul></section>'
        )
    if delta is not None:
        body.append(f'<section aria-labelledby="changes"><h2 id="changes">Changes against {code(delta.base)}</h2>')
        body.append(delta_summary(delta, precision))
        by_plan = {(p.file, p.name): page for p, page in zip(result.plans, pages)}
        for change in delta.plans:
            if change.change == "unchanged":
                continue
            target = by_plan.get((change.file, change.name))
            heading = f'<a href="{e(target)}">{code(change.name)}</a>' if target else code(change.name)

            plan = next((p for p in result.plans if (p.file, p.name) == (change.file, change.name)), None)
            anchors = Anchors("fm", (fm.name for fm in plan.failure_modes) if plan else ())

            def link(name: str, target=target, anchors=anchors) -> str:
                if target and name in anchors.ids:
                    return f'<a href="{e(target)}#{anchors.ids[name]}">{code(name)}</a>'
                return code(name)

            body.append(f"<h3>{wording.plan_change(change, precision, MARKUP, name=heading)}</h3>")
            body.append(plan_delta_html(change, link))
        body.append("</section>")
    rows = []
    for plan, target in zip(result.plans, pages):
        uncovered = sum(1 for fm in plan.failure_modes if fm.out_of_scope is None and not fm.covered)
        open_count = sum(1 for fm in plan.failure_modes if fm.owner == "operationalize")
        findings = sum(1 for d in result.diagnostics if d.span.file == plan.file)
        rows.append(
            f'<tr><th scope="row"><a href="{e(target)}">{code(plan.name)}</a><br><span class="note">{e(plan.title)}</span></th>'
            f"<td>{code(plan.file)}</td><td>{bar(plan.coverage, precision)}</td>"
            f'<td class="num">{uncovered}</td><td class="num">{open_count}</td><td class="num">{findings}</td></tr>'
        )
    if rows:
        table = (
            "<table><caption>Plans and their coverage</caption><thead><tr>"
            + "".join(
                f'<th scope="col"{c}>{h}</th>'
                for h, c in (
                    ("Plan", ""),
                    ("File", ""),
                    ("Coverage", ""),
                    ("Uncovered", ' class="num"'),
                    ("Open owners", ' class="num"'),
                    ("Findings", ' class="num"'),
                )
            )
            + f"</tr></thead><tbody>{''.join(rows)}</tbody>"
            f'<tfoot><tr><th scope="row">TOTAL</th><td></td><td>{bar(total, precision)}</td><td colspan="3"></td></tr></tfoot></table>'
        )
        body.append(f'<section aria-labelledby="plans"><h2 id="plans">Plans</h2>{table_wrap("Plans", table)}</section>')
    else:
        body.append("<p>No plans found.</p>")
    planned = {plan.file for plan in result.plans}
    orphans = sorted({d.span.file for d in result.diagnostics} - planned)
    if orphans:
        body.append(
            '<section aria-labelledby="other-findings"><h2 id="other-findings">Findings in files without plans</h2>'
        )
        for file in orphans:
            body.append(f"<h3>{code(file)}</h3>{findings_html(result, file)}")
        body.append("</section>")
    crumbs = []
    if result.scenarios:
        crumbs = [("scenarios.html", "Scenarios")]
        files = len({s.file for s in result.scenarios})
        body.append(
            '<section aria-labelledby="scenarios"><h2 id="scenarios">Scenarios</h2>'
            f'<p><a href="scenarios.html">{len(result.scenarios)} scenario{"s" if len(result.scenarios) != 1 else ""} '
            f"in {files} file{'s' if files != 1 else ''}</a>, classified by every lens in both readings.</p></section>"
        )
    return page(title, "\n".join(body), crumbs)
