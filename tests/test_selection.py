"""What a change touches: files named on the command line (as pre-commit passes them) are
checked together with every plan that imports one of them, directly or through another
catalog, so a change to a shared catalog cannot break a plan unseen."""

from __future__ import annotations



from alignment_plan.cli import main




def checked(capsys) -> str:
    return capsys.readouterr().out.splitlines()[-1]


def files_in_sarif(capsys) -> set[str]:
    import json

    document = json.loads(capsys.readouterr().out)
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}


def test_a_changed_catalog_brings_in_the_plans_that_import_it(project, capsys):
    assert main(["check", "--format", "concise", "catalog/team.plan"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("checked 2 files")
    assert "plans/assistant.plan" in out and "legacy/old.plan" not in out


def test_no_dependents_checks_only_the_named_files(project, capsys):
    assert main(["check", "--format", "concise", "--no-dependents", "catalog/team.plan"]) == 0
    assert checked(capsys).startswith("checked 1 file:")


def test_breaking_a_catalog_is_reported_in_the_plan_that_uses_it(project, capsys):
    team = project / "catalog" / "team.plan"
    team.write_text(team.read_text(encoding="utf-8").replace("reviewer_capture", "reviewer_capitulation"), encoding="utf-8")
    assert main(["check", "--format", "sarif", "catalog/team.plan"]) == 1
    assert files_in_sarif(capsys) == {"plans/assistant.plan"}  # the catalog itself is fine


def test_imports_are_followed_transitively(project, capsys):
    (project / "catalog" / "base.plan").write_text(
        'use std\nfailure_mode drift "Slow drift" {\n    deployment.novel = true\n    deployment.bad_action = true\n}\n',
        encoding="utf-8",
    )
    team = project / "catalog" / "team.plan"
    team.write_text(team.read_text(encoding="utf-8").replace("use std\n", 'use std\nuse "base.plan"\n'), encoding="utf-8")
    assert main(["check", "--format", "concise", "catalog/base.plan"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("checked 3 files")
    assert "plans/assistant.plan" in out


def test_the_search_stays_within_the_configured_paths_and_exclusions(project, capsys):
    (project / "legacy" / "fork.plan").write_text(
        (project / "plans" / "assistant.plan").read_text(encoding="utf-8").replace("plan assistant", "plan fork"),
        encoding="utf-8",
    )
    # legacy/fork.plan imports ../catalog/team.plan too
    assert main(["check", "--format", "concise", "catalog/team.plan"]) == 0
    assert checked(capsys).startswith("checked 3 files")
    (project / "pyproject.toml").write_text('[tool.alignment-plan]\npaths = ["plans"]\n', encoding="utf-8")
    assert main(["check", "--format", "concise", "catalog/team.plan"]) == 0
    assert checked(capsys).startswith("checked 2 files")
    (project / "pyproject.toml").write_text('[tool.alignment-plan]\nexclude = ["legacy"]\n', encoding="utf-8")
    assert main(["check", "--format", "concise", "catalog/team.plan"]) == 0
    assert checked(capsys).startswith("checked 2 files")


def test_a_plan_nobody_imports_is_checked_alone(project, capsys):
    assert main(["check", "--format", "concise", "plans/standalone.plan"]) == 0
    assert checked(capsys).startswith("checked 1 file:")


def test_directories_do_not_pull_in_anything_more(project, capsys):
    assert main(["check", "--format", "concise", "catalog"]) == 0
    assert checked(capsys).startswith("checked 1 file:")
