"""Properties of the formatter, with Hypothesis on grammatical input and on every `.plan`
file of the repository:

- idempotent: format(format(x)) == format(x);
- meaning-preserving: the syntax tree without its spans is the same before and after, and
  so is `check --format json` without positions (except that a hidden character in a
  string, AP505, is written as an escape and so no longer reported);
- every comment's text is still there, in the same order;
- a file with syntax errors is not formatted, and its errors are the checker's AP001s.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment_plan.analysis.resolver import Workspace
from alignment_plan.checker.check import CheckOptions, check_files
from alignment_plan.diagnostics import Span
from alignment_plan.reporters import json_report
from alignment_plan.syntax.formatter import format_source
from alignment_plan.syntax.parser import parse_module
from conftest import ROOT
from fuzz.fuzz_check import grammar_strategy

POSITIONS = frozenset({"line", "column", "end_line", "end_column"})


def without_spans(value):
    """A node as nested tuples, every span left out (a span that marks a keyword's presence,
    such as `feedback_source`, becomes `True`)."""
    if isinstance(value, Span):
        return True
    if attrs.has(type(value)):
        return (type(value).__name__,) + tuple(
            (field.name, without_spans(getattr(value, field.name)))
            for field in attrs.fields(type(value))
            if field.type not in (Span, "Span")
        )
    if isinstance(value, tuple):
        return tuple(without_spans(item) for item in value)
    return value


def without_positions(value):
    if isinstance(value, dict):
        return {key: without_positions(item) for key, item in value.items() if key not in POSITIONS}
    if isinstance(value, list):
        return [without_positions(item) for item in value]
    return value


def checked(path: Path, text: str, root: Path):
    """`check --format json` of `path` read as `text`, its imports read from disk."""
    target = path.resolve()

    def read(candidate: Path) -> str:
        return text if candidate.resolve() == target else candidate.read_text(encoding="utf-8")

    result = check_files([path], Workspace(root, read=read), CheckOptions())
    return without_positions(json.loads(json_report.render(result)))


def comment_texts(module) -> list[str]:
    return [comment.text.rstrip() for comment in module.comments]


def assert_formatting_preserves(text: str, path: Path, root: Path, *, check: bool = True) -> None:
    first = format_source(text, str(path))
    assert first.diagnostics == () and first.text is not None
    assert format_source(first.text, str(path)).text == first.text, "not idempotent"
    before, after = parse_module("x.plan", text), parse_module("x.plan", first.text)
    assert after.problems == ()
    assert without_spans(after.uses) == without_spans(before.uses)
    assert without_spans(after.declarations) == without_spans(before.declarations)
    assert comment_texts(after) == comment_texts(before)
    if check:
        before_report, after_report = checked(path, text, root), checked(path, first.text, root)
        # Strings are written with hidden characters as escapes, which is how AP505 asks
        # for them to be fixed: formatting may take such findings away, never add one.
        assert all(finding in hidden(before_report) for finding in hidden(after_report))
        assert without_hidden(after_report) == without_hidden(before_report)


def hidden(report: dict) -> list:
    return [finding for finding in report["diagnostics"] if finding["code"] == "AP505"]


def without_hidden(report: dict) -> dict:
    diagnostics = [finding for finding in report["diagnostics"] if finding["code"] != "AP505"]
    return {key: value for key, value in report.items() if key != "summary"} | {"diagnostics": diagnostics}


# Every plan of the repository ----------------------------------------------------------


def repository_plans() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.plan")
        if not any(part.startswith(".") or part in ("out", "build") for part in path.relative_to(ROOT).parts)
    )


def test_the_repository_has_plans_to_format():
    plans = repository_plans()
    assert len(plans) >= 40
    assert ROOT / "alignment_plan" / "catalog" / "std.plan" in plans


@pytest.mark.parametrize("path", repository_plans(), ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_a_repository_plan(path):
    text = path.read_text(encoding="utf-8")
    module = parse_module(str(path), text)
    if module.problems:
        result = format_source(text, str(path))
        assert result.text is None
        reported = check_files([path], Workspace(ROOT), CheckOptions()).diagnostics
        assert {(d.message, d.span.line, d.span.column) for d in result.diagnostics} == {
            (d.message, d.span.line, d.span.column) for d in reported if d.code == "AP001"
        }
        return
    assert_formatting_preserves(text, path, ROOT)


# Grammatical input -----------------------------------------------------------------------

ESCAPES = st.sampled_from(['\\"', "\\\\", "\\n", "\\t", "\\r", "\\u0041", "\\u00e9", "\\u00a0", "\\u2028"])
STRING_BODY = st.lists(
    st.one_of(st.characters(blacklist_characters='"\\\n', blacklist_categories=("Cs",)), ESCAPES), max_size=8
).map("".join)
GRAMMATICAL = grammar_strategy(
    separators=st.sampled_from([" ", " ", " ", "\n", "\n\n", "\t", "  \n    ", "\n\n\n"]),
    STRING=lambda _: STRING_BODY.map(lambda body: f'"{body}"'),
    COMMENT=lambda _: st.from_regex(r"#[^\n\r]*", fullmatch=True).map(lambda x: x + "  \n"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=GRAMMATICAL)
def test_formatting_grammatical_text(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("format")
    assert_formatting_preserves(text, root / "g.plan", root)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=GRAMMATICAL)
def test_formatting_grammatical_text_keeps_its_syntax_tree_and_comments(text):
    assert_formatting_preserves(text, Path("g.plan"), Path("."), check=False)
