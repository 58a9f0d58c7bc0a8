"""The formatter: each rule of the layout on a small input, a messy copy of a shipped plan
against its golden file, and `alignment-plan format` (--check, --diff, standard input,
syntax errors, the atomic rewrite that keeps mode, links and line endings, and files
chosen as `check` chooses them)."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
import textwrap

import pytest

from alignment_plan.cli import main
from alignment_plan.syntax.formatter import format_source
from alignment_plan.syntax.parser import parse_module
from conftest import ROOT

MESSY = ROOT / "tests" / "fixtures" / "format" / "messy_outcomes.plan"


def formatted(text: str) -> str:
    result = format_source(textwrap.dedent(text))
    assert result.diagnostics == (), result.diagnostics
    return result.text


def canonical(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


LAYOUT = {
    "indentation and spacing": (
        'plan p "t"{operationalize{s=d\nassume f :x.y=true}considers a ,b,c}',
        """
        plan p "t" {
            operationalize {
                s = d
                assume f: x.y = true
            }
            considers a, b, c
        }
        """,
    ),
    "a statement written over several lines is joined": (
        'plan p "t" {\n considers a,\n   b,\n c\n}',
        """
        plan p "t" {
            considers a, b, c
        }
        """,
    ),
    "parentheses are kept, spaced": (
        'definition s d "t" { not(a and(b or c))==((true)) }',
        """
        definition s d "t" {
            not (a and (b or c)) == ((true))
        }
        """,
    ),
    "a blank line between declarations of different kinds": (
        'use std\nfact a "A"\nslot s "S"\nfailure_mode m "M" { a = true }\nfailure_mode n "N" { a = false }',
        """
        use std

        fact a "A"

        slot s "S"

        failure_mode m "M" {
            a = true
        }

        failure_mode n "N" {
            a = false
        }
        """,
    ),
    "small declarations of one kind written together stay together": (
        'use std\nuse "team.plan"\nfact a "A"\nfact b "B"\n\n\n\nfact c "C"\nprior a = 0.5\nprior b = 0.25',
        """
        use std
        use "team.plan"

        fact a "A"
        fact b "B"

        fact c "C"

        prior a = 0.5
        prior b = 0.25
        """,
    ),
    "blank lines in a block: one at most, none after { or before }": (
        'scenario s "S" {\n\n\n  a = true\n\n\n\n  b = true\n\n}',
        """
        scenario s "S" {
            a = true

            b = true
        }
        """,
    ),
    "an empty block": ('fact a "A" {   }', 'fact a "A" {}\n'),
    "strings: one spelling for each character": (
        r'fact a "\u0041\"\\ \t é\u00e9 \u00a0 tab:	end"',
        'fact a "A\\"\\\\ \\t éé \\u00a0 tab:\\tend"\n',
    ),
    "a heuristic lens and legacy words": (
        'heuristic   lens l "L" { v  as  inner when a\nw when not a }',
        """
        heuristic lens l "L" {
            v as inner when a
            w when not a
        }
        """,
    ),
}


@pytest.mark.parametrize("source, expected", LAYOUT.values(), ids=LAYOUT.keys())
def test_layout(source, expected):
    assert formatted(source) == canonical(expected)


COMMENTS = {
    "own-line and trailing comments stay where they are": (
        """
        # header

        use std   # the catalog
        plan p "t" {
          # about the step
            feedback_process { technique t "T" { addresses a   # why
            } }
          # before the brace
        }
        # the end
        """,
        """
        # header

        use std  # the catalog

        plan p "t" {
            # about the step
            feedback_process {
                technique t "T" {
                    addresses a  # why
                }
            }
            # before the brace
        }
        # the end
        """,
    ),
    "a comment inside a statement breaks it; the rest continues deeper": (
        """
        plan p "t" {
            considers a, # first
              b,
              # before c
              c
        }
        definition s d "t" { a and # left
          b }
        """,
        """
        plan p "t" {
            considers a,  # first
                b,
                # before c
                c
        }

        definition s d "t" {
            a and  # left
                b
        }
        """,
    ),
    "trailing whitespace goes, in comments too": ("# note   \nfact a \"A\"   \t\n", "# note\nfact a \"A\"\n"),
    "a file of comments only": ("\n\n# one\n\n\n# two\n\n", "# one\n\n# two\n"),
    "an empty file stays empty": ("  \n\n\t\n", ""),
}


@pytest.mark.parametrize("source, expected", COMMENTS.values(), ids=COMMENTS.keys())
def test_comments(source, expected):
    assert formatted(source) == canonical(expected)


def test_a_comment_between_a_header_and_its_brace_follows_the_brace():
    source = 'plan p "t"  # the plan\n# more about it\n{\n considers a\n}\n'
    assert formatted(source) == 'plan p "t" {  # the plan\n    # more about it\n    considers a\n}\n'


def test_a_hidden_character_is_escaped_in_a_string_and_kept_in_a_comment():
    source = 'fact a "zero\u200bwidth"  # right\u202eleft\n'
    assert formatted(source) == 'fact a "zero\\u200bwidth"  # right\u202eleft\n'


def test_comments_around_a_brace_keep_their_order():
    source = 'failure_mode m "M"  # a\n# b\n{  # c\n}\n'
    assert formatted(source) == 'failure_mode m "M" {  # a\n    # b\n    # c\n}\n'


def test_syntax_errors_give_no_text_and_the_checkers_diagnostics():
    result = format_source('plan p "t" {\n    considers\n}\nfact f "\\q"\n', "bad.plan")
    assert result.text is None
    assert [(d.code, d.rule, d.severity.value, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("AP001", "syntax-error", "error", 3, 1),
        ("AP001", "syntax-error", "error", 4, 9),
    ]
    assert result.diagnostics[1].message == "unknown escape `\\q` in string"


def test_parentheses_too_deep_to_print_are_reported_not_a_crash():
    deep = 'definition s d "t" {\n    ' + "(" * 150 + "a" + ")" * 150 + "\n}\n"
    assert parse_module("deep.plan", deep).problems == ()  # the checker reads it
    result = format_source(deep, "deep.plan")
    assert result.text is None
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("AP001", "expression nested more than 100 levels deep, counting parentheses")
    ]


def test_a_messy_copy_of_a_shipped_plan_gives_the_golden_file(golden):
    result = format_source(MESSY.read_text(encoding="utf-8"), "messy_outcomes.plan")
    golden("format/messy_outcomes.txt", result.text)
    assert format_source(result.text).text == result.text


# The command -----------------------------------------------------------------------------

MESSY_PLAN = 'use std\nplan p "t" {\n  considers deception\n}\n'
CANONICAL_PLAN = 'use std\n\nplan p "t" {\n    considers deception\n}\n'
BROKEN_PLAN = 'use std\nplan p "t" {\n    considers\n}\n'


@pytest.fixture
def plans(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "messy.plan").write_text(MESSY_PLAN, encoding="utf-8")
    (tmp_path / "plans" / "clean.plan").write_text(CANONICAL_PLAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "plans"


def test_format_rewrites_changed_files_keeping_their_mode(plans, capsys):
    messy = plans / "messy.plan"
    messy.chmod(0o640)
    clean_before = (plans / "clean.plan").stat().st_mtime_ns
    assert main(["format"]) == 0
    assert messy.read_text(encoding="utf-8") == CANONICAL_PLAN
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert (plans / "clean.plan").stat().st_mtime_ns == clean_before
    assert sorted(p.name for p in plans.iterdir()) == ["clean.plan", "messy.plan"]  # no temporary left
    assert capsys.readouterr().err == "alignment-plan: 1 file reformatted, 1 file left unchanged\n"
    assert main(["format"]) == 0
    assert capsys.readouterr().err == "alignment-plan: 2 files left unchanged\n"


def test_check_lists_what_would_change_and_changes_nothing(plans, capsys):
    assert main(["format", "--check"]) == 1
    out, err = capsys.readouterr()
    assert out == "would reformat: plans/messy.plan\n"
    assert err == "alignment-plan: 1 file would be reformatted, 1 file already formatted\n"
    assert (plans / "messy.plan").read_text(encoding="utf-8") == MESSY_PLAN
    assert main(["format", "--check", "plans/clean.plan"]) == 0


def test_diff_prints_a_unified_diff_and_changes_nothing(plans, capsys):
    assert main(["format", "--diff"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("--- plans/messy.plan\t(original)\n+++ plans/messy.plan\t(formatted)\n@@")
    assert "-  considers deception\n+    considers deception\n" in out
    assert (plans / "messy.plan").read_text(encoding="utf-8") == MESSY_PLAN
    assert main(["format", "--diff", "plans/clean.plan"]) == 0
    assert capsys.readouterr().out == ""


def test_a_file_with_syntax_errors_is_never_rewritten(plans, capsys):
    broken = plans / "broken.plan"
    broken.write_text(BROKEN_PLAN, encoding="utf-8")
    assert main(["format"]) == 2
    err = capsys.readouterr().err
    assert broken.read_text(encoding="utf-8") == BROKEN_PLAN
    assert (plans / "messy.plan").read_text(encoding="utf-8") == CANONICAL_PLAN  # the others still are
    assert err.endswith("1 file not formatted (errors above)\n")
    # The errors read exactly as in `check`'s text output.
    main(["check", "--no-plans", "plans/broken.plan"])
    shown = capsys.readouterr().out
    assert "error[AP001]" in err
    assert err.split("alignment-plan:")[0] in shown


def test_standard_input_to_standard_output(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(MESSY_PLAN))
    assert main(["format", "-"]) == 0
    assert capsys.readouterr().out == CANONICAL_PLAN
    monkeypatch.setattr(sys, "stdin", io.StringIO(MESSY_PLAN))
    assert main(["format", "--check", "-"]) == 1
    assert capsys.readouterr().out == "would reformat: <stdin>\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(BROKEN_PLAN))
    assert main(["format", "-"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and " --> <stdin>:4:1" in err


def test_standard_input_goes_alone(plans, capsys):
    assert main(["format", "-", "plans"]) == 2
    assert "cannot be combined" in capsys.readouterr().err


def test_crlf_line_endings_are_kept(plans):
    messy = plans / "messy.plan"
    messy.write_bytes(MESSY_PLAN.replace("\n", "\r\n").encode())
    assert main(["format"]) == 0
    assert messy.read_bytes() == CANONICAL_PLAN.replace("\n", "\r\n").encode()
    assert main(["format", "--check"]) == 0


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_symbolic_link_stays_a_link(plans):
    target = plans.parent / "elsewhere.plan"
    target.write_text(MESSY_PLAN, encoding="utf-8")
    link = plans / "link.plan"
    link.symlink_to(target)
    assert main(["format", "plans/link.plan"]) == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == CANONICAL_PLAN


def test_files_are_chosen_as_check_chooses_them(plans, capsys):
    (plans.parent / "pyproject.toml").write_text(
        '[tool.alignment-plan]\npaths = ["plans"]\nexclude = ["drafts"]\n', encoding="utf-8"
    )
    (plans / "drafts").mkdir()
    (plans / "drafts" / "draft.plan").write_text(MESSY_PLAN, encoding="utf-8")
    (plans.parent / "outside.plan").write_text(MESSY_PLAN, encoding="utf-8")
    assert main(["format", "--check"]) == 1
    assert capsys.readouterr().out == "would reformat: plans/messy.plan\n"
    assert main(["format", "--check", "plans/drafts/draft.plan", "--force-exclude"]) == 0
    assert main(["format", "--check", "plans/drafts"]) == 1  # a directory named is searched, as in check
    assert main(["format", "--check", "missing"]) == 2


# What the repository ships is in canonical form ---------------------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def plan_examples() -> list:
    """The fenced blocks of the README and docs/ that are plan text: an unlabelled or
    `plan` block that parses (the others are output, shell or illustrations with `…`)."""
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for match in FENCE.finditer(page.read_text(encoding="utf-8")):
            language, body = match.groups()
            if language in ("", "plan") and not parse_module("example.plan", body).problems:
                line = match.string.count("\n", 0, match.start()) + 1
                found.append(pytest.param(body, id=f"{page.relative_to(ROOT)}:{line}"))
    return found


def test_the_shipped_plans_are_in_canonical_form():
    completed = subprocess.run(
        [sys.executable, "-m", "alignment_plan", "format", "--check", "plans", "alignment_plan/catalog/std.plan", "alignment_plan/project/starter.plan", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    shipped = [*(ROOT / "plans").glob("*.plan"), *(ROOT / "examples").rglob("*.plan")]
    shipped = [p for p in shipped if "errors" not in p.relative_to(ROOT).parts] + [None, None]  # std, starter
    assert completed.stderr == f"alignment-plan: {len(shipped)} files already formatted\n"


@pytest.mark.parametrize("body", plan_examples())
def test_the_docs_plan_examples_are_in_canonical_form(body):
    assert format_source(body).text == body


def test_the_docs_have_plan_examples():
    assert len(plan_examples()) >= 3


def test_the_readme_shows_what_the_formatter_does():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    before, after = re.search(r"A messy file\n\n```text\n(.*?)```\n\ncomes back as\n\n```\n(.*?)```", readme, re.DOTALL).groups()
    assert format_source(before).text == after
