"""Meta-tests on the rule registry."""

from __future__ import annotations

import re

from alignment_plan.rules import RULES
from conftest import ROOT, case_files, expectations


def test_codes_unique_and_well_formed():
    assert len({r.code for r in RULES.values()}) == len(RULES)
    assert len({r.name for r in RULES.values()}) == len(RULES)
    for rule in RULES.values():
        assert re.fullmatch(r"AP\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name


def test_every_rule_documented():
    for rule in RULES.values():
        assert rule.summary and rule.summary[0].isupper(), rule.code
        assert "Example:" in rule.description, rule.code
        assert "Fix:" in rule.description, rule.code


def test_every_rule_triggered_by_a_case():
    triggered = {code for path in case_files() for (_, code) in expectations(path)}
    untested = sorted(set(RULES) - triggered)
    assert not untested, f"rules without a case: {untested}"


def test_rules_page_is_generated_from_the_registry(request):
    """docs/rules.md is what `rule --all --format markdown` prints (the language server links
    each finding to its section); `pytest --update-goldens` rewrites it."""
    from alignment_plan.rules.documentation import anchor, document_path, render_markdown

    page = ROOT / "docs" / "rules.md"
    text = render_markdown(RULES.values())
    if request.config.getoption("--update-goldens"):
        page.write_text(text, encoding="utf-8")
    assert page.read_text(encoding="utf-8") == text, "docs/rules.md is stale; run pytest --update-goldens"
    assert document_path() is not None
    for rule in RULES.values():
        assert f"\n## {rule.code} {rule.name}\n" in text and f"(#{anchor(rule)})" in text


def test_rule_command_prints_the_page(capsys):
    from alignment_plan.cli import main

    assert main(["rule", "--all", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
