"""`alignment-plan report`: golden text, Markdown and JSON; the schema; totals, precision and
the gate; escaping of hostile strings in Markdown; errors that must stay one line."""

from __future__ import annotations

import html as html_module
import json
import re

import attrs
import jsonschema
import pytest
import referencing
from conftest import ROOT

from alignment_plan.cli import main
from alignment_plan.diagnostics import Diagnostic, Severity, Span
from alignment_plan.reporters import explain as explain_report
from alignment_plan.reporters import markdown, mermaid, report_text, wording
from alignment_plan.results.coverage import Coverage
from alignment_plan.results.model import CheckResult, FailureModeResult, PlanResult, TechniqueResult

FIXTURES = "tests/fixtures/report"
HEAD, BASE, BASE_JSON = f"{FIXTURES}/head", f"{FIXTURES}/base", f"{FIXTURES}/base.json"
SCHEMAS = ROOT / "alignment_plan" / "schemas"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    # The fixtures' techniques are mostly `research` (base.json was written counting them):
    # count them, so the reports compare what the fixtures describe.
    code = main(["report", "--isolated", "--min-status", "research", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report_validator() -> jsonschema.Draft202012Validator:
    check = json.loads((SCHEMAS / "check.schema.json").read_text())
    report = json.loads((SCHEMAS / "report.schema.json").read_text())
    registry = referencing.Registry().with_resources(
        [(schema["$id"], referencing.Resource.from_contents(schema)) for schema in (check, report)]
    )
    jsonschema.Draft202012Validator.check_schema(report)
    return jsonschema.Draft202012Validator(report, registry=registry)


# Golden files -------------------------------------------------------------------------

GOLDEN_RUNS = {
    "head.txt": (HEAD,),
    "head-missing-skip.txt": (HEAD, "--show-missing", "--skip-covered", "--precision", "1"),
    "head.md": (HEAD, "--format", "markdown", "--show-missing"),
    "head.json": (HEAD, "--format", "json"),
    "compare.txt": (HEAD, "--compare", BASE_JSON),
    "compare.md": (HEAD, "--format", "markdown", "--compare", BASE_JSON),
    "compare.json": (HEAD, "--format", "json", "--compare", BASE_JSON),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_RUNS))
def test_golden(name, golden, capsys):
    code, out, err = run(capsys, *GOLDEN_RUNS[name])
    assert code == 0, err
    golden(f"report/{name}", out)


def test_text_is_a_coverage_table_with_a_total_row(capsys):
    _, out, _ = run(capsys, HEAD)
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Failure mode"))
    assert header.split() == ["Failure", "mode", "Owner", "Covered", "by", "Status", "Cover"]
    row = next(line for line in lines if line.startswith("reward_tampering"))
    assert row.split() == ["reward_tampering", "feedback_process", "-", "-", "no"]
    assert re.search(r"^TOTAL\s+2 of 4 covered\s+50.0%$", out, re.MULTILINE)
    assert "TOTAL: 6 of 9 failure modes covered in 3 plans: 66.7%" in out


def test_show_missing_names_the_steps_and_the_deciding_facts(capsys):
    _, out, _ = run(capsys, HEAD, "--show-missing")
    row = next(line for line in out.splitlines() if line.startswith("hidden_knowledge") and "open" in line)
    assert row.rstrip().endswith("no technique in find_and_fix; deciding facts: training.output_good")
    _, plain, _ = run(capsys, HEAD)
    assert "deciding facts" not in plain


def test_skip_covered_leaves_out_covered_rows_but_counts_them(capsys):
    _, out, _ = run(capsys, HEAD, "--skip-covered")
    assert not re.search(r"^deception\s", out, re.MULTILINE)
    assert re.search(r"^hidden_knowledge\s", out, re.MULTILINE)
    assert "3 covered failure modes skipped." in out
    assert re.search(r"^TOTAL\s+3 of 4 covered\s+75.0%$", out, re.MULTILINE)


def test_json_is_the_check_document_plus_what_the_report_adds(capsys):
    _, out, _ = run(capsys, HEAD, "--format", "json", "--compare", BASE_JSON)
    document = json.loads(out)
    report_validator().validate(document)
    check = json.loads((SCHEMAS / "check.schema.json").read_text())
    jsonschema.validate(document, check)  # a report is still a valid check document
    support = next(p for p in document["plans"] if p["name"] == "support_bot")
    assert support["assumptions"] == [
        {"failure_mode": "hidden_knowledge", "fact": "training.output_good", "value": True, "line": 39, "because": None, "evidence": []}
    ]
    assert support["lens_slots"] == ["good_feedback"]
    injection = next(fm for fm in support["failure_modes"] if fm["name"] == "prompt_injection")
    assert injection["facts"]["deployment.novel"] is True
    assert {"delta", "scenarios"} <= set(document)


def test_report_schema_rejects_a_broken_delta(capsys):
    _, out, _ = run(capsys, HEAD, "--format", "json", "--compare", BASE_JSON)
    document = json.loads(out)
    document["delta"]["plans"][0]["owner_changes"][0]["reasons"] = []
    with pytest.raises(jsonschema.ValidationError):
        report_validator().validate(document)
    document = json.loads(out)
    del document["plans"][0]["assumptions"]
    with pytest.raises(jsonschema.ValidationError):
        report_validator().validate(document)


def test_check_json_of_the_base_is_a_valid_compare_input(tmp_path, capsys):
    """`check --format json` on the base branch is what CI will usually have."""
    base = tmp_path / "base.json"
    assert main(["check", "--isolated", "--format", "json", "-o", str(base), BASE]) in (0, 1)
    capsys.readouterr()
    code, out, err = run(capsys, HEAD, "--compare", str(base))
    assert code == 0, err
    assert "owner of deception changed: feedback_process -> find_and_fix" in out


def test_text_markdown_and_html_word_coverage_and_deltas_alike(tmp_path, capsys):
    """The words come from one module: with markup taken away, the three formats say the same."""
    import html

    _, text, _ = run(capsys, HEAD, "--compare", BASE_JSON)
    _, md, _ = run(capsys, HEAD, "--format", "markdown", "--compare", BASE_JSON)
    assert run(capsys, HEAD, "--format", "html", "-d", str(tmp_path), "--compare", BASE_JSON)[0] == 0
    pages = "".join(page.read_text(encoding="utf-8") for page in sorted(tmp_path.glob("*.html")))
    seen = {
        "text": text,
        "markdown": md.replace("`", "").replace("**", "").replace("→", "->"),
        "html": html.unescape(re.sub(r"<[^>]*>", "", pages)).replace("→", "->").lower(),
    }
    phrases = [
        "87.5% -> 66.7% (7/8 -> 6/9)",
        "3 newly uncovered, 1 newly covered, 4 owner changes",
        "pull_request_assistant (tests/fixtures/report/head/assistant.plan): changed, 100.0% -> 75.0%",
        "newly uncovered: hidden_knowledge (was covered; no technique in find_and_fix)",
        "owner of hidden_knowledge changed: feedback_process -> operationalize (open: feedback_process or find_and_fix)",
        "newly covered: sycophancy (was uncovered)",
        "no longer considered: distribution_shift",
    ]
    for phrase in phrases:
        for name, output in seen.items():
            wanted = phrase.lower() if name == "html" else phrase
            if name == "markdown":
                wanted = wanted.replace(", 1 newly", " · 1 newly").replace(", 4 owner", " · 4 owner")
            assert wanted in output, (name, phrase)


# Totals, precision, gate --------------------------------------------------------------


def test_total_is_just_the_number(capsys):
    assert run(capsys, HEAD, "--format", "total")[1] == "66.7\n"
    assert run(capsys, HEAD, "--format", "total", "--precision", "2")[1] == "66.67\n"
    assert run(capsys, HEAD, "--format", "total", "--precision", "0")[1] == "67\n"
    assert run(capsys, HEAD, "--format", "total", "--compare", BASE_JSON)[1] == "66.7\n"


@pytest.mark.parametrize(
    ("covered", "total", "precision", "shown"),
    [(0, 0, 0, "100%"), (999, 1000, 0, "99%"), (1, 1000, 0, "1%"), (1, 3, 2, "33.33%"), (2, 3, 0, "67%"), (0, 5, 1, "0.0%"),
     (1999, 2000, 1, "99.9%"), (1, 2000, 1, "0.1%")],
)
def test_percent_is_never_rounded_to_100_or_0_falsely(covered, total, precision, shown):
    assert Coverage(covered, total).display(precision) == shown


def test_the_gate_compares_exact_figures_not_rounded_ones():
    assert not Coverage(1999, 2000).meets(100) and Coverage(2000, 2000).meets(100)
    assert Coverage(999, 1000).meets(99.9) and not Coverage(998, 1000).meets(99.9)
    assert not Coverage(2, 3).meets(66.7) and Coverage(2, 3).meets(66.6)


def test_the_gate_fails_1999_of_2000_under_fail_under_100():
    from alignment_plan.project.gate import coverage_gate

    plan = PlanResult(
        name="big", title="", file="big.plan", line=1, bindings=(), unbound=(), threshold="prototype",
        failure_modes=(), techniques=(), coverage=Coverage(1999, 2000),
    )
    (failure,) = coverage_gate([plan], 100)
    assert failure.message().startswith("total coverage 99.9% is below the required 100%")
    assert coverage_gate([plan], 99.95) == () and len(coverage_gate([plan], 99.951)) == 1


def test_gate_passes_and_fails_like_check(capsys):
    code, _, err = run(capsys, HEAD, "--fail-under", "60")
    assert code == 0 and err == ""
    code, _, err = run(capsys, HEAD, "--fail-under", "70", "--format", "total")
    assert code == 1
    assert "total coverage 66.7% is below the required 70%" in err
    for uncovered in (
        "pull_request_assistant/hidden_knowledge",
        "support_bot/hidden_knowledge",
        "support_bot/reward_tampering",
    ):
        assert uncovered in err
    code, _, err = run(capsys, HEAD, "--fail-under-step", "feedback_process=100")
    assert code == 1
    assert "coverage of `feedback_process`" in err and "support_bot/reward_tampering" in err
    assert "support_bot/hidden_knowledge" not in err  # owned by find_and_fix only
    code, _, err = run(capsys, HEAD, "--fail-under-step", "scoped_agent=1")
    assert code == 2 and "STEP=N" in err


def test_gate_reads_the_configuration(tmp_path, capsys):
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.alignment-plan]\nfail-under = 90\nmin-status = "prototype"\n')
    code = main(["report", "--config", str(config), "--format", "total", HEAD])
    out, err = capsys.readouterr()
    assert code == 1 and "below the required 90%" in err
    assert out == "55.6\n"  # `debate` (research) no longer covers sycophancy: 5 of 9


