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

from alignment_plan.analysis.workspace import Workspace
from alignment_plan.paths import resolved
from alignment_plan.checker.check import CheckOptions, FileResult, check_files, combine
from alignment_plan.project import baseline as baselines
from alignment_plan.project.cache import ResultCache
from alignment_plan.project.runs import RunOutputs
from alignment_plan.project.parallel import available_cpus, check_all
from alignment_plan.project.discovery import collect_files, importers
from alignment_plan.project.gate import GateFailure, coverage_gate
from alignment_plan.project.settings import ConfigError, Settings, enabled_codes, load_settings, severities
from alignment_plan.results.model import CheckResult
from alignment_plan.runtime import fewer_collections


class ProjectError(Exception):
    """A run that cannot start or finish as asked; the message is one line for the user."""


@attrs.frozen
class Run:
    """What one run of the checker over the project gave."""

    result: CheckResult  # with the baseline's findings taken out
    gate: tuple[GateFailure, ...]  # the coverage thresholds missed
    notes: tuple[str, ...] = ()  # for standard error: baseline written, findings fixed since
    inputs: tuple[Path, ...] = ()  # every file the run read: plans, imports, configuration, baseline
    # Every file the results depend on, when cached: its resolved path and its state as the
    # process that checked a file saw it (`Workspace.state`); a file that changed during the
    # run is there with both states, so the run record never matches again.
    dependencies: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class Selection:
    """The files one run checks, in order, and the options it checks them with."""

    files: tuple[Path, ...]
    options: CheckOptions
    # Each file's result-cache key by its index in `files`, once worked out: the run record
    # (`Project.outputs`) and the cache lookups (`Project.run`) both need them.
    keys: dict[int, str] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen
