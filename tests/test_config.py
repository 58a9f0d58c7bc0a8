"""Configuration: `[tool.alignment-plan]` found by walking up from the working directory,
command-line flags over it, clear errors (exit 2) for anything unknown, and the `config`
command that says where each value came from."""

from __future__ import annotations

import json
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment_plan.cli import main
from alignment_plan.project.settings import ConfigError, load_settings, matches_any




def configure(root, body: str, name: str = "pyproject.toml") -> None:
    (root / name).write_text(textwrap.dedent(body), encoding="utf-8")


def concise(capsys) -> list[str]:
    return [line.split(": ", 1)[1].split()[1] + "@" + line.split(":")[0] for line in capsys.readouterr().out.splitlines()[:-1]]


def test_defaults_without_a_configuration(project):
    settings = load_settings(project)
    assert settings.config_file is None
    assert settings.format == "text" and settings.min_status == "prototype"
    assert set(settings.sources.values()) == {"default"}


def test_found_by_walking_up_past_a_pyproject_without_the_table(project, monkeypatch):
    configure(project, """
        [tool.alignment-plan]
        ignore = ["low-stakes"]
    """)
    (project / "plans" / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    settings = load_settings(project / "plans")
    assert settings.config_file == project / "pyproject.toml"
    assert settings.ignore == ("low-stakes",)
    assert settings.sources["ignore"] == "../pyproject.toml [tool.alignment-plan]"
    assert settings.base == project


def test_configuration_applies_to_check(project, capsys):
    configure(project, """
        [tool.alignment-plan]
        paths = ["plans", "legacy"]
        exclude = ["legacy"]
        severity = { uncovered-failure-mode = "error" }
    """)
    assert main(["check", "--format", "concise"]) == 1
    assert concise(capsys) == ["AP301@plans/assistant.plan"]


def test_command_line_overrides_the_configuration(project, capsys):
    configure(project, """
        [tool.alignment-plan]
        select = ["AP308"]
        severity = { AP308 = "error" }
    """)
    assert main(["check", "--format", "concise", "."]) == 1
    assert concise(capsys) == ["AP308@legacy/old.plan"]
    assert main(["check", "--format", "concise", "--select", "AP3", "--severity", "AP308=info", "."]) == 0
    assert concise(capsys) == ["AP308@legacy/old.plan", "AP301@legacy/old.plan", "AP301@plans/assistant.plan"]
    settings = load_settings(project, {"select": ("AP3",)})
    assert settings.sources["select"] == "command line"
    assert settings.sources["severity"] == "pyproject.toml [tool.alignment-plan]"


def test_ignore_wins_over_select_and_selectors_take_names_and_prefixes(project, capsys):
    assert main(["check", "--format", "concise", "--select", "AP30,low-stakes", "--ignore", "uncovered-failure-mode", "."]) == 0
    assert concise(capsys) == ["AP308@legacy/old.plan"]


def test_per_file_ignores(project, capsys):
    configure(project, """
        [tool.alignment-plan]
        per-file-ignores = { "legacy/*" = ["AP301"], "old.plan" = ["AP308"] }
    """)
    assert main(["check", "--format", "concise", "."]) == 0
    assert concise(capsys) == ["AP301@plans/assistant.plan"]
    # the command line replaces the table
    assert main(["check", "--format", "concise", "--per-file-ignores", "plans/*:AP301", "."]) == 0
    assert concise(capsys) == ["AP308@legacy/old.plan", "AP301@legacy/old.plan"]


def test_min_status_and_coverage_gate_from_the_configuration(project, capsys):
    configure(project, """
        [tool.alignment-plan]
        paths = ["plans"]
        fail-under = 90
        fail-under-step = { find_and_fix = 100 }
    """)
    assert main(["check", "--format", "concise"]) == 1
    err = capsys.readouterr().err
    assert "total coverage 80.0% is below the required 90%; uncovered: assistant/distribution_shift" in err
    assert "coverage of `find_and_fix`" in err and "assistant/distribution_shift" in err
    assert main(["check", "--format", "concise", "--fail-under", "80", "--fail-under-step", "find_and_fix=50"]) == 0
    assert main(["check", "--format", "concise", "--exit-zero"]) == 0
    capsys.readouterr()
    configure(project, """
        [tool.alignment-plan]
        paths = ["plans"]
        min-status = "deployed"
        fail-under = 1
    """)
    assert main(["check", "--format", "concise"]) == 1
    assert "total coverage 0.0% is below the required 1%" in capsys.readouterr().err


def test_format_precedence_environment_configuration_command_line(project, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    settings = load_settings(project)
    assert (settings.format, settings.sources["format"]) == ("github", "environment (GITHUB_ACTIONS=true)")
    configure(project, '[tool.alignment-plan]\nformat = "concise"\n')
    assert load_settings(project).format == "concise"
    assert load_settings(project, {"format": "sarif"}).format == "sarif"
    assert load_settings(project, isolated=True).format == "github"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('selct = ["AP301"]', "unknown key `selct`; did you mean `select`?"),
        ('select = ["AP999"]', "`select`: unknown rule `AP999`"),
        ('ignore = ["uncovered-failure-mod"]', "did you mean `uncovered-failure-mode`?"),
        ('per-file-ignores = { "x/*" = ["AP3O1"] }', "`per-file-ignores` for `x/*`: unknown rule `AP3O1`"),
        ('severity = { AP301 = "fatal" }', "severity of `AP301` must be one of error, warning, info, not `fatal`"),
        ('severity = { AP777 = "error" }', "`severity`: unknown rule `AP777`"),
        ("fail-under = 120", "`fail-under` must be a number from 0 to 100"),
        ("fail-under-step = { operationalise = 50 }", "names unknown step `operationalise`"),
        ('min-status = "shipped"', "`min-status` must be one of research, prototype, deployed, validated"),
        ('format = "xml"', "`format` must be one of"),
        ("exclude = 3", "`exclude` must be a list of strings"),
        ('force-exclude = "yes"', "`force-exclude` must be true or false"),
        ("select = [", "is not valid TOML"),
    ],
)
def test_configuration_errors_exit_2_with_one_clear_line(project, capsys, body, expected):
    configure(project, "[tool.alignment-plan]\n" + body + "\n")
    assert main(["check", "."]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("alignment-plan: error: ") and err.count("\n") == 1, err
    assert expected in err
    assert main(["config"]) == 2
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--select", "AP999"], "command line: `select`: unknown rule `AP999`"),
        (["--severity", "AP301"], "`AP301` is not CODE=LEVEL"),
        (["--fail-under-step", "find_and_fix=lots"], "STEP=N"),
        (["--fail-under", "101"], "`fail-under` must be a number from 0 to 100"),
        (["--config", "missing.toml"], "configuration file `missing.toml` does not exist"),
    ],
)
def test_bad_flags_exit_2(project, capsys, flags, expected):
    assert main(["check", *flags, "."]) == 2
    assert expected in capsys.readouterr().err