def test_findings_at_error_severity_fail_the_report(tmp_path, capsys):
    broken = tmp_path / "broken.plan"
    broken.write_text('use std\nplan p "P" {\n    considers no_such_failure_mode\n}\n')
    code, _, err = run(capsys, str(broken))
    assert code == 1
    assert "at error severity" in err and "Traceback" not in err


# Errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "not JSON"),
        ("[]", "`the document` is missing or is not a dict"),
        ('{"plans": [{"name": "x"}]}', "`plans[0].failure_modes` is missing"),
        (
            '{"plans": [{"name": "x", "failure_modes": [{"name": "y", "owner": 3, "covered": true}]}]}',
            "plans[0].failure_modes[0].owner",
        ),
        (
            '{"plans": [{"name": "x", "failure_modes": [{"name": "y", "owner": "none", "covered": 1}]}]}',
            "plans[0].failure_modes[0].covered",
        ),
        ("[" * 100000, "not JSON"),
    ],
)
def test_unusable_base_is_one_line_exit_2(tmp_path, capsys, content, expected):
    base = tmp_path / "base.json"
    base.write_text(content)
    code, out, err = run(capsys, HEAD, "--compare", str(base))
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_usage_errors(tmp_path, capsys):
    assert run(capsys, HEAD, "--compare", str(tmp_path / "missing.json"))[0] == 2
    assert run(capsys, "no/such/dir")[0] == 2
    assert run(capsys, HEAD, "-d", str(tmp_path))[0] == 2  # -d is for html
    assert run(capsys, HEAD, "--format", "html", "-o", "x")[0] == 2
    assert run(capsys, HEAD, "--precision", "x")[0] == 2
    assert run(capsys, HEAD, "--fail-under", "101")[0] == 2
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    code, _, err = run(capsys, HEAD, "--format", "html", "-d", str(not_a_dir))
    assert code == 2 and "not a directory" in err
    assert "Traceback" not in capsys.readouterr().err


