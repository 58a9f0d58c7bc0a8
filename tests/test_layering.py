"""The pipeline runs one direction: each stage imports only the stages before it."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT

PACKAGE = ROOT / "alignment_plan"

# stage -> modules it must never import (prefixes, dotted)
FORBIDDEN = {
    "alignment_plan.syntax": ("alignment_plan.resolver", "alignment_plan.semantics", "alignment_plan.rules",
                              "alignment_plan.checker", "alignment_plan.reporters", "alignment_plan.commands"),
    "alignment_plan.resolver": ("alignment_plan.semantics", "alignment_plan.rules", "alignment_plan.checker",
                                "alignment_plan.reporters", "alignment_plan.commands"),
    "alignment_plan.logic": ("alignment_plan.resolver", "alignment_plan.rules", "alignment_plan.checker",
                             "alignment_plan.reporters", "alignment_plan.commands", "alignment_plan.syntax"),
    "alignment_plan.semantics": ("alignment_plan.rules", "alignment_plan.checker", "alignment_plan.reporters",
                                 "alignment_plan.commands"),
    "alignment_plan.classification": ("alignment_plan.rules", "alignment_plan.checker", "alignment_plan.reporters",
                                      "alignment_plan.commands"),
    "alignment_plan.rules": ("alignment_plan.checker", "alignment_plan.reporters", "alignment_plan.commands"),
    "alignment_plan.checker": ("alignment_plan.reporters", "alignment_plan.commands", "alignment_plan.cli"),
    "alignment_plan.result": ("alignment_plan.checker", "alignment_plan.reporters", "alignment_plan.rules",
                              "alignment_plan.semantics", "alignment_plan.syntax", "alignment_plan.resolver"),
}
# Reporters receive a result object; they may import only these.
REPORTER_ALLOWED = ("alignment_plan.result", "alignment_plan.diagnostics", "alignment_plan.reporters")


def module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_import_direction(path):
    name = module_name(path)
    imported = imports_of(path)
    if any(i == "lark" or i.startswith("lark.") for i in imported):
        assert name.startswith("alignment_plan.syntax"), f"{name} imports lark; only the syntax stage may"
    for stage, forbidden in FORBIDDEN.items():
        if name == stage or name.startswith(stage + "."):
            bad = sorted(i for i in imported if any(i == f or i.startswith(f + ".") for f in forbidden))
            assert not bad, f"{name} imports {bad}"
    if name.startswith("alignment_plan.reporters"):
        internal = {i for i in imported if i.startswith("alignment_plan")}
        bad = sorted(
            i for i in internal
            if i != "alignment_plan" and i != "alignment_plan.__version__"
            and not any(i == a or i.startswith(a + ".") for a in REPORTER_ALLOWED)
        )
        assert not bad, f"reporter {name} imports {bad}"


def test_the_layering_test_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from alignment_plan.checker import check_paths\nimport lark\n")
    assert {"alignment_plan.checker", "lark"} <= imports_of(bad)


def test_command_line_starts_without_loading_the_pipeline():
    code = "import sys; from alignment_plan.cli import build_parser; build_parser(); print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'jsonschema') or m in ('alignment_plan.checker', 'alignment_plan.semantics')))"
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]", completed.stdout
