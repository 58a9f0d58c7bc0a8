"""The benchmark in `bench/` cannot rot: its generated plans check cleanly and its TOML says the same.

No timing is asserted here; the benchmark's figures live in its own output.
"""

from __future__ import annotations

import json
import sys

import bench_check
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_generator import generate_plans, render_plan_file, write_inputs

from alignment_plan.diagnostics import Severity
from conftest import ROOT, check_paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # a dependency of alignment-plan below 3.11
    import tomli as tomllib


def _toml_plans(paths) -> list[dict]:
    plans = []
    for path in paths:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        assert document["use"] == ["std"]
        plans += document["plan"]
    return plans


def _compare(result, toml_plans, size: int) -> None:
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert not errors, [f"{d.span.line}: {d.code} {d.message}" for d in errors]
    assert not result.file_errors
    assert len(result.plans) == len(toml_plans) == size
    by_name = {plan["name"]: plan for plan in toml_plans}
    for plan in result.plans:
        written = by_name[plan.name]
        assert plan.title == written["title"]
        assert dict(plan.bindings) == written["operationalize"]["bindings"]
        checked = sorted((t.step, t.name, t.status, t.addresses, t.fixes, t.evidence) for t in plan.techniques)
        expected = sorted(
            (step, t["name"], t["status"], tuple(t["addresses"]), tuple(t.get("fixes", ())), tuple(t.get("evidence", ())))
            for step in ("feedback_process", "find_and_fix")
            for t in written[step]["technique"]
        )
        assert checked == expected
        assert {fm.name for fm in plan.failure_modes} == set(written["considers"])
        for step in ("feedback_process", "find_and_fix"):
            assert 2 <= len(written[step]["technique"]) <= 4


def test_single_file_checks_cleanly_and_matches_toml(tmp_path):
    inputs = write_inputs(tmp_path, 6, "single")
    result = check_paths([inputs.plan_path], root=inputs.project)
    toml_plans = _toml_plans([inputs.toml_path])
    _compare(result, toml_plans, 6)
    assert sum(len(p.techniques) for p in result.plans) == inputs.techniques
    assert sum(len(p["feedback_process"]["technique"]) + len(p["find_and_fix"]["technique"]) for p in toml_plans) == inputs.techniques
    assert any(p["operationalize"].get("assume") for p in toml_plans), "the generator should state assumptions"


def test_many_files_check_cleanly_and_match_toml(tmp_path):
    inputs = write_inputs(tmp_path, 4, "many")
    result = check_paths([inputs.plan_path], root=inputs.project)
    assert len(result.files) == 4
    _compare(result, _toml_plans(sorted(inputs.toml_path.glob("*.toml"))), 4)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), size=st.integers(min_value=1, max_value=4))
def test_every_seed_gives_clean_plans_that_match_the_toml(tmp_path_factory, seed, size):
    inputs = write_inputs(tmp_path_factory.mktemp("seed"), size, "single", seed)
    result = check_paths([inputs.plan_path], root=inputs.project)
    _compare(result, _toml_plans([inputs.toml_path]), size)


def test_generation_is_deterministic_and_varied():
    first = render_plan_file(generate_plans(5))
    assert first == render_plan_file(generate_plans(5))
    assert first != render_plan_file(generate_plans(5, seed=1))
    plans = generate_plans(20)
    assert len({p.considers for p in plans}) > 1
    assert len({p.bindings for p in plans}) > 1


def test_benchmark_runs_end_to_end(tmp_path):
    assert bench_check.main(["--sizes", "1,2", "--repeat", "1", "--many-max", "1", "--out", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert [(r["variant"], r["size"]) for r in document["rows"]] == [("single", 1), ("single", 2), ("many", 1)]
    for row in document["rows"]:
        assert set(row["process"]["check"]["exit_codes"]) <= {0, 1}
        assert row["process"]["check"]["stdout_bytes"] > 0
    assert [(g["variant"], g["from"], g["to"]) for g in document["growth"]] == [("single", 1, 2)]


def test_bad_sizes_are_a_usage_error():
    with pytest.raises(SystemExit) as raised:
        bench_check.main(["--sizes", "ten"])
    assert raised.value.code == 2


def test_language_server_benchmark_runs(tmp_path):
    """`bench_lsp.py` still drives the server to the end (its figures are not asserted)."""
    import os
    import subprocess

    if os.environ.get("CI") != "true":
        pytest.importorskip("pygls")
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_lsp.py"), "--repeat", "2", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    results = json.loads((tmp_path / "lsp.json").read_text(encoding="utf-8"))
    assert len(results["recheck_wall_after_debounce_s"]) == 2 and len(results["hover_s"]) == 2