def test_output_file(tmp_path, capsys):
    target = tmp_path / "report.md"
    code, out, _ = run(capsys, HEAD, "--format", "markdown", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text().startswith("# Alignment plan coverage\n")


# Markdown escaping --------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "name | with | pipes",
    "[click](javascript:alert(1))",
    "![img](https://tracker.invalid/x.png)",
    "`code` and *stars* and _under_ and ~~strike~~",
    "line\nbreak # heading",
    "&lt;already&gt; & <b>bold</b>",
    "$x^2$ and \\ backslash",
]


def hostile_result() -> CheckResult:
    fms, techniques = [], []
    for index, text in enumerate(HOSTILE):
        fms.append(
            FailureModeResult(
                name=text,
                title=text,
                owner="operationalize" if index % 2 else "feedback_process",
                possible_owners=("feedback_process", text) if index % 2 else ("feedback_process",),
                depends_on=(text,) if index % 2 else (),
                covered=index % 3 == 0,
                covered_by=(text,) if index % 3 == 0 else (),
                missing_in=() if index % 3 == 0 else (text,),
                out_of_scope=text if index == 7 else None,
            )
        )
        techniques.append(
            TechniqueResult(
                name=text,
                title=text,
                step="feedback_process",
                status=text,
                evidence=(text,),
                addresses=(text,),
                fixes=(),
                line=1,
            )
        )
    plan = PlanResult(
        name=HOSTILE[0],
        title=HOSTILE[2],
        file=HOSTILE[1],
        line=1,
        bindings=((HOSTILE[4], HOSTILE[3]),),
        unbound=(HOSTILE[5],),
        threshold="research",
        failure_modes=tuple(fms),
        techniques=tuple(techniques),
        coverage=Coverage(3, 7),
    )
    return CheckResult(files=(HOSTILE[1],), diagnostics=(), plans=(plan,), rules=())