def test_explicit_config_file_and_isolated(project, capsys):
    configure(project, '[tool.alignment-plan]\nselect = ["AP308"]\n', name="lint.toml")
    assert main(["check", "--format", "concise", "--config", "lint.toml", "."]) == 0
    assert concise(capsys) == ["AP308@legacy/old.plan"]
    configure(project, '[tool.alignment-plan]\nselect = ["AP308"]\n')
    assert main(["check", "--format", "concise", "--isolated", "."]) == 0
    assert len(concise(capsys)) == 3


def test_config_command_prints_values_and_sources(project, capsys, monkeypatch):
    configure(project, """
        [tool.alignment-plan]
        ignore = ["AP308"]
        fail-under = 75
    """)
    assert main(["config", "--select", "AP3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "# configuration file: " + (project / "pyproject.toml").as_posix()
    table = {line.split(" = ")[0].strip(): line.split(" = ", 1)[1] for line in lines[1:]}
    assert table["ignore"] == '["AP308"]  # pyproject.toml [tool.alignment-plan]'
    assert table["fail-under"] == "75.0  # pyproject.toml [tool.alignment-plan]"
    assert table["select"] == '["AP3"]  # command line'
    assert table["min-status"] == '"prototype"  # default'
    assert table["baseline"] == "(not set)  # default"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["config", "--output-format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["values"]["format"] == "github"
    assert document["sources"]["format"] == "environment (GITHUB_ACTIONS=true)"


def test_force_exclude_applies_to_named_files(project, capsys):
    configure(project, '[tool.alignment-plan]\nexclude = ["legacy/"]\n')
    assert main(["check", "--format", "concise", "legacy/old.plan"]) == 0
    assert len(concise(capsys)) == 2  # named explicitly: checked
    assert main(["check", "--format", "concise", "--force-exclude", "legacy/old.plan"]) == 0
    assert concise(capsys) == []


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("legacy/old.plan", ["legacy"], True),
        ("legacy/old.plan", ["legacy/"], True),
        ("a/legacy/old.plan", ["legacy"], True),
        ("a/legacy/old.plan", ["legacy/*"], False),
        ("plans/x.plan", ["*.plan"], True),
        ("plans/x.plan", ["plans/*.plan"], True),
        ("plans/sub/x.plan", ["plans/*.plan"], True),
        ("plans/x.plan", ["./plans"], True),
        ("plans/x.plan", ["legacy", "other"], False),
    ],
)
def test_exclude_patterns(path, patterns, expected):
    assert matches_any(path, patterns) is expected


def _matches_any_by_the_definition(relative: str, patterns, depth=None) -> bool:
    """`matches_any` as written first: every candidate directory, every pattern."""
    import fnmatch
    from pathlib import PurePosixPath

    path = PurePosixPath(relative)
    candidates = [path, *[p for p in path.parents if str(p) != "."]]
    if depth is not None:
        candidates = candidates[:depth]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            if any(fnmatch.fnmatchcase(str(c), pattern.removeprefix("./")) for c in candidates):
                return True
        elif any(fnmatch.fnmatchcase(c.name, pattern) for c in candidates):
            return True
    return False


_COMPONENT = st.sampled_from(["a", "b", "legacy", ".git", "x.plan", "y.plan", "node_modules", ".", ""])
_PATTERN = st.sampled_from(
    ["a", "b", "legacy", "legacy/", "./legacy", "*.plan", "a/*", "a/b", "*/b", "a/*.plan", ".*", "?", "[ab]", "**", "/a"]
)


@settings(max_examples=400, deadline=None)
@given(
    absolute=st.booleans(),
    components=st.lists(_COMPONENT, min_size=1, max_size=5),
    patterns=st.lists(_PATTERN, max_size=3),
    depth=st.one_of(st.none(), st.integers(min_value=0, max_value=6)),  # a count of components
)
def test_exclude_patterns_match_as_defined(absolute, components, patterns, depth):
    relative = ("/" if absolute else "") + "/".join(components)
    assert matches_any(relative, patterns, depth) is _matches_any_by_the_definition(relative, patterns, depth)


def test_load_settings_raises_config_error_for_unknown_keys(project):
    configure(project, "[tool.alignment-plan]\nnope = 1\n")
    with pytest.raises(ConfigError, match="unknown key `nope`"):
        load_settings(project)


def test_gate_names_the_file_when_two_plans_share_a_name(project, capsys):
    copy = project / "plans" / "copy.plan"
    copy.write_text((project / "plans" / "assistant.plan").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", "--format", "concise", "--fail-under", "90", "plans"]) == 1
    err = capsys.readouterr().err
    assert "uncovered: plans/assistant.plan:assistant/distribution_shift, plans/copy.plan:assistant/distribution_shift" in err


def test_relative_paths_as_defined(tmp_path):
    """`relative_posix` takes a shortcut for paths inside the root; every case gives what the
    definition (pathlib's `relative_to`, the link shown where it is) gives."""
    import os
    from pathlib import Path

    from alignment_plan.paths import relative_posix, resolved

    def by_the_definition(path: Path, root: Path) -> str:
        target = resolved(path)
        for candidate in (target, Path(os.path.abspath(path))):
            if candidate.is_relative_to(root):
                return candidate.relative_to(root).as_posix()
        return target.as_posix()

    root = (tmp_path / "root").resolve()
    (root / "plans" / "sub").mkdir(parents=True)
    (root / "plans" / "a.plan").write_text("")
    (tmp_path / "rootx").mkdir()  # shares the root's name as a prefix
    (tmp_path / "outside.plan").write_text("")
    (root / "link.plan").symlink_to(tmp_path / "outside.plan")
    (root / "linked").symlink_to(root / "plans")
    cases = [
        root, root / "plans", root / "plans" / "a.plan", root / "plans" / "sub" / "missing.plan",
        root / "plans" / ".." / "plans" / "a.plan", root / "link.plan", root / "linked" / "a.plan",
        tmp_path / "rootx" / "a.plan", tmp_path / "outside.plan", tmp_path, Path("/"),
    ]
    for path in cases:
        assert relative_posix(path, root) == by_the_definition(path, root), path
    assert relative_posix(Path("/"), Path("/")) == by_the_definition(Path("/"), Path("/"))
