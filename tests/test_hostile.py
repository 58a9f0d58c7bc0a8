"""Hostile input: a repository, a plan or a configuration written by an attacker.

`check` runs in CI on pull requests from strangers. Nothing it reads may leak what lies
outside the project, block, blow up, or write into what a terminal or CI runner executes.
Each test here is the regression test of one way that went wrong (issue "Hostile input").
"""

from __future__ import annotations

import json
import os
import sys

import pytest

from alignment_plan.cli import main
from conftest import ROOT

ROOT_PLANS = ROOT / "plans"
SECRET = "MY_TOKEN=hunter2"
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty project (a `.git` marks the root) as the working directory, with a secret
    file beside it, outside the root."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# Files outside the root, and files that are not files -------------------------------


@posix_only
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "concise"])
def test_a_link_out_of_the_project_is_refused_without_quoting_it(repo, capsys, fmt):
    (repo / "env.plan").symlink_to(repo.parent / "secret.txt")
    write(repo / "ok.plan", 'fact a "x"\n')
    for argv in (["check", "--format", fmt, "."], ["check", "--format", fmt, "env.plan"]):
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert "hunter2" not in out + err
        assert "env.plan" in out and "outside the project root" in out


@posix_only
def test_a_link_out_of_the_project_is_not_read_by_the_report(repo, capsys, tmp_path):
    (repo / "env.plan").symlink_to(repo.parent / "secret.txt")
    code, _, err = run(capsys, "report", "--format", "html", "-d", str(tmp_path / "site"), ".")
    assert code == 2
    site = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*.html"))
    assert "hunter2" not in site + err


def test_a_file_named_outside_the_project_is_still_checked(repo, capsys):
    outside = repo.parent / "elsewhere" / "p.plan"
    write(outside, 'fact a "x"\n')
    code, out, _ = run(capsys, "check", "--format", "concise", str(outside))
    assert code == 0 and "checked 1 file" in out


def test_a_configured_path_outside_the_project_is_not_read(repo, capsys):
    write(repo.parent / "elsewhere" / "p.plan", "fact a\n")  # a syntax error, if it were read
    write(repo / "pyproject.toml", '[tool.alignment-plan]\npaths = ["../elsewhere"]\n')
    code, out, _ = run(capsys, "check", "--format", "concise")
    assert code == 2 and "outside the project root" in out and "AP001" not in out


@posix_only
@pytest.mark.parametrize("how", ["named", "imported", "present"])
def test_a_fifo_never_blocks(repo, capsys, how):
    os.mkfifo(repo / "x.plan")
    write(repo / "main.plan", 'use "x.plan"\n' if how == "imported" else 'fact a "x"\n')
    named = {"named": "x.plan", "imported": "main.plan", "present": "main.plan"}[how]
    code, out, _ = run(capsys, "check", "--format", "concise", named)
    if how == "present":  # the search for plans importing main.plan skips it
        assert code == 0
    else:
        assert code == 2 and "not a regular file" in out


def test_an_unreadable_import_is_trouble_as_when_named(repo, capsys):
    (repo / "latin1.plan").write_bytes("# caf\xe9\n".encode("latin-1"))
    write(repo / "main.plan", 'use "latin1.plan"\n')
    code, out, _ = run(capsys, "check", "--format", "concise", "--exit-zero", "main.plan")
    assert code == 2
    assert "latin1.plan:1:1: error cannot read file: file is not valid UTF-8" in out
    assert "AP002" in out


def test_a_file_larger_than_the_limit_is_refused(repo, capsys, monkeypatch):
    from alignment_plan import paths

    monkeypatch.setattr(paths, "MAX_SOURCE_BYTES", 1000)
    write(repo / "big.plan", "# " + "x" * 2000 + "\n")
    code, out, _ = run(capsys, "check", "--format", "concise", "big.plan")
    assert code == 2 and "larger than 1000 bytes, the limit for a plan file" in out


