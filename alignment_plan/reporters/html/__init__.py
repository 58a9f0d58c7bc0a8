"""Coverage report as a static HTML site: a `CheckResult` (and optionally a `Delta`) in,
pages in a directory out.

`index.html` lists the plans with coverage bars; each plan gets a page with the failure
mode × step matrix, the three steps drawn as inline SVG (techniques in their steps, linked
to the failure modes they address), open ownership with its deciding facts, the derivation
of each owner (the text `explain` prints, one `<details>` per failure mode), techniques and
their evidence, findings with source lines, and the classification table of scenarios in
the same file; `scenarios.html` collects every scenario. Each page is self-contained
(inline CSS and SVG, no script, no network; a Content-Security-Policy forbids both), so the
site works from `file://` and in print. Every string from a user passes through
`html.escape`; colour never carries information alone (each coloured cell also has a
symbol and words).

The modules: `markup` (escaping, anchors, the page frame around `style.css`), `diagram`
(the three steps as SVG), `delta`, `findings` and `scenarios` (sections several pages
share), `plan` and `index` (the pages), `site` (every page rendered, then written).
"""

from alignment_plan.reporters.html.site import render_site, write_site

__all__ = ["render_site", "write_site"]
