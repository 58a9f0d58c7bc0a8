"""The pipeline runs one direction: each stage imports only the stages before it."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT

PACKAGE = ROOT / "alignment_plan"

# The layers, lowest first. A module may import its own package and the packages its
# layer lists; everything in `alignment_plan` must belong to one of them.
BASE = ("alignment_plan.diagnostics", "alignment_plan.vocabulary", "alignment_plan.paths", "alignment_plan.text", "alignment_plan.runtime")
ALLOWED = {
    "alignment_plan.runtime": (),
    "alignment_plan.diagnostics": (),
    "alignment_plan.vocabulary": (),
    "alignment_plan.paths": (),
    "alignment_plan.text": (),
    "alignment_plan.syntax": BASE,
    # The workspace parses the files it loads; the rest of analysis reads nodes.
    "alignment_plan.analysis": (*BASE, "alignment_plan.syntax"),
    "alignment_plan.rules": (*BASE, "alignment_plan.syntax.nodes", "alignment_plan.analysis"),
    "alignment_plan.results": BASE,
    "alignment_plan.checker": (
        *BASE, "alignment_plan.syntax", "alignment_plan.analysis", "alignment_plan.rules", "alignment_plan.results"
    ),
    # Reporters receive a result object and format it.
    "alignment_plan.reporters": (*BASE, "alignment_plan.results"),
    "alignment_plan.project": (
        *BASE, "alignment_plan.syntax.nodes", "alignment_plan.analysis.workspace", "alignment_plan.analysis.resolver", "alignment_plan.rules",
        "alignment_plan.checker", "alignment_plan.results",
    ),
    "alignment_plan.commands": (
        *BASE, "alignment_plan.syntax.nodes", "alignment_plan.syntax.formatter", "alignment_plan.analysis", "alignment_plan.rules",
        "alignment_plan.checker", "alignment_plan.results", "alignment_plan.reporters", "alignment_plan.project",
        "alignment_plan.lsp",
    ),
    # The language server sits beside the commands: it opens the project and runs the checker.
    "alignment_plan.lsp": (
        *BASE, "alignment_plan.syntax.nodes", "alignment_plan.syntax.formatter", "alignment_plan.analysis", "alignment_plan.rules",
        "alignment_plan.checker", "alignment_plan.results", "alignment_plan.project",
    ),
    # The Pygments lexer: text to tokens, beside the pipeline.
    "alignment_plan.highlight": BASE,
    "alignment_plan.cli": (*BASE, "alignment_plan.commands"),
    "alignment_plan.__main__": ("alignment_plan.cli",),
    "alignment_plan": (),
}
# Inside a package, the order of its modules: each may import only those before it.
INTERNAL_ORDER = {
    "alignment_plan.syntax": ("nodes", "transformer", "tables", "parser", "formatter"),
    "alignment_plan.analysis": ("logic", "workspace", "resolver", "verdicts", "semantics", "scenarios", "explain"),
    "alignment_plan.analysis.scenarios": ("stories", "tables", "labels"),
}
LARK_MODULES = ("alignment_plan.syntax.parser", "alignment_plan.syntax.tables", "alignment_plan.syntax.transformer")


def layer_of(name: str) -> str:
    matches = [layer for layer in ALLOWED if name == layer or name.startswith(layer + ".")]
    assert matches, f"{name} belongs to no layer; add it to ALLOWED in tests/test_layering.py"
    return max(matches, key=len)


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


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def allowed(name: str, prefixes) -> bool:
    """`name` is inside an allowed module, or is the package of one (`from pkg import module`)."""
    return within(name, prefixes) or any(p.startswith(name + ".") for p in prefixes)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_import_direction(path):
    name = module_name(path)
    imported = imports_of(path)
    if any(i == "lark" or i.startswith("lark.") for i in imported):
        assert name in LARK_MODULES, f"{name} imports lark; only {LARK_MODULES} may"
    layer = layer_of(name)
    internal = {i for i in imported if i.startswith("alignment_plan.") and i != "alignment_plan.__version__"}
    bad = sorted(i for i in internal if not allowed(i, (layer, *ALLOWED[layer])))
    assert not bad, f"{name} (layer {layer}) imports {bad}"
    for package, order in INTERNAL_ORDER.items():
        child = name[len(package) + 1:].split(".")[0] if name.startswith(package + ".") else None
        if child in order:
            rank = order.index(child)
            later = sorted(i for i in internal if within(i, tuple(f"{package}.{m}" for m in order[rank + 1:])))
            assert not later, f"{name} imports {later}, which come after it in {package}"


def test_the_layering_test_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from alignment_plan.checker.check import check_paths\nimport lark\n")
    assert {"alignment_plan.checker.check", "lark"} <= imports_of(bad)


def test_command_line_starts_without_loading_the_pipeline():
    code = "import sys; from alignment_plan.cli import build_parser; build_parser(); print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'jsonschema', 'pygls', 'lsprotocol', 'pygments') or m in ('alignment_plan.checker.check', 'alignment_plan.analysis.semantics')))"
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]", completed.stdout


# Modules a start-up must not load, by what needs them: lark and the syntax nodes (parsing),
# the analysis (checking), the conversion to results. Which modules load is asserted here;
# how long start-up takes is only measured (`bench/bench_speed.py`), never asserted.
PIPELINE = ("alignment_plan.syntax.nodes", "alignment_plan.analysis.resolver", "alignment_plan.analysis.semantics", "alignment_plan.checker.convert")


def _loaded_by(argv: list[str], cwd, env: dict) -> list[str]:
    code = (
        "import sys; from alignment_plan.cli import main; main(sys.argv[1:]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lark' or m in %r), file=sys.stderr)" % (PIPELINE,)
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode in (0, 1), completed.stderr
    return eval(completed.stderr.strip().splitlines()[-1])  # the list printed above


def test_rule_and_a_run_served_from_the_result_cache_load_no_parser_and_no_analysis(tmp_path):
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.alignment-plan]\n")
    (project / "a.plan").write_text('use std\n\nplan p "a plan" {\n  considers deception\n}\n')
    check = ["check", "--format", "json", "a.plan"]
    assert "alignment_plan.syntax.nodes" in _loaded_by(check, project, env)  # the first run checks
    assert _loaded_by(check, project, env) == []  # the second is served from the cache
    assert _loaded_by(["rule", "AP301"], project, env) == []


def test_a_check_reads_the_files_the_package_ships_without_importlib_resources(tmp_path):
    """`std` and the grammar are read from the package's directory: importing
    `importlib.resources` (and `zipfile`) would cost every check 1–2 ms. Run without `site` (`-S`),
    whose `.pth` files may import it first; lark's and attrs' folders go on the path."""
    import os

    import attrs
    import lark

    folders = {str(ROOT)} | {os.path.dirname(os.path.dirname(module.__file__)) for module in (lark, attrs)}
    (tmp_path / "pyproject.toml").write_text("[tool.alignment-plan]\n")
    (tmp_path / "a.plan").write_text('use std\n\nplan p "a plan" {\n  considers deception\n}\n')
    code = (
        "import sys; from alignment_plan.cli import main\n"
        "try: main(sys.argv[1:])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('importlib.resources', 'alignment_plan.syntax.parser'))), file=sys.stderr)"
    )
    completed = subprocess.run(
        [sys.executable, "-S", "-c", code, "check", "--no-cache", "--format", "json", "a.plan"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.pathsep.join(sorted(folders))},
        capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode in (0, 1), completed.stderr
    assert '"failure_modes"' in completed.stdout  # it did check the plan, with std
    assert completed.stderr.strip().splitlines()[-1] == "['alignment_plan.syntax.parser']", completed.stderr


def test_a_shipped_file_is_read_through_importlib_resources_where_the_package_is_no_folder(monkeypatch, tmp_path):
    from alignment_plan import paths

    on_disk = paths.package_text("catalog/std.plan")
    monkeypatch.setattr(paths, "PACKAGE", tmp_path / "not-there")  # as inside a zip archive
    assert paths.packaged("catalog/std.plan") is None
    assert paths.package_text("catalog/std.plan") == on_disk
