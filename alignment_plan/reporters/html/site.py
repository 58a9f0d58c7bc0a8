"""HTML report, the site: every page rendered in memory first, then written into a directory,
so a failure while rendering leaves the old site as it was."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from alignment_plan.reporters.html.index import index_page, page_names
from alignment_plan.reporters.html.plan import plan_page
from alignment_plan.reporters.html.scenarios import scenarios_page
from alignment_plan.reporters.output import write_pages
from alignment_plan.results.coverage import DEFAULT_PRECISION
from alignment_plan.results.model import CheckResult, Delta


def render_site(
    result: CheckResult, delta: Delta | None = None, precision: int = DEFAULT_PRECISION, title: str = "Alignment plan coverage"
) -> dict[str, str]:
    """Every page of the site: file name to HTML text."""
    names = page_names(result.plans)
    pages = {"index.html": index_page(result, names, delta, precision, title)}
    for plan, name in zip(result.plans, names):
        pages[name] = plan_page(result, plan, delta, precision, title)
    if result.scenarios:
        pages["scenarios.html"] = scenarios_page(result, title)
    return pages


def write_site(
    result: CheckResult,
    directory: Path,
    delta: Delta | None = None,
    precision: int = DEFAULT_PRECISION,
    title: str = "Alignment plan coverage",
    inputs: Iterable[Path] = (),
) -> list[Path]:
    """Render every page, then write them into `directory` (created if needed) as
    `output.write_pages` does: atomically, through no link, over no input. The paths written."""
    return write_pages(directory, render_site(result, delta, precision, title), inputs)
