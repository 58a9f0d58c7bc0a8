"""Fuzzing harness: hostile plan files through every command and output format.

Inputs come from two sources: structure-aware mutation of the example plans, the plans
under `plans/`, the test cases and the packaged catalog (token-level deletes, swaps,
duplications, splices from other files, hostile tokens, deep nesting, long repetition),
and Hypothesis' grammar strategy (`hypothesis.extra.lark.from_lark`) for grammatical
plans. Each input is checked in a fresh project (with an importable second file) by
`check` in every format, `report`, `format --diff`, `classify` and `catalog`, in process,
asserting:

- no traceback and no internal error; exit code 0, 1 or 2;
- every diagnostic span lies inside its file (1-based lines and columns, end exclusive);
- no output line starts with `::` except in the `github` format;
- time and traced memory per input stay under generous bounds.

`tests/test_fuzz.py` runs a few seconds of it in the suite. For a longer run:

    python tests/fuzz/fuzz_check.py --minutes 10 [--seed N] [--save DIR]

Failing inputs are written to `--save` (default `fuzz-failures/`, gitignored) with the
reason. The harness depends on nothing but the test dependencies (Hypothesis).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a source checkout
    sys.path.insert(0, str(ROOT))

from alignment_plan.cli import main as cli_main  # noqa: E402
from alignment_plan.text import split_lines  # noqa: E402

CHECK_FORMATS = ("text", "concise", "json", "github", "sarif", "junit")
REPORT_FORMATS = ("text", "markdown", "json")
MAX_INPUT_CHARS = 200_000
# Generous bounds: a contended CI machine, and every format run on every input.
SECONDS_PER_INPUT = 30.0
BYTES_PER_INPUT = 300_000_000

# Tokens a mutation may insert: keywords, punctuation, and what attackers try.
HOSTILE = (
    "use", "std", "fact", "slot", "definition", "failure_mode", "heuristic", "lens", "plan",
    "scenario", "prior", "refines", "label", "when", "as", "not", "and", "or", "==", "!=",
    "(", ")", "{", "}", ",", ":", "=", "true", "false", "operationalize", "feedback_process",
    "find_and_fix", "technique", "addresses", "status", "evidence", "fixes", "considers",
    "out_of_scope", "assume", "outer", "inner", "ambiguous", "source",
    "1e99999999999", "1e-9999999", "0.5", "1" * 5000, '"\\u0000x.plan"', '"\\ud800"',
    '"\\n::error file=README.md,line=1::Forged"', '"@octocat"', '"\x1b[31mred"',
    "\u202e", "\u200b", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\ufeff", "\x00", "\r",
    "caf\u00e9", "# alignment-plan: ignore[AP301]", "# alignment-plan: ignore-file[ALL]",
    "# alignment-plan: ignore[", '"' + "x" * 20_000 + '"', "not " * 200 + "x", "(" * 150 + "x" + ")" * 150,
)
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[A-Za-z_][A-Za-z0-9_.]*|[0-9][0-9.eE+-]*|\s+|==|!=|.', re.DOTALL)


def seeds() -> list[str]:
    """The plans this repository holds: examples, plans, test cases and the std catalog."""
    paths = [*ROOT.glob("plans/**/*.plan"), *ROOT.glob("examples/**/*.plan"), *ROOT.glob("tests/cases/**/*.plan")]
    paths.append(ROOT / "alignment_plan" / "catalog" / "std.plan")
    return [path.read_text(encoding="utf-8") for path in sorted(paths)]


def mutate(text: str, rng: random.Random, corpus: list[str]) -> str:
    """One to eight token-level mutations of `text`, kept under `MAX_INPUT_CHARS`."""
    tokens = _TOKEN.findall(text) or [""]
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(8)
        i = rng.randrange(len(tokens))
        if kind == 0 and len(tokens) > 1:
            del tokens[i]
        elif kind == 1:
            tokens.insert(i, rng.choice(HOSTILE) + rng.choice(("", " ", "\n")))
        elif kind == 2:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind == 3:
            tokens[i:i] = tokens[i : i + rng.randint(1, 40)] * rng.randint(2, 50)
        elif kind == 4:  # splice a run of tokens from another file
            other = _TOKEN.findall(rng.choice(corpus)) or [""]
            start = rng.randrange(len(other))
            tokens[i:i] = other[start : start + rng.randint(1, 200)]
        elif kind == 5:  # wrap a token in deep structure
            depth = rng.choice((5, 60, 120, 600))
            tokens[i] = rng.choice(("not ", "(")) * depth + tokens[i] + (")" * depth if rng.random() < 0.5 else "")
        elif kind == 6:  # a long chain
            op = rng.choice((" or ", " and ", ", "))
            tokens.insert(i, op.join(f"{rng.choice('ABCabc')}{n}" for n in range(rng.choice((10, 300, 2000)))))
        else:
            tokens[i] = tokens[i].upper() if rng.random() < 0.5 else tokens[i][::-1]
    return "".join(tokens)[:MAX_INPUT_CHARS]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(argv)
        except SystemExit as exit:  # argparse only; any other escape is a failure below
            code = exit.code if isinstance(exit.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _span_problems(document: dict, texts: dict[str, str]) -> list[str]:
    problems = []
    for d in document.get("diagnostics", ()):
        text = texts.get(d["file"])
        if text is None:
            problems.append(f"diagnostic in a file that was not checked: {d['file']!r}")
            continue
        lines = split_lines(text) or [""]
        start, end = (d["line"], d["column"]), (d["end_line"], d["end_column"])

        def inside(line: int, column: int) -> bool:
            # One past the last line is where an unexpected end of file is reported.
            if line == len(lines) + 1:
                return column == 1
            return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1

        if not (inside(*start) and inside(*end) and start <= end):
            problems.append(f"span {start}-{end} of {d['code']} outside {d['file']} ({len(lines)} lines)")
    return problems


def check_input(text: str, library: str | None = None, *, full: bool = True) -> list[str]:
    """Every property on one input; the problems found (empty when it holds up).

    `full` runs `check` in every format and `report` in three; otherwise JSON, concise and
    github only (the in-suite run)."""
    problems: list[str] = []
    formats = CHECK_FORMATS if full else ("json", "concise", "github")
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / ".git").mkdir()
        files = {"main.plan": text}
        if library is not None:
            files["lib.plan"] = library
            files["main.plan"] = 'use "lib.plan"\n' + text
        for name, body in files.items():
            (root / name).write_text(body, encoding="utf-8", errors="surrogatepass")
        runs = [["check", "--format", fmt, "main.plan"] for fmt in formats]
        if full:
            runs += [["report", "--format", fmt, "main.plan"] for fmt in REPORT_FORMATS]
            runs += [["format", "--diff", "main.plan"], ["classify", "main.plan"], ["catalog", "main.plan"]]
        previous = os.getcwd()
        os.chdir(root)
        tracemalloc.start()
        started = time.monotonic()
        try:
            for argv in runs:
                code, out, err = _run(argv)
                where = " ".join(argv[:3])
                if code not in (0, 1, 2):
                    problems.append(f"{where}: exit code {code}")
                if "Traceback" in out + err or "internal error" in out + err:
                    problems.append(f"{where}: internal error: {err.strip()[:300]}")
                if "github" not in argv and any(line.startswith("::") for line in (out + err).splitlines()):
                    problems.append(f"{where}: an output line starts with `::`")
                if argv[:3] == ["check", "--format", "json"] and out:
                    texts = {name: body for name, body in files.items()}
                    problems += _span_problems(json.loads(out), texts)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            os.chdir(previous)
        elapsed = time.monotonic() - started
        if elapsed > SECONDS_PER_INPUT:
            problems.append(f"took {elapsed:.1f} s, more than {SECONDS_PER_INPUT} s")
        if peak > BYTES_PER_INPUT:
            problems.append(f"peak traced memory {peak / 1e6:.0f} MB, more than {BYTES_PER_INPUT / 1e6:.0f} MB")
    return problems


def grammar_strategy(separators=None, **adjust):
    """Hypothesis' grammar strategy for `.plan` text. Each terminal is drawn from its
    pattern (names that are no keyword, strings without escapes, comments ended by a
    newline), passed through `adjust[TERMINAL]` when given (a function of that strategy),
    and followed by one of `separators` (a space by default), so tokens never run together."""
    import lark
    from hypothesis import strategies as st
    from hypothesis.extra.lark import from_lark

    from alignment_plan.syntax.parser import grammar_text

    # A fresh, uncached parser: hypothesis reads the grammar object, which a parser
    # loaded from lark's cache does not keep.
    parser = lark.Lark(grammar_text(), parser="lalr", lexer="contextual")
    separators = st.just(" ") if separators is None else separators
    literals = {t.pattern.value for t in parser.terminals if type(t.pattern).__name__ == "PatternStr"}
    keywords = literals | {"true", "false", "heuristic", "feedback_process", "find_and_fix"}
    explicit = {}
    for terminal in parser.terminals:
        if type(terminal.pattern).__name__ == "PatternStr":
            strategy = st.just(terminal.pattern.value)
        else:
            strategy = st.from_regex(terminal.pattern.to_regexp(), fullmatch=True)
            if terminal.name == "NAME":
                strategy = strategy.filter(lambda x: not set(x.split(".")) & keywords)
            elif terminal.name == "STRING":
                strategy = strategy.filter(lambda x: "\\" not in x)
            elif terminal.name == "COMMENT":
                strategy = strategy.map(lambda x: x + "\n")
        if terminal.name in adjust:
            strategy = adjust[terminal.name](strategy)
        explicit[terminal.name] = st.tuples(strategy, separators).map("".join)
    return from_lark(parser, start="start", explicit=explicit)


def fuzz_mutations(count: int, seed: int, *, full: bool, report: Callable[[str, list[str]], None]) -> int:
    """Check `count` mutated inputs (seeded); `report(input, problems)` for each failure."""
    rng = random.Random(seed)
    corpus = seeds()
    failures = 0
    for _ in range(count):
        text = mutate(rng.choice(corpus), rng, corpus)
        library = mutate(rng.choice(corpus), rng, corpus) if rng.random() < 0.3 else None
        problems = check_input(text, library, full=full)
        if problems:
            failures += 1
            report(text, problems)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to run (default: 1)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    parser.add_argument("--save", type=Path, default=Path("fuzz-failures"), help="where failing inputs go")
    parser.add_argument("--grammar", type=int, default=50, help="grammatical inputs from Hypothesis per round")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    deadline = time.monotonic() + args.minutes * 60
    checked = failures = 0

    def report(text: str, problems: list[str]) -> None:
        nonlocal failures
        failures += 1
        args.save.mkdir(parents=True, exist_ok=True)
        name = args.save / f"failure-{seed}-{checked}.plan"
        name.write_text(text, encoding="utf-8", errors="surrogatepass")
        name.with_suffix(".txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
        print(f"FAIL {name}: {problems[0]}", flush=True)

    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=args.grammar, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(grammar_strategy())
    def grammatical(text: str) -> None:
        problems = check_input(text)
        if problems:
            report(text, problems)

    round_number = 0
    while time.monotonic() < deadline:
        fuzz_mutations(20, seed + round_number, full=True, report=report)
        checked += 20
        grammatical()
        checked += args.grammar
        round_number += 1
        print(f"{checked} inputs, {failures} failing (seed {seed})", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
