"""Meta-tests on the rule registry."""

from __future__ import annotations

import re

from alignment_plan.rules import RULES
from conftest import case_files, expectations


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