def test_a_nul_in_an_import_path_is_a_finding(repo, capsys):
    write(repo / "main.plan", 'use "\\u0000x.plan"\nfact a "x"\n')
    write(repo / "other.plan", 'fact b "y"\n')
    code, out, err = run(capsys, "check", "--format", "concise", "main.plan")
    assert "internal error" not in err
    assert code == 2 and "path contains a NUL character" in out
    # …and the search for dependents of another file is not broken by it.
    code, out, err = run(capsys, "check", "--format", "concise", "other.plan")
    assert code == 0 and "internal error" not in err


def test_deep_import_chains_stop_at_the_limit(repo, capsys):
    from alignment_plan.analysis.resolver import MAX_IMPORT_DEPTH

    depth = MAX_IMPORT_DEPTH + 20
    for number in range(depth):
        write(repo / f"f{number}.plan", f'use "f{number + 1}.plan"\nfact x{number} "t"\n')
    write(repo / f"f{depth}.plan", 'fact last "t"\n')
    code, out, err = run(capsys, "check", "--format", "concise", "--no-dependents", "f0.plan")
    assert "internal error" not in err
    assert code == 1 and f"imports nest more than {MAX_IMPORT_DEPTH} files deep" in out


# One definition of a line ---------------------------------------------------------------

SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def test_characters_that_splitlines_breaks_at_do_not_move_quotes_or_fingerprints(repo, capsys):
    # Each separator sits in a comment and a string before the finding; the quoted line and
    # the fingerprint must be those of the line the parser counted.
    text = "".join(f'# comment {c} here\nfact f{i} "title {c} here"\n' for i, c in enumerate(SEPARATORS))
    finding = 'failure_mode fm "t" { unknown_fact = true }\n'
    write(repo / "p.plan", text + finding)
    code, out, _ = run(capsys, "check", "--no-plans", "--no-dependents", "p.plan")
    line = 2 * len(SEPARATORS) + 1
    assert code == 1 and f"{line} | failure_mode fm" in out

    def fingerprints() -> dict[int, dict]:
        code, out, _ = run(capsys, "check", "--format", "sarif", "--no-dependents", "p.plan")
        results = json.loads(out)["runs"][0]["results"]
        return {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["partialFingerprints"] for r in results}

    before = fingerprints()
    assert set(before) == {line}
    clean = text
    for c in SEPARATORS:
        clean = clean.replace(c, " ")
    write(repo / "p.plan", clean + finding)
    assert fingerprints() == before, "the finding's own line is unchanged, so is its fingerprint"


def test_split_lines_is_the_parsers_definition():
    from alignment_plan.text import split_lines

    assert split_lines("a\u2028b\x0cc\r\nd\n") == ["a\u2028b\x0cc", "d"]
    assert split_lines("") == [] and split_lines("x") == ["x"] and split_lines("\n\n") == ["", ""]


# Hangs and blow-ups -------------------------------------------------------------------


def concise_lines(capsys, *argv: str) -> tuple[int, list[str]]:
    code, out, err = run(capsys, "check", "--format", "concise", "--no-dependents", *argv)
    assert "internal error" not in err and "Traceback" not in err
    return code, out.splitlines()


@pytest.mark.parametrize("number", ["1e99999999999", "1e-9999999", "1" * 40 + ".5", "0.5e0000000000000000001"])
def test_a_prior_with_a_huge_exponent_or_too_many_digits_is_refused(repo, capsys, number):
    write(repo / "p.plan", f'fact x "t"\nprior x = {number}\n')
    code, lines = concise_lines(capsys, "p.plan")
    assert code == 1
    assert lines[0] == f"p.plan:2:1: error AP207 prior `x = {number}` has more digits than the checker computes with"


def test_priors_within_the_limits_keep_their_exact_value():
    from fractions import Fraction

    from alignment_plan.analysis.scenarios.stories import probability

    assert probability("0.25") == Fraction(1, 4)
    assert probability("25e-2") == Fraction(1, 4)
    assert probability("1e-30") == Fraction(1, 10**30)
    assert probability("1e-31") is None and probability("1e99999999999") is None


