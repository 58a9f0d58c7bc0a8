"""Benchmark inputs: varied, seeded plans over the std vocabulary, as `.plan` text and as TOML.

Consumes the std catalog's text (its facts and the facts each failure mode states);
produces `PlanSpec` values (`generate_plans`), their rendering in the `.plan` language
(`render_plan_file`) and the same information as a TOML document (`render_toml`), and
writes one benchmark input, a project directory of its own, with `write_inputs`. The
same seed gives the same plans on every run. Standard library only, so that tests and
property tests can reuse it (pytest puts `bench/` on the import path).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STD_PLAN = ROOT / "alignment_plan" / "catalog" / "std.plan"
SEED = 20230601

FIX_KINDS = ("training_data", "architecture", "inductive_bias")
STATUSES = ("research", "prototype", "deployed", "validated")
BINDING_CHOICES = {
    "good_feedback": ("outcomes", "reasons", "informed", "verifier"),
    "counterfactual": ("physical_process", "idealized_evaluator"),
    "split": ("offline", "online"),
    "boundary": ("model", "model_and_overseers"),
    "stakes": ("high",),
}
FEEDBACK_TECHNIQUES = (
    ("code_review", "Programmers review each output before it is rewarded"),
    ("debate", "Two copies argue and a judge rewards the more honest one"),
    ("recursive_reward_modeling", "Assistants help the overseer evaluate hard outputs"),
    ("cognition_audit", "Interpretability audit of the reasoning behind rewarded outputs"),
    ("elk_probe", "Probe that reports the model's latent knowledge to the overseer"),
    ("process_supervision", "Reward each reasoning step, not only the final answer"),
    ("amplified_oversight", "Overseer amplified by decomposition into checkable subquestions"),
)
FIND_TECHNIQUES = (
    ("red_team", "Red team searches for situations that elicit bad actions"),
    ("adversarial_training", "Train on the adversarial situations the red team finds"),
    ("relaxed_adversarial_training", "Search over pseudo-inputs for latent bad behaviour"),
    ("anomaly_detection", "Flag deployment situations far from the training distribution"),
    ("honeypots", "Situations that look like opportunities to defect, watched closely"),
    ("interpretability_search", "Search activations for circuits that plan bad actions"),
    ("canary_deployment", "Staged deployment with rollback on the first bad action"),
)
DOMAINS = ("pull requests", "customer support", "lab protocols", "tax returns", "email triage", "chip layouts")


@dataclass(frozen=True)
class Technique:
    name: str
    title: str
    addresses: tuple[str, ...]
    status: str
    evidence: tuple[str, ...]
    fixes: tuple[str, ...]


@dataclass(frozen=True)
class Assumption:
    failure_mode: str
    fact: str
    value: bool


@dataclass(frozen=True)
class PlanSpec:
    name: str
    title: str
    bindings: tuple[tuple[str, str], ...]
    assumptions: tuple[Assumption, ...]
    feedback_process: tuple[Technique, ...]
    find_and_fix: tuple[Technique, ...]
    considers: tuple[str, ...]
    out_of_scope: tuple[tuple[str, str], ...] = field(default=())


def std_vocabulary(text: str) -> tuple[list[str], dict[str, dict[str, bool]]]:
    """The facts of the std catalog and, per failure mode, the facts it states."""
    facts = re.findall(r"^fact\s+(\S+)", text, re.MULTILINE)
    failure_modes = {}
    for name, body in re.findall(r"^failure_mode\s+(\w+)\s+\"[^\"]*\"\s*\{(.*?)^\}", text, re.MULTILINE | re.DOTALL):
        stated = re.findall(r"^\s*([\w.]+)\s*=\s*(true|false)\s*$", body, re.MULTILINE)
        failure_modes[name] = {fact: value == "true" for fact, value in stated}
    return facts, failure_modes


def _technique(rng: random.Random, name: str, title: str, considers, plan_index: int, with_fixes: bool) -> Technique:
    addresses = tuple(rng.sample(considers, rng.randint(1, min(3, len(considers)))))
    status = rng.choice(STATUSES)
    evidence = ()
    if status != "research" and rng.random() < 0.9:
        evidence = (f"https://example.org/evidence/{plan_index}/{name}",)
    fixes = tuple(rng.sample(FIX_KINDS, rng.randint(1, 2))) if with_fixes else ()
    return Technique(name, title, addresses, status, evidence, fixes)


def generate_plans(count: int, seed: int = SEED, std_text: str | None = None) -> list[PlanSpec]:
    """`count` varied plans over the std vocabulary, the same for the same seed."""
    facts, failure_modes = std_vocabulary(std_text if std_text is not None else STD_PLAN.read_text(encoding="utf-8"))
    if not facts or not failure_modes:
        raise ValueError("no facts or failure modes found in the std catalog")
    rng = random.Random(seed)
    names = sorted(failure_modes)
    plans = []
    for index in range(count):
        considers = rng.sample(names, rng.randint(min(3, len(names)), min(6, len(names))))
        bindings = [("good_feedback", rng.choice(BINDING_CHOICES["good_feedback"]))]
        for slot in ("counterfactual", "split", "boundary", "stakes"):
            if rng.random() < 0.6:
                bindings.append((slot, rng.choice(BINDING_CHOICES[slot])))
        assumptions, seen = [], set()
        for _ in range(rng.randint(0, 3)):
            failure_mode = rng.choice(considers)
            open_facts = [f for f in facts if f not in failure_modes[failure_mode] and not f.startswith("story.")]
            if not open_facts:
                continue
            fact = rng.choice(open_facts)
            if (failure_mode, fact) not in seen:
                seen.add((failure_mode, fact))
                assumptions.append(Assumption(failure_mode, fact, rng.random() < 0.5))
        domain = rng.choice(DOMAINS)
        feedback = tuple(
            _technique(rng, name, f"{title} ({domain})", considers, index, with_fixes=False)
            for name, title in rng.sample(FEEDBACK_TECHNIQUES, rng.randint(2, 4))
        )
        find = tuple(
            _technique(rng, name, f"{title} ({domain})", considers, index, with_fixes=True)
            for name, title in rng.sample(FIND_TECHNIQUES, rng.randint(2, 4))
        )
        out_of_scope = ()
        if "misuse" in considers and rng.random() < 0.7:
            out_of_scope = (("misuse", "Handled by access control and the deployment policy, not by training"),)
        plans.append(
            PlanSpec(
                name=f"plan_{index:06d}",
                title=f"Assistant {index} trained on feedback about {domain}",
                bindings=tuple(bindings),
                assumptions=tuple(assumptions),
                feedback_process=feedback,
                find_and_fix=find,
                considers=tuple(considers),
                out_of_scope=out_of_scope,
            )
        )
    return plans


def _plan_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_plan(plan: PlanSpec) -> str:
    """One plan in the `.plan` language."""
    lines = [f"plan {plan.name} {_plan_string(plan.title)} {{", "    operationalize {"]
    lines += [f"        {slot} = {definition}" for slot, definition in plan.bindings]
    lines += [
        f"        assume {a.failure_mode}: {a.fact} = {'true' if a.value else 'false'}" for a in plan.assumptions
    ]
    lines.append("    }")
    for step, techniques in (("feedback_process", plan.feedback_process), ("find_and_fix", plan.find_and_fix)):
        lines.append(f"    {step} {{")
        for t in techniques:
            lines.append(f"        technique {t.name} {_plan_string(t.title)} {{")
            lines.append(f"            addresses {', '.join(t.addresses)}")
            if t.fixes:
                lines.append(f"            fixes {', '.join(t.fixes)}")
            lines.append(f"            status {t.status}")
            lines += [f"            evidence {_plan_string(e)}" for e in t.evidence]
            lines.append("        }")
        lines.append("    }")
    lines.append(f"    considers {', '.join(plan.considers)}")
    lines += [f"    out_of_scope {name} {_plan_string(reason)}" for name, reason in plan.out_of_scope]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_plan_file(plans: list[PlanSpec]) -> str:
    return "use std\n\n" + "\n".join(render_plan(plan) for plan in plans)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string here


def _toml_array(items) -> str:
    return "[" + ", ".join(_toml_string(item) for item in items) + "]"


def render_toml(plans: list[PlanSpec]) -> str:
    """The same information as `render_plan_file`, as a TOML document."""
    lines = ['use = ["std"]', ""]
    for plan in plans:
        lines += ["[[plan]]", f"name = {_toml_string(plan.name)}", f"title = {_toml_string(plan.title)}"]
        lines.append(f"considers = {_toml_array(plan.considers)}")
        lines += ["", "[plan.operationalize.bindings]"]
        lines += [f"{slot} = {_toml_string(definition)}" for slot, definition in plan.bindings]
        for a in plan.assumptions:
            lines += ["", "[[plan.operationalize.assume]]", f"failure_mode = {_toml_string(a.failure_mode)}"]
            lines += [f"fact = {_toml_string(a.fact)}", f"value = {'true' if a.value else 'false'}"]
        for step, techniques in (("feedback_process", plan.feedback_process), ("find_and_fix", plan.find_and_fix)):
            for t in techniques:
                lines += ["", f"[[plan.{step}.technique]]", f"name = {_toml_string(t.name)}"]
                lines += [f"title = {_toml_string(t.title)}", f"addresses = {_toml_array(t.addresses)}"]
                if t.fixes:
                    lines.append(f"fixes = {_toml_array(t.fixes)}")
                lines.append(f"status = {_toml_string(t.status)}")
                if t.evidence:
                    lines.append(f"evidence = {_toml_array(t.evidence)}")
        for name, reason in plan.out_of_scope:
            lines += ["", "[[plan.out_of_scope]]", f"failure_mode = {_toml_string(name)}"]
            lines.append(f"reason = {_toml_string(reason)}")
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class Inputs:
    """The files of one (size, variant), in a project directory of their own."""

    size: int
    variant: str  # "single" or "many"
    project: Path
    plan_path: Path  # a file, or a directory of files
    toml_path: Path  # likewise
    plan_bytes: int
    toml_bytes: int
    techniques: int


# Each input is its own project (a `pyproject.toml` marks the root and holds an empty
# configuration), so that `check FILE`, which also looks for plans that import FILE, scans
# only this input and not the checkout or the other inputs.
PROJECT_MARKER = "# A generated benchmark input: its own project root, default settings.\n[tool.alignment-plan]\n"


def write_inputs(out: Path, size: int, variant: str, seed: int = SEED) -> Inputs:
    """Generate and write the plan and TOML inputs of `size` plans."""
    plans = generate_plans(size, seed)
    techniques = sum(len(p.feedback_process) + len(p.find_and_fix) for p in plans)
    project = out / f"{variant}_{size}"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(PROJECT_MARKER, encoding="utf-8")
    if variant == "single":
        plan_path, toml_path = project / "plans.plan", project / "plans.toml"
        plan_path.write_text(render_plan_file(plans), encoding="utf-8")
        toml_path.write_text(render_toml(plans), encoding="utf-8")
        sizes = (plan_path.stat().st_size, toml_path.stat().st_size)
        return Inputs(size, variant, project, plan_path, toml_path, *sizes, techniques)
    plan_path, toml_path = project / "plans", project / "toml"
    plan_path.mkdir()
    toml_path.mkdir()
    plan_bytes = toml_bytes = 0
    for plan in plans:
        target = plan_path / f"{plan.name}.plan"
        target.write_text(render_plan_file([plan]), encoding="utf-8")
        plan_bytes += target.stat().st_size
        target = toml_path / f"{plan.name}.toml"
        target.write_text(render_toml([plan]), encoding="utf-8")
        toml_bytes += target.stat().st_size
    return Inputs(size, variant, project, plan_path, toml_path, plan_bytes, toml_bytes, techniques)