class Project:
    settings: Settings
    enabled: frozenset[str]
    severities: Mapping[str, Any]
    # How to run, never what a run finds: processes for checking, and the result cache.
    jobs: int = 1
    cache: bool = False
    # Whether results carry explanations: only the outputs that show them need them.
    explanations: bool = True

    @classmethod
    def open(
        cls,
        cwd: Path,
        overrides: Mapping[str, Any] | None = None,
        *,
        config_file: Path | None = None,
        isolated: bool = False,
        environ: Mapping[str, str] | None = None,
        jobs: int | None = 1,
        cache: bool = False,
    ) -> Project:
        """The project seen from `cwd`, its configuration overridden by the command line;
        raises `ProjectError` for a configuration that cannot be applied. `jobs`: worker
        processes (None: one per available CPU); `cache`: reuse and store results in the
        project's result cache."""
        try:
            settings = load_settings(cwd, overrides, config_file=config_file, isolated=isolated, environ=environ)
            return cls(
                settings=settings,
                enabled=enabled_codes(settings),
                severities=severities(settings),
                jobs=available_cpus() if jobs is None else jobs,
                cache=cache,
            )
        except ConfigError as error:
            raise ProjectError(str(error)) from None

    def explaining(self, explanations: bool) -> Project:
        """This project, its results with explanations or without."""
        return attrs.evolve(self, explanations=explanations)

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
        even when excluded, as ruff does; configured `paths` never escape `exclude`. A path named
        outside the project root on the command line may be read (see `Workspace.allow`); a
        configured one may not, since the configuration comes with the files it checks."""
        if named:
            for path in paths:
                workspace.allow(path)
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
            explanations=self.explanations,
        )

    def check(
        self, paths: Sequence[Path] = (), *, dependents: bool = True, workspace: Workspace | None = None
    ) -> CheckResult:
        """Every selected file checked, without the baseline or the gate."""
        workspace = workspace or self.workspace()
        return self._check(self.selection(paths, dependents=dependents, workspace=workspace), workspace)[0]

    def selection(self, paths: Sequence[Path], *, dependents: bool, workspace: Workspace) -> Selection:
        """The files a run checks (`select`) and the options it checks them with."""
        files = self.select(self.roots(paths), workspace, named=bool(paths), dependents=dependents)
        return Selection(files=tuple(files), options=self.options(files, workspace))

    def _check(
        self, selection: Selection, workspace: Workspace
    ) -> tuple[CheckResult, tuple[tuple[str, str], ...], tuple[str, ...]]:
        """`check`; when the results are cached or come from several processes, also every
        file they depend on with its state (cached runs only) and every file read for them
        (resolved paths; not only by this process)."""
        files, options = selection.files, selection.options
        if not self.cache and self.jobs <= 1:
            return check_files(files, workspace, options), (), ()
        with fewer_collections():
            results = self._file_results(files, workspace, options, selection.keys)
            depended = {pair for result in results for pair in result.dependencies}
            checked = {workspace.key(path) for path in files}
            if self.cache:  # this process read every checked file, before any worker
                depended |= {(key, workspace.state(key)) for key in checked}
            read = checked | {path for path, _ in depended}
            return combine(results, options), tuple(sorted(depended)), tuple(sorted(read))

    def outputs(self, selection: Selection, *, rendering: Sequence[str], workspace: Workspace) -> RunOutputs | None:
        """Where the output of a run of `selection`, rendered as `rendering` says, is recorded
        (see `project.runs`); None when it cannot be: no cache, or a file that cannot be read."""
        if not self.cache:
            return None
        cache = ResultCache(self.root, workspace)
        if cache.secret is None:
            return None
        parts = [*rendering, repr(self.settings)]
        baseline = None
        if self.settings.baseline:
            try:
                baseline = baselines.baseline_text(self.baseline_path())
            except baselines.BaselineError:
                return None  # the run writes it, or says why it cannot read it: nothing to replay
            parts.append(baseline)
        for index, path in enumerate(selection.files):
            text = workspace.source(path)
            if text is None:
                return None
            if index not in selection.keys:
                selection.keys[index] = cache.key(workspace.display(path), text, selection.options)
            parts.append(selection.keys[index])
        return RunOutputs(cache, cache.run_key(parts), baseline)

    def _file_results(
        self, files: Sequence[Path], workspace: Workspace, options: CheckOptions, keys: dict[int, str]
    ) -> list[FileResult]:
        """Each file's result: from the cache where it is current, else checked (and stored).
        `keys`: the cache keys of `files` by index, those already worked out (filled here)."""
        cache = ResultCache(self.root, workspace) if self.cache else None
        results: list[FileResult | None] = [None] * len(files)
        for index, path in enumerate(files):
            if cache is None:
                break
            text = workspace.source(path)  # read once: the check below reuses it
            if text is None:
                continue  # checked below, which reports why
            if index not in keys:
                keys[index] = cache.key(workspace.display(path), text, options)
            results[index] = cache.get(keys[index])
        missing = [index for index, result in enumerate(results) if result is None]

        def store(position: int, result: FileResult) -> None:  # in the process that checked it
            if missing[position] in keys:
                cache.put(keys[missing[position]], result)

        checked = check_all([files[i] for i in missing], workspace, options, self.jobs, None if cache is None else store)
        for index, result in zip(missing, checked):
            results[index] = result
        return results

    def run(
        self,
        paths: Sequence[Path] = (),
        *,
        dependents: bool = True,
        update_baseline: bool = False,
        workspace: Workspace | None = None,
        selection: Selection | None = None,
        baseline: str | None = None,
    ) -> Run:
        """`check`, with the baseline applied (written first when missing or asked) and the gate.
        `selection`: the files and options already chosen for `paths` in `workspace`;
        `baseline`: the baseline's text as already read (`RunOutputs.baseline`: the run
        must apply the text its record is keyed by), else it is read here."""
        workspace = workspace or self.workspace()
        selection = selection or self.selection(paths, dependents=dependents, workspace=workspace)
        result, dependencies, read = self._check(selection, workspace)
        notes: list[str] = []
        if self.settings.baseline:
            result, notes = self._with_baseline(result, update_baseline, baseline)
        elif update_baseline:
            raise ProjectError(
                "`--update-baseline` needs a baseline file: `--baseline FILE` or `baseline` in the configuration"
            )
        gate = coverage_gate(result.plans, self.settings.fail_under, self.settings.fail_under_step)
        # What this process read, and what worker processes read for it (`--jobs`).
        inputs = list(dict.fromkeys([*workspace.files_read(), *map(Path, read)]))
        if self.settings.config_file:
            inputs.append(self.settings.config_file)
        if self.settings.baseline:
            inputs.append(self.baseline_path())
        return Run(result=result, gate=gate, notes=tuple(notes), inputs=tuple(inputs), dependencies=dependencies)

    def baseline_path(self) -> Path:
        """The baseline file; a configured one must lie inside the project root, since the
        configuration comes with the files it checks (and the baseline may be written)."""
        where = Path(self.settings.baseline or "")
        if self.settings.sources.get("baseline") != "command line":
            where = self.settings.base / where
            if not resolved(where).is_relative_to(self.root.resolve()):
                raise ProjectError(f"baseline `{self.settings.baseline}` is outside the project root")
        return where

    def _with_baseline(self, result: CheckResult, update: bool, text: str | None) -> tuple[CheckResult, list[str]]:
        try:
            where = self.baseline_path()
            if not update and text is not None:
                recorded = baselines.parse_baseline(text, where)
            elif update or not where.exists():
                count = baselines.write_baseline(result, where)
                note = (
                    f"recorded {count} finding{'s' if count != 1 else ''} in baseline `{where}`; "
                    "later runs report only new ones"
                )
                return baselines.apply_baseline(result, baselines.read_baseline(where)), [note]
            else:
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