def test_variables_are_ordered_by_first_appearance():
    # `A and a or B and b or …`: exponential ordered by name, linear by appearance.
    from alignment_plan.analysis.logic import Diagrams
    from alignment_plan.syntax.parser import parse_module

    pairs = [(chr(ord("A") + i), chr(ord("a") + i)) for i in range(20)]
    condition = " or ".join(f"{upper} and {lower}" for upper, lower in pairs)
    module = parse_module("t.plan", f'definition s d "t" {{ {condition} }}\n')
    assert not module.problems
    diagrams = Diagrams()
    diagram = diagrams.compile(module.declarations[0].body, diagrams.variable)
    assert len(diagrams.support(diagram)) == 40
    assert diagrams.steps < 2_000  # ordered by name it is about 2 ** 21


def test_a_plan_past_the_diagram_budget_is_an_error_that_names_the_limit(repo, capsys, monkeypatch):
    from alignment_plan.analysis import logic

    monkeypatch.setattr(logic, "MAX_DIAGRAM_STEPS", 3)
    write(repo / "p.plan", (ROOT_PLANS / "pull_request_assistant_reasons.plan").read_text(encoding="utf-8"))
    code, lines = concise_lines(capsys, "p.plan")
    assert code == 1
    assert any(
        "AP005 plan `pull_request_assistant` is not analysed: deciding it takes more than 3 "
        "decision-diagram steps" in line
        for line in lines
    ), lines


def test_a_refines_chain_past_the_limit_inherits_nothing_and_says_so(repo, capsys):
    from alignment_plan.analysis.scenarios.stories import MAX_REFINEMENT_DEPTH

    lines = ['fact f "t"', 'scenario s0 "t" { f = true }']
    lines += [f'scenario s{i} "t" refines s{i - 1} {{ }}' for i in range(1, MAX_REFINEMENT_DEPTH + 5)]
    write(repo / "p.plan", "\n".join(lines) + "\n")
    code, found = concise_lines(capsys, "p.plan")
    assert code == 1
    column = lines[MAX_REFINEMENT_DEPTH + 1].index(f"s{MAX_REFINEMENT_DEPTH - 1}") + 1
    assert found[:-1] == [
        f"p.plan:{MAX_REFINEMENT_DEPTH + 2}:{column}: error AP005 scenario "
        f"`s{MAX_REFINEMENT_DEPTH}` inherits nothing: it refines a chain of more than {MAX_REFINEMENT_DEPTH} scenarios"
    ]


def test_deep_not_and_long_or_chains_end_in_no_internal_error(repo, capsys):
    write(repo / "deep.plan", 'fact x "t"\nslot s "t"\ndefinition s d "t" { ' + "not " * 500 + "x }\n")
    code, lines = concise_lines(capsys, "deep.plan")
    assert code == 1 and "AP001 expression nested more than 100 levels deep" in lines[0]
    facts = "".join(f'fact x{i} "t"\n' for i in range(1000))
    chain = " or ".join(f"x{i}" for i in range(1000))
    write(repo / "long.plan", facts + f'lens generalization "t" {{ feedback_process when {chain} }}\nscenario s "t" {{ }}\n')
    code, lines = concise_lines(capsys, "long.plan")
    assert code == 0, lines