def test_markdown_escapes_hostile_strings():
    text = markdown.render(hostile_result(), show_missing=True, title=HOSTILE[0])
    ours = re.sub(r"</?(details|summary|b|code)( open)?>", "", text)
    assert not re.search(r"(?<!\\)<", ours), "an unescaped < outside the report's own tags"
    assert "](" not in text.replace("\\](", "").replace("\\]\\(", "")  # no live link or image
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|--") and not line.startswith("|---"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) in (4, 6), line  # plan table, or plan section with Missing
    assert "\\<script\\>" in text and "\\|" in text and "\\$x^2\\$" in text
    summary = next(line for line in text.splitlines() if line.startswith("<details"))
    assert "&lt;script&gt;" in summary  # HTML block: escaped as HTML, not Markdown


def test_markdown_escape_renders_back_to_the_text():
    """Undoing CommonMark backslash escapes gives the original (whitespace folded)."""
    for text in HOSTILE:
        escaped = markdown.escape(text)
        assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped) == " ".join(text.split())


def test_markdown_stays_within_a_pr_comment(monkeypatch):
    monkeypatch.setattr(markdown, "MAX_CHARS", 2500)
    result = hostile_result()
    many = CheckResult(files=result.files, diagnostics=(), plans=result.plans * 10, rules=())
    text = markdown.render(many)
    assert len(text) <= 2500 + 200
    assert re.search(r"_\d+ plan sections left out to fit a PR comment", text)


def test_over_the_size_of_a_comment_derivations_go_before_plan_sections(monkeypatch):
    from conftest import check_paths

    result = check_paths([ROOT / "plans"], root=ROOT)
    full = markdown.render(result)
    assert "the derivation</summary>" in full and "left out" not in full
    monkeypatch.setattr(markdown, "MAX_CHARS", len(full) - 1)
    fitted = markdown.render(result)
    assert "the derivation</summary>" not in fitted and "Derivations left out to fit a PR comment" in fitted
    assert "plan section" not in fitted  # every plan is still there
    assert fitted.count("```mermaid") == full.count("```mermaid")


