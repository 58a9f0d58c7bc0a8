"""Highlighting: the TextMate grammar of `editors/vscode/`, run by the engine VS Code uses
(vscode-textmate with vscode-oniguruma, through the npm package vscode-tmgrammar-test), and
the Pygments lexer. Node's packages come from `npm ci` in `editors/vscode` (`.ci/run` runs
it; so does this module when they are missing). Without node the TextMate tests are skipped
locally and fail under `CI=true`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = VSCODE / "syntaxes" / "plan.tmLanguage.json"
SNAPSHOTS = ROOT / "tests" / "highlighting"
STD = ROOT / "alignment_plan" / "catalog" / "std.plan"
EXAMPLES = sorted((ROOT / "plans").glob("*.plan")) + [STD]
_TOP_LEVEL = re.compile(r"^(use|fact|slot|definition|failure_mode|heuristic|lens|plan|scenario|prior)\b")


def documented_plans() -> list[str]:
    """The plan examples in the README and docs: fenced blocks that open with a declaration
    and parse (sketches with `…` in them are not plans)."""
    from alignment_plan.syntax.parser import parse_module

    blocks = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(r"^```[a-z]*\n(.*?)^```", page.read_text(encoding="utf-8"), re.M | re.S):
            first = next((line for line in block.splitlines() if line.strip() and not line.startswith("#")), "")
            if _TOP_LEVEL.match(first) and not parse_module("example.plan", block).problems:
                blocks.append(block)
    return blocks


def grammar_keywords() -> set[str]:
    """Every word the lark grammar spells out: statement keywords, steps, operators, booleans."""
    text = (ROOT / "grammar" / "plan.lark").read_text(encoding="utf-8")
    return set(re.findall(r'"([a-z_]+)"', text)) | {"true", "false"}


# Pygments ----------------------------------------------------------------------------

def plan_lexer():
    """The lexer; without the `pygments` extra, skipped locally and a failure under CI."""
    if os.environ.get("CI") != "true":
        pytest.importorskip("pygments")
    from alignment_plan.highlight import PlanLexer

    return PlanLexer()


def test_every_token_of_the_examples_has_a_type():
    lexer = plan_lexer()
    from pygments.token import Error, Text

    texts = [path.read_text(encoding="utf-8") for path in EXAMPLES + sorted(SNAPSHOTS.glob("*.plan"))]
    texts += documented_plans()
    assert len(texts) > len(EXAMPLES) + 2  # the docs have examples too
    for text in texts:
        tokens = list(lexer.get_tokens(text))
        assert "".join(value for _, value in tokens) == text + ("" if text.endswith("\n") else "\n")
        untyped = [(kind, value) for kind, value in tokens if kind in Error or (kind is Text and value.strip())]
        assert not untyped, untyped[:5]


def test_lexer_kinds_follow_the_language():
    lexer = plan_lexer()
    from pygments.token import Comment, Keyword, Name, Operator, String

    text = 'fact training.x "a \\"b\\" \\u00e9" # alignment-plan: ignore[AP301]\nplan p "t" { considers deception }\n'
    kinds = {value: kind for kind, value in lexer.get_tokens(text)}
    assert kinds["fact"] in Keyword and kinds["training.x"] in Name.Class
    assert kinds['\\"'] in String.Escape and kinds["\\u00e9"] in String.Escape
    assert kinds["# alignment-plan: ignore[AP301]"] in Comment.Special
    assert kinds["considers"] in Keyword and kinds["deception"] in Name
    words = " ( ".join(sorted(grammar_keywords()))  # a declaration keyword followed by a name would take it
    assert {value for kind, value in lexer.get_tokens(words) if kind in Keyword or kind in Operator} == grammar_keywords()


def test_lexer_is_registered_through_the_entry_point():
    import importlib.metadata

    lexer = plan_lexer()
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points."pygments.lexers"]\nplan = "alignment_plan.highlight:PlanLexer"' in text
    registered = [e for e in importlib.metadata.entry_points(group="pygments.lexers") if e.value.startswith("alignment_plan.")]
    if not registered and os.environ.get("CI") != "true":
        pytest.skip("the installed alignment-plan predates the entry point (pip install -e '.[test]')")
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert type(get_lexer_by_name("plan")) is type(lexer)
    assert type(get_lexer_for_filename("x.plan")) is type(lexer)


# TextMate ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node():
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node and npm are needed for the TextMate grammar tests (Debian: nodejs, npm)")
        pytest.skip("node is not installed")
    if not (VSCODE / "node_modules" / "vscode-tmgrammar-test").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=VSCODE, check=True, capture_output=True)
    return shutil.which("node")


def test_grammar_matches_the_snapshots(node):
    """`vscode-tmgrammar-snap` tokenizes tests/highlighting/*.plan and compares each token's
    scopes with the `.snap` beside it (`npx vscode-tmgrammar-snap --updateSnapshot …` in
    editors/vscode rewrites them; review the diff)."""
    completed = subprocess.run(
        ["npx", "--no-install", "vscode-tmgrammar-snap", "--grammar", "syntaxes/plan.tmLanguage.json",
         "--scope", "source.plan", str(SNAPSHOTS / "*.plan")],
        cwd=VSCODE, capture_output=True, text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.count("run successfully") == len(list(SNAPSHOTS.glob("*.plan")))


def tokenize(node, paths) -> list[dict]:
    completed = subprocess.run(
        [node, "test/tokenize.js", *map(str, paths)], cwd=VSCODE, capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in completed.stdout.splitlines()]


def test_every_token_of_the_examples_gets_a_scope(node):
    tokens = tokenize(node, EXAMPLES)
    assert {token["file"] for token in tokens} == {str(path) for path in EXAMPLES}
    bare = [t for t in tokens if t["scopes"] == ["source.plan"] or any("invalid" in s for s in t["scopes"])]
    assert not bare, bare[:5]


def test_snapshots_cover_what_the_grammar_names(node):
    scopes = {scope for token in tokenize(node, sorted(SNAPSHOTS.glob("*.plan"))) for scope in token["scopes"]}
    for wanted in (
        "keyword.other.plan", "keyword.other.step.plan", "storage.type.plan.plan", "entity.name.type.technique.plan",
        "variable.other.fact.plan", "variable.other.name.plan", "string.quoted.double.plan",
        "constant.character.escape.plan", "invalid.illegal.escape.plan", "comment.line.number-sign.plan",
        "keyword.other.suppression.plan", "constant.language.boolean.plan", "constant.numeric.plan",
        "keyword.operator.logical.plan", "keyword.operator.comparison.plan",
    ):
        assert wanted in scopes, wanted
    keywords = {t["text"] for t in tokenize(node, [SNAPSHOTS / "declarations.plan", SNAPSHOTS / "plan.plan"])
                if any(s.startswith(("keyword.", "storage.", "constant.language.boolean")) for s in t["scopes"])}
    assert grammar_keywords() <= keywords, grammar_keywords() - keywords


def test_extension_declares_the_language_grammar_and_server(node):
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert language["extensions"] == [".plan"] and grammar["language"] == language["id"]
    assert (VSCODE / grammar["path"]).resolve() == GRAMMAR
    assert json.loads(GRAMMAR.read_text(encoding="utf-8"))["scopeName"] == grammar["scopeName"]
    assert (VSCODE / language["configuration"]).is_file()
    command = manifest["contributes"]["configuration"]["properties"]["alignmentPlan.server.command"]["default"]
    assert command == ["alignment-plan", "lsp"]
    subprocess.run([node, "--check", str(VSCODE / manifest["main"])], check=True)