def test_a_long_string_costs_little_memory():
    import tracemalloc

    from alignment_plan.syntax.parser import parse_module

    text = 'fact a "' + "x" * 2_000_000 + '"\n'
    parse_module("warm.plan", 'fact a "x"\n')
    tracemalloc.start()
    try:
        module = parse_module("t.plan", text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not module.problems
    assert peak < 50_000_000  # the backtracking regex took 300 MB for this


def test_output_is_linear_in_a_long_line_with_many_findings(repo, capsys):
    from alignment_plan.text import QUOTE_WIDTH, QUOTES_PER_LINE

    names = ", ".join(f"z{i}" for i in range(3000))
    write(repo / "p.plan", f'use std\nplan p "t" {{\n    considers {names}\n}}\n')
    code, out, _ = run(capsys, "check", "--no-plans", "--no-dependents", "p.plan")
    assert code == 1
    lines = out.splitlines()
    assert max(len(line) for line in lines) < QUOTE_WIDTH + 20
    assert sum(1 for line in lines if line.startswith("3 | ")) == QUOTES_PER_LINE
    assert len(out) < 120 * 3000  # the whole line under every finding was 45 MB


def test_html_ids_for_names_that_differ_only_in_case_stay_short_and_unique():
    from alignment_plan.reporters.html.markup import Anchors, UniqueNames

    names = ["".join(c.upper() if (i >> k) & 1 else c for k, c in enumerate("abcdefghijk")) for i in range(2000)]
    ids = Anchors("fm", names).ids
    assert len(set(ids.values())) == len(names)
    assert max(len(value) for value in ids.values()) <= len("fm-abcdefghijk-2000")
    taken = UniqueNames()
    assert [taken.claim("p", ".html") for _ in range(3)] == ["p.html", "p-2.html", "p-3.html"]


def test_a_bug_in_one_file_keeps_the_results_of_the_others(repo, capsys, monkeypatch):
    from alignment_plan.checker import check

    original = check.check_module

    def crash_on_b(workspace, module, options):
        if module.path == "b.plan":
            raise RecursionError("maximum recursion depth exceeded\nwith a second line")
        return original(workspace, module, options)

    monkeypatch.setattr(check, "check_module", crash_on_b)
    write(repo / "a.plan", 'use std\nplan p "t" { considers nothing_here }\n')
    write(repo / "b.plan", 'fact b "t"\n')
    code, out, _ = run(capsys, "check", "--format", "concise", ".")
    assert code == 2
    assert "a.plan:2:24: error AP102 undefined failure mode `nothing_here`" in out
    (line,) = [line for line in out.splitlines() if line.startswith("b.plan")]
    assert "internal error while checking it (RecursionError: maximum recursion depth exceeded with a second line)" in line


def test_an_internal_error_is_one_line(repo, capsys, monkeypatch):
    from alignment_plan.project import project

    def broken(*args, **kwargs):
        raise RuntimeError("first\nsecond\x1b[31m\nthird")

    monkeypatch.setattr(project.Project, "run", broken)
    code, out, err = run(capsys, "check")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "RuntimeError: first second\\x1b[31m third" in err


def test_a_deeply_nested_baseline_is_refused(repo, capsys):
    write(repo / "p.plan", 'fact a "t"\n')
    (repo / "base.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, _, err = run(capsys, "check", "--baseline", "base.json", "p.plan")
    assert code == 2 and "is not a baseline this tool wrote" in err and "internal error" not in err


def test_a_base_report_with_a_5000_digit_integer_is_refused(repo, capsys):
    write(repo / "p.plan", 'fact a "t"\n')
    (repo / "base.json").write_text('{"plans": [], "x": ' + "1" * 5000 + "}", encoding="utf-8")
    code, _, err = run(capsys, "report", "--compare", "base.json", "p.plan")
    assert code == 2 and "base report `base.json` is unusable" in err and "internal error" not in err


@pytest.mark.parametrize("value", ['"a\\u0000b"', '"../outside.json"'])
def test_a_configured_baseline_must_be_a_file_inside_the_project(repo, capsys, value):
    write(repo / "p.plan", 'fact a "t"\n')
    write(repo / "pyproject.toml", f"[tool.alignment-plan]\nbaseline = {value}\n")
    code, _, err = run(capsys, "check", "p.plan")
    assert code == 2 and "internal error" not in err
    assert "must be a file name" in err or "outside the project root" in err
    assert not (repo.parent / "outside.json").exists()


# Injection into what terminals and CI runners read ------------------------------------

FORGED = "\n::error file=README.md,line=1::Forged"


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_a_path_cannot_forge_a_workflow_command(repo, capsys, fmt):
    write(repo / "p.plan", 'use "x' + FORGED.replace("\n", "\\n") + '.plan"\nfact a "t"\n')
    code, out, err = run(capsys, "check", "--format", fmt, "--no-dependents", "p.plan")
    assert code == 1 and "AP002" in out
    assert not [line for line in (out + err).splitlines() if line.startswith("::")]
    assert "\\n::error file=README.md" in out


@posix_only
@pytest.mark.parametrize("command", [["check", "--format", "text"], ["check", "--format", "concise"], ["report"]])
def test_a_file_name_cannot_forge_a_workflow_command_or_reach_the_terminal(repo, capsys, command):
    name = "x" + FORGED + "\x1b]0;title\x07\u202e.plan"
    write(repo / name, 'use std\nplan p "\x1b[2J" { considers nothing_here }\n')
    code, out, err = run(capsys, *command, ".")
    assert code == 1
    assert not [line for line in (out + err).splitlines() if line.startswith("::")]
    assert "\x1b" not in out + err and "\u202e" not in out + err
    assert "x\\n::error file=README.md,line=1::Forged\\x1b]0;title\\x07\\u202e.plan" in out


def test_the_markdown_report_pings_no_one(repo, capsys):
    write(repo / "p.plan", 'use std\nplan p "reviewed by @octocat and @org/team" { considers deception }\n')
    code, out, _ = run(capsys, "report", "--format", "markdown", "p.plan")
    assert "@octocat" not in out and "@org/team" not in out
    assert "@&#8203;octocat" in out


# Messages ------------------------------------------------------------------------------


def test_a_byte_order_mark_is_accepted(repo, capsys):
    (repo / "p.plan").write_bytes(b"\xef\xbb\xbf" + 'fact a "t"\n'.encode())
    code, lines = concise_lines(capsys, "p.plan")
    assert code == 0, lines


@pytest.mark.parametrize(
    "char, named", [("\u200b", "U+200B ZERO WIDTH SPACE"), ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("\x07", "U+0007")]
)
def test_a_character_that_prints_as_nothing_is_named_by_its_code_point(repo, capsys, char, named):
    write(repo / "p.plan", f'fact a{char} "t"\n')
    code, lines = concise_lines(capsys, "p.plan")
    assert code == 1 and f"unexpected character {named}" in lines[0]


def test_a_non_ascii_name_says_names_are_ascii(repo, capsys):
    write(repo / "p.plan", 'fact café "t"\n')
    code, out, _ = run(capsys, "check", "--no-dependents", "p.plan")
    assert code == 1 and "unexpected character `é`" in out and "names are ASCII" in out


def test_a_lone_surrogate_escape_is_a_syntax_error_not_a_crash(repo, capsys):
    write(repo / "p.plan", 'use std\nplan p "\\ud800" { considers deception }\n')
    for fmt in ("json", "sarif", "text", "junit"):
        code, out, err = run(capsys, "check", "--format", fmt, "--no-dependents", "p.plan")
        assert code == 1 and "surrogate" in out and "internal error" not in err


def test_config_that_is_a_directory_says_so(repo, capsys):
    code, _, err = run(capsys, "check", "--config", ".")
    assert code == 2 and "configuration file `.` is a directory" in err


def test_a_percentage_written_as_a_string_says_it_is_a_string(repo, capsys):
    write(repo / "pyproject.toml", '[tool.alignment-plan]\nfail-under = "90"\n')
    code, _, err = run(capsys, "check")
    assert code == 2 and 'not the string `"90"` (write it without quotes)' in err


@posix_only
def test_a_dangling_symlink_for_the_html_directory_is_named(repo, capsys):
    write(repo / "p.plan", 'fact a "t"\n')
    (repo / "site").symlink_to(repo / "nowhere")
    code, _, err = run(capsys, "report", "--format", "html", "-d", "site", "p.plan")
    assert code == 2 and "is a symbolic link to" in err and "which does not exist" in err and "File exists" not in err


def test_sarif_locates_findings_in_files_outside_the_root(repo, capsys):
    outside = repo.parent / "elsewhere" / "p.plan"
    write(outside, 'use std\nplan p "t" { considers nothing_here }\n')
    code, out, _ = run(capsys, "check", "--format", "sarif", str(outside))
    (result,) = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "AP102"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == outside.as_uri()


def test_select_of_only_commas_is_refused(repo, capsys):
    code, _, err = run(capsys, "check", "--select", ",,,")
    assert code == 2 and "`,,,` names no rule" in err


def test_tool_that_is_not_a_table_is_a_configuration_error(repo, capsys):
    write(repo / "pyproject.toml", "tool = 1\n")
    code, _, err = run(capsys, "check")
    assert code == 2 and "`tool` must be a table" in err and "internal error" not in err


# The limits, as documented -------------------------------------------------------------


def test_docs_state_the_limits_the_code_enforces():
    from alignment_plan.analysis.logic import MAX_DIAGRAM_STEPS
    from alignment_plan.analysis.resolver import MAX_IMPORT_DEPTH
    from alignment_plan.analysis.scenarios.stories import MAX_PRIOR_DIGITS, MAX_PRIOR_EXPONENT, MAX_REFINEMENT_DEPTH
    from alignment_plan.analysis.scenarios.tables import MAX_DEFINITION_COMBINATIONS
    from alignment_plan.paths import MAX_SOURCE_BYTES, byte_size
    from alignment_plan.syntax.parser import MAX_NESTING
    from alignment_plan.text import QUOTE_WIDTH, QUOTES_PER_LINE

    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in (ROOT / "docs" / "limits.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| What ")
    }
    assert rows["Size of a plan file"] == byte_size(MAX_SOURCE_BYTES)
    assert rows["Nesting of an expression"] == f"{MAX_NESTING} levels"
    assert rows["Depth of `use` imports"] == f"{MAX_IMPORT_DEPTH} files"
    assert rows["Depth of a `refines` chain"] == f"{MAX_REFINEMENT_DEPTH} scenarios"
    assert rows["Combinations of definitions per lens"] == str(MAX_DEFINITION_COMBINATIONS)
    assert rows["Decision-diagram work per file"] == f"{MAX_DIAGRAM_STEPS:,} steps"
    assert rows["Digits of a prior"] == f"{MAX_PRIOR_DIGITS} digits, exponent from -{MAX_PRIOR_EXPONENT} to {MAX_PRIOR_EXPONENT}"
    assert rows["Source quoted per finding (text, HTML)"] == f"{QUOTE_WIDTH} characters around the span"
    assert rows["Findings quoted per line (text, HTML)"] == str(QUOTES_PER_LINE)


def test_format_diff_prints_control_characters_as_escapes(tmp_path, monkeypatch, capsys):
    from alignment_plan.commands.format import unified_diff

    before = 'use std\nfact a.b "x\x1b[31m\u202e"   \n'
    after = 'use std\nfact a.b "x\x1b[31m\u202e"\n'
    diff = unified_diff(before, after, "evil\x1b]0;title\x07.plan")
    assert "\x1b" not in diff and "\u202e" not in diff and "\x07" not in diff
    assert "\\x1b[31m\\u202e" in diff and diff.count("\n") == len(diff.splitlines())
    assert all(not line.startswith("::") for line in diff.splitlines())


# A file name that is not UTF-8 ---------------------------------------------------------

BAD_NAME = os.fsdecode(b"bad\xff.plan")  # the byte comes back as the lone surrogate U+DCFF


@pytest.mark.skipif(sys.platform != "linux", reason="needs file names of arbitrary bytes")
def test_a_file_name_that_is_not_utf8_is_checked_and_shown_escaped(repo, capsys, tmp_path):
    write(repo / BAD_NAME, "use std\nplan p \"P\" {\n  operationalize { good_feedback = outcomes }\n  considers deception\n}\n")
    for fmt in ("text", "concise", "json", "sarif", "github", "junit"):
        code, out, err = run(capsys, "check", "--format", fmt, ".")
        assert code == 0 and "internal error" not in err, (fmt, err)  # warnings only
        assert "\\udcff" in out or "%FF" in out, fmt
    document = json.loads(run(capsys, "check", "--format", "json", ".")[1])
    assert document["files"] == [BAD_NAME]  # `\udcff` in the JSON text: the code point, escaped
    sarif = json.loads(run(capsys, "check", "--format", "sarif", ".")[1])
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad%FF.plan"
    code, _, err = run(capsys, "report", "--format", "markdown", "-o", str(tmp_path / "pr.md"), ".")
    assert code == 0 and "(bad%FF.plan#L4)" in (tmp_path / "pr.md").read_text(encoding="utf-8")
    code, out, err = run(capsys, "report", "--format", "html", "-d", str(tmp_path / "site"), ".")
    assert code == 0 and "internal error" not in err
    # The result cache stores and serves it (the second run is served from it).
    assert run(capsys, "check", "--format", "json", ".")[1] == run(capsys, "check", "--format", "json", ".")[1]
    assert list((repo / ".alignment-plan-cache").glob("*/*/*.json"))