# Markdown findings --------------------------------------------------------------------


def finding(severity: Severity, file: str, line: int, message: str = "failure mode `x` is not covered") -> Diagnostic:
    return Diagnostic("AP301", "uncovered-failure-mode", severity, message, Span(file, line, 1, line, 2))


def test_markdown_lists_the_worst_findings_first_each_linked_to_its_line():
    found = [finding(Severity.INFO, "a.plan", n) for n in range(1, 16)]
    found += [finding(Severity.WARNING, "b.plan", 9), finding(Severity.WARNING, "a.plan", 30)]
    found += [finding(Severity.ERROR, "z.plan", 2), finding(Severity.INFO, "a.plan", 0)]
    found += [finding(Severity.WARNING, "a.plan", 4), finding(Severity.INFO, "/elsewhere/c.plan", 3)]
    found += [finding(Severity.INFO, "../up.plan", 5)]
    text = markdown.render(CheckResult(files=("a.plan",), diagnostics=tuple(found), plans=(), rules=()))
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(items) == markdown.MAX_FINDINGS + 1 and items[-1] == "- and 2 more: the text, JSON or HTML report lists them all"
    locations = [re.search(r"· (.*)$", item).group(1) for item in items[:-1]]
    assert locations[:4] == [
        "[z.plan:2](z.plan#L2)", "[a.plan:4](a.plan#L4)", "[a.plan:30](a.plan#L30)", "[b.plan:9](b.plan#L9)"
    ]
    assert locations[4:6] == ["../up.plan:5", "/elsewhere/c.plan:3"]  # outside the repository: no link
    assert locations[6:] == [f"[a.plan:{n}](a.plan#L{n})" for n in range(0, 14)]
    assert "## Findings (22)" in text and "`x`" in items[0] and items[0].startswith("- ⛔ **error** `AP301`")


def test_markdown_findings_escape_hostile_messages_and_paths():
    found = tuple(finding(Severity.WARNING, text, 1, f"{text} `{text.replace('`', '')}` {text}") for text in HOSTILE)
    text = markdown.render(CheckResult(files=(), diagnostics=found, plans=(), rules=()))
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(items) == len(HOSTILE)
    for item in items:
        message, link = item.rsplit(" · ", 1)
        message = re.sub(r"`[^`]*`", "", message)  # code spans render their text as is
        assert "](" not in message.replace("\\](", "").replace("\\]\\(", "")  # no live link or image
        assert not re.search(r"(?<!\\)<", message)  # no tag
        label, target = re.fullmatch(r"\[(.*)\]\(([^()\s<>]*)\)", link).groups()  # one link, quoted target
        assert re.fullmatch(r"[A-Za-z0-9%/._~-]*#L1", target)
    assert "\\<script\\>" in text and "%3Cscript%3E%3C/script%3E#L1" not in text  # that path climbs out: no link


# Markdown: the three steps as a Mermaid diagram ---------------------------------------

MERMAID_HOSTILE = [
    'quote " and "]; click f1 "javascript:alert(1)"',
    "bracket ] [ ( ) { } > <",
    "edge --> s1 --- f9 -.-> s3",
    "new\nline\n```\n# heading",
    "back`tick` ``` and %%{init: {'theme': 'dark'}}%%",
    "entity #quot; #35; &amp; @someone",
]
_LINE = re.compile(
    r'  (?:(?P<id>s[1-3]|f\d+)\["(?P<label>[A-Za-z0-9 _.,:#;]*)"\]'
    r"|s1 --> s2 --> s3"
    r"|(?:s[1-3]|f\d+) (?:---|-\.->) (?:s[1-3]|f\d+)"
    r"|classDef [a-z_]+ [a-z:#0-9,\- ]+"
    r"|class (?:s[1-3]|f\d+)(?:,(?:s[1-3]|f\d+))* [a-z_]+)"
)


