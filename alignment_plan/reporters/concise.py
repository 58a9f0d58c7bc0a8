"""Concise reporter: one line per finding, `file:line:col: severity CODE message`, for
editors, `grep` and problem matchers; and the per-rule counts of `--statistics`. Paths and
messages are made `printable`: one finding is always one line."""

from __future__ import annotations

from collections import Counter

from alignment_plan.reporters.text import summary_line
from alignment_plan.results.model import CheckResult
from alignment_plan.text import printable


def render(result: CheckResult) -> str:
    out = [f"{printable(error.file)}:1:1: error cannot read file: {printable(error.message)}" for error in result.file_errors]
    for d in result.diagnostics:
        out.append(f"{printable(d.span.file)}:{d.span.line}:{d.span.column}: {d.severity.value} {d.code} {printable(d.message)}")
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def render_statistics(result: CheckResult) -> str:
    """Counts per rule, most frequent first (like `ruff --statistics`)."""
    counts = Counter((d.code, d.rule, d.severity.value) for d in result.diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    name_width = max((len(rule) for (_, rule, _), _ in rows), default=0)
    out = [f"{str(n).rjust(width)}  {code}  {rule.ljust(name_width)}  {severity}" for (code, rule, severity), n in rows]
    out.append(summary_line(result))
    return "\n".join(out) + "\n"
