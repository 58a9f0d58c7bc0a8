"""`report --format html`: a self-contained static site, checked as text and in a real browser.

The browser tests, marked `browser`, drive Debian's chromium through Playwright (never
`playwright install`). Locally they skip when either is missing; under `CI=true` they fail
instead. Screenshots go to `test-artifacts/` at the repository root.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT
from test_report import hostile_explained, hostile_result

from alignment_plan.checker.check import CheckOptions as Options
from conftest import check_paths
from alignment_plan.cli import main
from alignment_plan.project.compare import compare_text
from alignment_plan.reporters import html as html_report
from alignment_plan.reporters.explain import render_text
from alignment_plan.reporters.html.findings import plan_findings
from alignment_plan.results.model import CheckResult, ScenarioResult, VerdictResult

FIXTURES = ROOT / "tests" / "fixtures" / "report"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def head() -> CheckResult:
    return check_paths([FIXTURES / "head"], Options(threshold="research"), root=ROOT)


@pytest.fixture(scope="module")
def site(head, tmp_path_factory) -> Path:
    """The site for the head fixtures compared with the base report, written by the CLI."""
    directory = tmp_path_factory.mktemp("site") / "report"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = main(
            [
                "report",
                "--isolated",
                "--min-status",
                "research",
                "--format",
                "html",
                "-d",
                str(directory),
                "--compare",
                "tests/fixtures/report/base.json",
                "tests/fixtures/report/head",
            ]
        )
    finally:
        os.chdir(cwd)
    assert code == 0
    return directory


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of one page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


# Without a browser -------------------------------------------------------------------

SITE_TAGS = {
    "details",
    "summary",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "a",
    "header",
    "nav",
    "main",
    "footer",
    "h1",
    "h2",
    "h3",
    "p",
    "span",
    "code",
    "strong",
    "br",
    "dl",
    "dt",
    "dd",
    "section",
    "ul",
    "ol",
    "li",
    "div",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "svg",
    "rect",
    "text",
    "path",
    "pre",
    "mark",
}


def test_pages_are_self_contained(site):
    pages = sorted(site.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "scenarios.html"}
    assert len(pages) == 5  # index, scenarios and three plans
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parsed = Elements(text)
        assert {tag for tag, _ in parsed.tags} <= SITE_TAGS, page.name
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        for tag, attrs in parsed.tags:
            assert "src" not in attrs, (page.name, tag)
            href = attrs.get("href", "")
            assert not href.lower().startswith(("javascript:", "data:", "//")), (page.name, href)
            if href.startswith("http"):
                assert href.startswith("https://example.org/"), href  # only evidence links leave the site
        assert "@import" not in text and "url(" not in text


def test_hostile_strings_from_plans_stay_text(site):
    text = (site / "plan-scoped-scoped_agent.html").read_text(encoding="utf-8")
    parsed = Elements(text)
    visible = "".join(parsed.text)
    assert "Agent <script>alert('title')</script> | *bold* [link](javascript:alert(1)) & more" in visible
    assert "Operators are <em>trusted</em> | see `policy`" in visible
    assert "javascript:alert('evidence')" in visible  # shown, but never a link
    assert [a["href"] for tag, a in parsed.tags if tag == "a" and "example.org/held-out" in a.get("href", "")] == [
        "https://example.org/held-out?a=1&b=2"
    ]
    assert 'href="https://example.org/held-out?a=1&amp;b=2"' in text


def test_hostile_names_everywhere_stay_text():
    for name, text in html_report.render_site(hostile_result()).items():
        parsed = Elements(text)
        assert {tag for tag, _ in parsed.tags} <= SITE_TAGS, name
        for tag, attrs in parsed.tags:
            for key, value in attrs.items():
                assert not key.startswith("on"), (name, tag, key)
                if key == "id":
                    assert re.fullmatch(r"[A-Za-z0-9_-]+", value), value
                if key == "href":
                    assert re.fullmatch(r"[A-Za-z0-9_.-]*(#[A-Za-z0-9_-]+)?", value), value
        assert "<script>alert(1)</script>" in "".join(parsed.text)


def test_plan_pages_show_each_owners_derivation_escaped():
    result = hostile_explained()
    pages = html_report.render_site(result)
    for plan, name in zip(result.plans, (n for n in pages if n.startswith("plan-"))):
        text = pages[name]
        parsed = Elements(text)
        assert {tag for tag, _ in parsed.tags} <= SITE_TAGS and "<script>" not in text
        shown = re.findall(r'<details class="derivation" id="([^"]+)"( open)?><summary>.*?</summary><pre tabindex="0">(.*?)</pre></details>', text, re.S)
        assert len(shown) == len(plan.failure_modes)
        for (ident, opened, body), fm in zip(shown, plan.failure_modes):
            assert html.unescape(body) == render_text(fm.explanation)  # the derivation explain prints, whole
            assert "&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;" in body
            unsettled = fm.owner == "operationalize" or not (fm.covered or fm.out_of_scope)
            assert bool(opened) == unsettled and ident.endswith("-why")


def test_internal_links_and_ids_resolve_without_a_browser(site):
    ids = {
        page.name: [a.get("id") for _, a in Elements(page.read_text()).tags if a.get("id")]
        for page in site.glob("*.html")
    }
    for page, found in ids.items():
        assert len(found) == len(set(found)), f"duplicate ids in {page}"
    for page in site.glob("*.html"):
        for tag, attrs in Elements(page.read_text()).tags:
            href = attrs.get("href")
            if tag != "a" or not href or href.startswith("https://"):
                continue
            target, _, fragment = href.partition("#")
            target = target or page.name
            assert target in ids, (page.name, href)
            assert not fragment or fragment in ids[target], (page.name, href)


def scenario_result() -> CheckResult:
    def verdict(lens, reading, value, legacy, match, **extra):
        return VerdictResult(
            lens=lens,
            heuristic=lens.endswith("other"),
            bindings=(("good_feedback", "reasons"),) if lens == "generalization" else (),
            reading=reading,
            verdict=value,
            legacy=legacy,
            possible=(value,),
            depends_on=extra.get("depends_on", ()),
            probabilities=extra.get("probabilities"),
            matches_label=match,
        )

    first = ScenarioResult(
        name="human_farms",
        title="Scenario 1 <farms>",
        file="quiz.plan",
        line=3,
        refines=None,
        labels=("outer",),
        facts=(("training.rewarded", True),),
        sources=(),
        verdicts=(
            verdict("generalization", "open", "ambiguous", "ambiguous", False, depends_on=("training.right_reasons",)),
            verdict(
                "deception_vs_other",
                "open",
                "ambiguous",
                "ambiguous",
                False,
                probabilities=(("other", 0.99), ("deception", 0.01)),
            ),
        ),
    )
    second = ScenarioResult(
        name="human_farms_deceptive",
        title="Scenario 2",
        file="quiz.plan",
        line=9,
        refines="human_farms",
        labels=("inner",),
        facts=(("training.rewarded", True), ("training.deceptive", True)),
        sources=(),
        verdicts=(
            verdict("generalization", "open", "feedback_process", "outer", False),
            verdict("deception_vs_other", "open", "deception", "inner", True),
        ),
    )
    return CheckResult(files=("quiz.plan",), diagnostics=(), plans=(), rules=(), scenarios=(first, second))


def test_scenario_classification_table():
    pages = html_report.render_site(scenario_result())
    assert "scenarios.html" in pages and 'href="scenarios.html"' in pages["index.html"]
    text = pages["scenarios.html"]
    assert "Scenario 1 &lt;farms&gt;" in text
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", text)
    assert len(rows) == 2  # one per (lens, bindings, reading)
    generalization, heuristic = rows
    assert "<code>good_feedback</code> = <code>reasons</code>" in generalization
    assert "deciding: <code>training.right_reasons</code>" in generalization
    assert "✗ feedback_process (outer)" in generalization and "differs from the label" in generalization
    assert "(heuristic)" in heuristic and "other 99%" in heuristic and "✓ deception (inner)" in heuristic


def test_plan_pages_show_their_own_findings(head):
    bot = next(p for p in head.plans if p.name == "support_bot")
    assistant = next(p for p in head.plans if p.name == "pull_request_assistant")
    inside, outside = plan_findings(head, bot)
    assert inside and all(d.span.line >= bot.line for d in inside)
    assert "AP308" in {d.code for d in inside}  # `stakes = low` is in support_bot
    first, _ = plan_findings(head, assistant)
    assert first and all(assistant.line <= d.span.line < bot.line for d in first)
    assert {id(d) for d in outside} == {id(d) for d in first}


def test_write_site_creates_the_directory(tmp_path, head):
    delta = compare_text((FIXTURES / "base.json").read_text(), head, "base.json")
    written = html_report.write_site(head, tmp_path / "a" / "b", delta=delta)
    assert sorted(p.name for p in written) == sorted(p.name for p in (tmp_path / "a" / "b").iterdir())


# In a browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    in_ci = os.environ.get("CI") == "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci:
            pytest.fail("playwright is not installed; CI must install the test extras")
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        if in_ci:
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path, width: int = 1280, media: str = "screen"):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True)
        contexts.append(context)
        page = context.new_page()
        page.emulate_media(media=media)
        problems: list[str] = []
        page.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
        page.on(
            "request",
            lambda request: None if request.url.startswith("file://") else problems.append(f"network: {request.url}"),
        )
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        return page, problems

    yield opener
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def row_cells(page, failure_mode: str) -> list[str]:
    row = page.locator(f"table.matrix tr:has(th#fm-{failure_mode})")
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


@pytest.mark.browser
def test_every_page_loads_clean_and_fits_a_phone(site, open_page):
    for path in sorted(site.glob("*.html")):
        page, problems = open_page(path)
        assert page.locator("main h1").count() == 1
        assert page.locator("header nav a[href='index.html']").count() == 1
        assert problems == [], (path.name, problems)
        phone, problems = open_page(path, width=390)
        widths = phone.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]")
        assert widths[0] <= widths[2] and widths[1] <= widths[2], (path.name, widths)
        assert problems == []
    page, _ = open_page(site / "index.html")
    screenshot(page, "report-index.png")


@pytest.mark.browser
def test_the_matrix_says_who_owns_what(site, open_page):
    page, _ = open_page(site / "plan-assistant-support_bot.html")
    headings = page.locator("table.matrix thead th").all_inner_texts()
    assert [h.strip() for h in headings] == [
        "Failure mode",
        "operationalize",
        "feedback_process",
        "find_and_fix",
        "Coverage",
    ]
    operationalize, feedback, find_and_fix, coverage = row_cells(page, "hidden_knowledge")
    assert operationalize == "decided"
    assert "not the owner; addressed here by overseer_assist (prototype)" in feedback
    assert find_and_fix.startswith("✗ owner") and "no technique" in find_and_fix
    assert coverage == "✗ uncovered"
    operationalize, feedback, find_and_fix, coverage = row_cells(page, "prompt_injection")
    assert find_and_fix.startswith("✓ owner") and "injection_red_team (deployed)" in find_and_fix
    assert coverage == "✓ covered"
    assert "Changes against" in page.locator("section#changes, section[aria-labelledby=changes]").inner_text()
    screenshot(page, "report-plan.png")
    phone, _ = open_page(site / "plan-assistant-support_bot.html", width=390)
    screenshot(phone, "report-plan-phone.png")
    # on a phone each failure mode is a card whose cells name their step
    assert (
        phone.locator("table.matrix tr:has(th#fm-hidden_knowledge) td").first.evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        == '"operationalize: "'
    )

    page, _ = open_page(site / "plan-assistant-pull_request_assistant.html")
    operationalize, feedback, find_and_fix, coverage = row_cells(page, "hidden_knowledge")
    assert operationalize.startswith("? undecided") and "training.output_good" in operationalize
    assert feedback.startswith("✓ possible owner") and find_and_fix.startswith("✗ possible owner")
    assert coverage == "◐ partly covered"
    assert "training.output_good" in page.locator("section[aria-labelledby=open]").inner_text()


@pytest.mark.browser
def test_links_resolve_and_the_diagram_links_into_the_matrix(site, open_page):
    ids, links = {}, {}
    for path in sorted(site.glob("*.html")):
        page, _ = open_page(path)
        ids[path.name] = set(page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)"))
        links[path.name] = page.eval_on_selector_all(
            "a[href], svg a", "links => links.map(a => a.getAttribute('href'))"
        )
    for name, hrefs in links.items():
        assert hrefs, name
        for href in hrefs:
            if href.startswith("https://"):
                continue
            target, _, fragment = href.partition("#")
            target = target or name
            assert target in ids, (name, href)
            assert not fragment or fragment in ids[target], (name, href)
    page, _ = open_page(site / "plan-assistant-support_bot.html")
    diagram = page.locator("figure svg")
    assert diagram.get_attribute("aria-labelledby") == "diagram-title"
    assert (
        "2 · feedback_process" in diagram.text_content() and "■ injection_red_team [deployed]" in diagram.text_content()
    )
    page.locator("svg a[href='#fm-prompt_injection']").first.click()
    assert page.evaluate("location.hash") == "#fm-prompt_injection"
    assert page.evaluate("document.querySelector(':target').tagName") == "TH"


CONTRAST = """
() => {
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = c => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number); return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor; if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
  const low = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    if (el.closest('svg')) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
    const r = ratio(style.color, background(el));
    if (r < (large ? 3 : 4.5)) low.push(`${el.tagName}.${el.className}: ${r.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  const rects = [...document.querySelectorAll('svg rect')].map(r => [r.getBBox(), r.getAttribute('fill')]);
  for (const t of document.querySelectorAll('svg text')) {
    const box = t.getBBox(), middle = box.y + box.height / 2;
    const hit = rects.find(([b]) => b.y <= middle && middle <= b.y + b.height);
    const fill = hit ? hit[1] : '#ffffff';
    const hex = fill.match(/\\w\\w/g).map(h => parseInt(h, 16));
    const r = ratio(getComputedStyle(t).fill, `rgb(${hex.join(', ')})`);
    if (r < 4.5) low.push(`svg text ${r.toFixed(2)} "${t.textContent}"`);
  }
  return low;
}
"""


@pytest.mark.browser
def test_contrast_landmarks_and_table_headers(site, open_page):
    for path in sorted(site.glob("*.html")):
        page, _ = open_page(path)
        assert page.evaluate(CONTRAST) == [], path.name
        assert page.get_attribute("html", "lang") == "en"
        assert page.locator("header nav[aria-label]").count() == 1 and page.locator("main#main").count() == 1
        assert page.locator("thead th:not([scope='col'])").count() == 0, path.name
        assert page.locator("tbody th:not([scope='row'])").count() == 0, path.name
        assert page.locator("table:not(:has(caption))").count() == 0, path.name


@pytest.mark.browser
def test_colour_is_never_the_only_signal(site, open_page):
    page, _ = open_page(site / "plan-assistant-pull_request_assistant.html")
    for cell in page.locator("td.covered, td.uncovered, td.partly, td.undecided").all():
        assert re.match(r"^[✓✗◐?]", cell.inner_text().strip()), cell.inner_text()
    for tag in page.locator(".tag").all():
        assert tag.inner_text().strip() in ("operationalize", "feedback_process", "find_and_fix", "none")


@pytest.mark.browser
def test_print_layout(site, open_page):
    page, problems = open_page(site / "plan-assistant-support_bot.html", media="print")
    assert page.locator("header nav").evaluate("nav => getComputedStyle(nav).display") == "none"
    after = page.locator("a[href^='https://example.org/filter-eval']").evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert "https://example.org/filter-eval" in after
    assert page.locator(".table-wrap").first.evaluate("d => getComputedStyle(d).overflowX") == "visible"
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "report-plan.pdf"))
    assert problems == []


@pytest.mark.browser
def test_scenarios_in_the_browser(site, head, open_page):
    if not head.scenarios:
        pytest.skip("the checker produced no scenarios for the fixtures")
    page, problems = open_page(site / "scenarios.html")
    header = page.locator("table thead").inner_text()
    assert "human_farms" in header and "human_farms_deceptive" in header and "label: outer" in header
    cells = page.locator("table tbody td").all_inner_texts()
    assert any("matches the label" in c for c in cells) and any("differs from the label" in c for c in cells)
    assert problems == []
    plan, _ = open_page(site / "plan-scoped-scoped_agent.html")
    assert plan.locator("section[aria-labelledby=scenarios] table").count() == 1
    screenshot(page, "report-scenarios.png")


@pytest.mark.browser
def test_site_opens_from_a_copied_directory(site, open_page, tmp_path):
    """No absolute paths inside: the site still works after being moved."""
    moved = tmp_path / "moved"
    shutil.copytree(site, moved)
    page, problems = open_page(moved / "index.html")
    page.locator("a[href^='plan-assistant-support_bot']").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(moved.as_uri()) and problems == []