def mermaid_blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"^```mermaid\n(.*?)^```$", text, re.S | re.M)]


def test_mermaid_block_cannot_be_broken_out_of():
    result = hostile_result()
    plan = result.plans[0]
    fms = tuple(attrs.evolve(fm, name=name) for fm, name in zip(plan.failure_modes, MERMAID_HOSTILE + HOSTILE))
    plan = attrs.evolve(plan, failure_modes=fms)
    text = markdown.render(attrs.evolve(result, plans=(plan,)))
    assert text.count("```") == 2  # the fence opens once and closes once: no name closed it
    (block,) = mermaid_blocks(text)
    assert block[0] == "flowchart TD"
    labels = {}
    for line in block[1:]:
        match = _LINE.fullmatch(line)
        assert match, f"a line outside the grammar the diagram is made of: {line!r}"
        if match["id"]:
            labels[match["id"]] = re.sub(r"#(\d+);", lambda m: chr(int(m[1])), match["label"])
    for number, fm in enumerate(fms, start=1):  # every label reads back as the name, whitespace folded
        assert labels[f"f{number}"].startswith(" ".join(fm.name.split())[: mermaid.MAX_LABEL - 1])


def test_mermaid_hangs_each_failure_mode_off_its_owner_and_marks_open_and_uncovered(capsys):
    _, text, _ = run(capsys, HEAD, "--format", "markdown")
    first = mermaid_blocks(text)[0]
    assert '  f3["hidden_knowledge: open between feedback_process and find_and_fix, partly covered"]' in first
    assert {"  s1 --- f3", "  f3 -.-> s2", "  f3 -.-> s3", "  class f3 open_partly"} <= set(first)
    second = mermaid_blocks(text)[1]
    assert '  f4["reward_tampering: uncovered"]' in second and "  s2 --- f4" in second
    assert any(line.startswith("  class ") and line.endswith(" uncovered") and "f4" in line for line in second)
    third = mermaid_blocks(text)[2]
    assert '  f2["misuse: out of scope"]' in third and not any("--- f2" in line for line in third)


# The derivation of each owner, in the Markdown and the HTML report --------------------

HOSTILE_TITLE = "</pre></details><script>alert(1)</script>\n\n# heading [x](javascript:1) ``` @someone"


def hostile_explained() -> CheckResult:
    """The head fixtures, checked, with hostile words in every derivation's title and sources."""
    from conftest import check_paths

    from alignment_plan.checker.check import CheckOptions

    result = check_paths([ROOT / HEAD], CheckOptions(threshold="research"), root=ROOT)
    plans = tuple(
        attrs.evolve(
            plan,
            failure_modes=tuple(
                attrs.evolve(fm, explanation=attrs.evolve(fm.explanation, title=HOSTILE_TITLE, sources=(HOSTILE_TITLE,)))
                for fm in plan.failure_modes
            ),
        )
        for plan in result.plans
    )
    return attrs.evolve(result, plans=plans)


def test_markdown_shows_the_derivation_of_open_and_uncovered_failure_modes_only():
    result = hostile_explained()
    text = markdown.render(result)
    blocks = re.findall(r"<details><summary>why <code>(.*?)</code> is (.*?): the derivation</summary>\n\n<pre>(.*?)</pre>\n\n</details>", text, re.S)
    expected = [
        fm for plan in result.plans for fm in plan.failure_modes
        if fm.owner == "operationalize" or not (fm.covered or fm.out_of_scope)
    ]
    assert [name for name, _, _ in blocks] == [fm.name for fm in expected] and len(expected) == 3
    assert text.count("<pre>") == text.count("</pre>") == len(blocks)  # no title closed a block early
    for (_, state, body), fm in zip(blocks, expected):
        assert state == wording.STATE[wording.coverage_state(fm)]
        assert body.startswith(f"why `{fm.name}` is owned by ")
        assert "&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;" in body and "<" not in body
        assert "@&#8203;someone" in body and "\n6. owner: " in body  # the numbered derivation, whole
        assert html_module.unescape(body.replace("@&#8203;", "@")) == explain_report.render_text(fm.explanation).rstrip("\n")
