"""Project layer: the one entry point every command uses.

`Project.open(cwd, overrides)` finds the project root and its configuration by one rule
(`settings.find_project`) and validates it; `project.run(paths)` selects the files as
`check` does, checks them with options built from the settings, takes out what the
baseline records and applies the coverage gate. `check`, `report`, `classify` and `catalog`
therefore read the same configuration and the same files, and turn results into exit
codes the same way. Problems the user must fix raise `ProjectError` (exit code 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from alignment_plan.analysis.resolver import Workspace
from alignment_plan.checker.check import CheckOptions, check_files
from alignment_plan.project import baseline as baselines
from alignment_plan.project.discovery import collect_files, importers
from alignment_plan.project.gate import GateFailure, coverage_gate
from alignment_plan.project.settings import ConfigError, Settings, enabled_codes, load_settings, severities
from alignment_plan.results.model import CheckResult


class ProjectError(Exception):
    """A run that cannot start or finish as asked; the message is one line for the user."""


@attrs.frozen
class Run:
    """What one run of the checker over the project gave."""

    result: CheckResult  # with the baseline's findings taken out
    gate: tuple[GateFailure, ...]  # the coverage thresholds missed
    notes: tuple[str, ...] = ()  # for standard error: baseline written, findings fixed since
    inputs: tuple[Path, ...] = ()  # every file the run read: plans, imports, configuration, baseline


@attrs.frozen
class Project:
    settings: Settings
    enabled: frozenset[str]
    severities: Mapping[str, Any]

    @classmethod
    def open(
        cls,
        cwd: Path,
        overrides: Mapping[str, Any] | None = None,
        *,
        config_file: Path | None = None,
        isolated: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Project:
        """The project seen from `cwd`, its configuration overridden by the command line;
        raises `ProjectError` for a configuration that cannot be applied."""
        try:
            settings = load_settings(cwd, overrides, config_file=config_file, isolated=isolated, environ=environ)
            return cls(settings=settings, enabled=enabled_codes(settings), severities=severities(settings))
        except ConfigError as error:
            raise ProjectError(str(error)) from None

    @property
    def root(self) -> Path:
        return self.settings.root

    def workspace(self) -> Workspace:
        return Workspace(self.root)

    def roots(self, paths: Sequence[Path] = ()) -> list[Path]:
        """What to search: the paths named, else the configured `paths`, else the current directory."""
        configured = [self.settings.base / p for p in self.settings.paths]
        chosen = list(paths) or configured or [Path(".")]
        missing = [str(p) for p in chosen if not p.exists()]
        if missing:
            raise ProjectError("no such file or directory: " + ", ".join(f"`{m}`" for m in missing))
        if self.settings.force_exclude:
            chosen = [p for p in chosen if not self.settings.excluded(p)]
        return chosen

    def select(
        self, paths: Sequence[Path], workspace: Workspace, *, named: bool = True, dependents: bool = True
    ) -> list[Path]:
        """The plan files a run reads (see `discovery`). A directory the user `named` is searched
        even when excluded, as ruff does; configured `paths` never escape `exclude`."""
        if named:
            files = collect_files(paths, self.settings.excluded)
        else:
            files = collect_files(paths, lambda path, within: self.settings.excluded(path))
        named = [path for path in paths if not path.is_dir()]
        if dependents and named:
            configured = [self.settings.base / p for p in self.settings.paths]
            under = [p for p in configured if p.is_dir()] or [self.root]
            files = collect_files(files + importers(workspace, named, under, self.settings.excluded))
        return files

    def options(self, files: Sequence[Path], workspace: Workspace) -> CheckOptions:
        ignores = {}
        for path in files:
            codes = self.settings.ignored_in(path)
            if codes:
                ignores[workspace.display(path)] = codes
        return CheckOptions(
            threshold=self.settings.min_status,
            enabled=self.enabled,
            severities=self.severities,
            file_ignores=ignores,
        )

    def check(
        self, paths: Sequence[Path] = (), *, dependents: bool = True, workspace: Workspace | None = None
    ) -> CheckResult:
        """Every selected file checked, without the baseline or the gate."""
        workspace = workspace or self.workspace()
        files = self.select(self.roots(paths), workspace, named=bool(paths), dependents=dependents)
        return check_files(files, workspace, self.options(files, workspace))

    def run(self, paths: Sequence[Path] = (), *, dependents: bool = True, update_baseline: bool = False) -> Run:
        """`check`, with the baseline applied (written first when missing or asked) and the gate."""
        workspace = self.workspace()
        result = self.check(paths, dependents=dependents, workspace=workspace)
        notes: list[str] = []
        if self.settings.baseline:
            result, notes = self._with_baseline(result, update_baseline)
        elif update_baseline:
            raise ProjectError(
                "`--update-baseline` needs a baseline file: `--baseline FILE` or `baseline` in the configuration"
            )
        gate = coverage_gate(result.plans, self.settings.fail_under, self.settings.fail_under_step)
        inputs = [*workspace.files_read(), *([self.settings.config_file] if self.settings.config_file else [])]
        if self.settings.baseline:
            inputs.append(self.baseline_path())
        return Run(result=result, gate=gate, notes=tuple(notes), inputs=tuple(inputs))

    def baseline_path(self) -> Path:
        where = Path(self.settings.baseline or "")
        if self.settings.sources.get("baseline") != "command line":
            where = self.settings.base / where
        return where

    def _with_baseline(self, result: CheckResult, update: bool) -> tuple[CheckResult, list[str]]:
        where = self.baseline_path()
        try:
            if update or not where.exists():
                count = baselines.write_baseline(result, where)
                note = (
                    f"recorded {count} finding{'s' if count != 1 else ''} in baseline `{where}`; "
                    "later runs report only new ones"
                )
                return baselines.apply_baseline(result, baselines.read_baseline(where)), [note]
            recorded = baselines.read_baseline(where)
        except baselines.BaselineError as error:
            raise ProjectError(str(error)) from None
        notes = []
        fixed = baselines.stale(recorded, result)
        if fixed:
            notes.append(
                f"{fixed} finding{'s' if fixed != 1 else ''} recorded in `{where}` "
                f"no longer occur{'s' if fixed == 1 else ''}; `--update-baseline` drops {'it' if fixed == 1 else 'them'}"
            )
        return baselines.apply_baseline(result, recorded), notes
