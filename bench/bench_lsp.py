"""Benchmark: the language server on a shipped plan, as an editor drives it.

Starts `python -m alignment_plan lsp` (the checkout on PYTHONPATH) and speaks JSON-RPC to it
over its standard input and output with a client written here on the standard library, so
what is measured is what an editor gets. It opens a plan, then:

- edits it REPEAT times (alternating the original text and one with an `assume` line) and,
  for each edit, measures the server's CPU time from the change until it publishes the new
  diagnostics (Linux: utime + stime of the server process from /proc, in clock ticks, so
  the mean over the edits is what is reported) and the wall time less the debounce pause;
- sends each request (hover, definition, references, document symbols, completion, code
  actions) REPEAT times and measures its round trip.

    python bench/bench_lsp.py [--plan plans/pull_request_assistant_outcomes.plan] [--repeat 20]
                              [--out bench/out] [--show-json]

It prints a table, `--show-json` prints the first `publishDiagnostics` message as received,
and every sample goes to OUT/lsp.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEBOUNCE_SECONDS = 0.2  # alignment_plan.lsp.server.DEBOUNCE_SECONDS


class Client:
    """A JSON-RPC client over a child's pipes: Content-Length framing, nothing else."""

    def __init__(self, command: list[str], cwd: Path):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        self.notifications: list[dict] = []

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict:
        length = 0
        while (line := self.process.stdout.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if not length:
            raise RuntimeError("the server closed its output")
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")
            self.notifications.append(message)

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, method: str) -> dict:
        while True:
            message = self.receive()
            if message.get("method") == method:
                return message
            self.notifications.append(message)

    def cpu_seconds(self) -> float | None:
        """The server's CPU time so far (Linux), or None."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=10)


def position_of(text: str, word: str, nth: int = 1, offset: int = 0) -> dict:
    """0-based line and character of the `nth` `word` outside comments (ASCII text)."""
    seen = 0
    for number, line in enumerate(text.split("\n")):
        if line.lstrip().startswith("#"):
            continue
        start = -1
        while (start := line.find(word, start + 1)) != -1:
            seen += 1
            if seen == nth:
                return {"line": number, "character": start + offset}
    raise ValueError(f"`{word}` is not in the plan")


def summary(samples: list[float]) -> str:
    ms = sorted(sample * 1000 for sample in samples)
    return f"median {statistics.median(ms):7.2f} ms   min {ms[0]:7.2f}   max {ms[-1]:7.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, default=ROOT / "plans" / "pull_request_assistant_outcomes.plan")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--show-json", action="store_true", help="print the first publishDiagnostics message")
    args = parser.parse_args(argv)

    plan = args.plan.resolve()
    text = plan.read_text(encoding="utf-8")
    uri = plan.as_uri()
    document = {"uri": uri}
    client = Client([sys.executable, "-m", "alignment_plan", "lsp"], cwd=ROOT)
    started = time.perf_counter()
    client.request("initialize", {"processId": os.getpid(), "rootUri": ROOT.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {**document, "languageId": "plan", "version": 1, "text": text}})
    first = client.wait_for("textDocument/publishDiagnostics")
    results: dict = {"plan": str(plan), "start_to_first_diagnostics_s": time.perf_counter() - started}
    if args.show_json:
        print(json.dumps(first, indent=2))

    # Edits: each one a full-text change, so the sample does not depend on the edit's size.
    binding = position_of(text, "good_feedback = outcomes", offset=len("good_feedback = outcomes"))
    lines = text.split("\n")
    lines[binding["line"]] += "\n        assume hidden_knowledge: training.output_good = false"
    edited = "\n".join(lines)
    cpu, wall = [], []
    for version in range(2, args.repeat + 2):
        before, clock = client.cpu_seconds(), time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {"textDocument": {**document, "version": version}, "contentChanges": [{"text": edited if version % 2 == 0 else text}]},
        )
        published = client.wait_for("textDocument/publishDiagnostics")
        wall.append(time.perf_counter() - clock - DEBOUNCE_SECONDS)
        after = client.cpu_seconds()
        if before is not None and after is not None:
            cpu.append(after - before)
        assert published["params"]["version"] == version
    results["recheck_cpu_s"], results["recheck_wall_after_debounce_s"] = cpu, wall

    # The document is back to `text` when REPEAT is even, to `edited` when odd.
    current = text if args.repeat % 2 == 0 else edited
    requests = {
        "hover": ("textDocument/hover", {"textDocument": document, "position": position_of(current, "hidden_knowledge", 2, 3)}),
        "definition": ("textDocument/definition", {"textDocument": document, "position": position_of(current, "outcomes", 1, 2)}),
        "references": (
            "textDocument/references",
            {"textDocument": document, "position": position_of(current, "deception", 1, 2), "context": {"includeDeclaration": True}},
        ),
        "documentSymbol": ("textDocument/documentSymbol", {"textDocument": document}),
        "completion": ("textDocument/completion", {"textDocument": document, "position": position_of(current, "addresses deception", 1, len("addresses "))}),
        "codeAction": (
            "textDocument/codeAction",
            {
                "textDocument": document,
                "range": {"start": position_of(current, "hidden_knowledge", 2), "end": position_of(current, "hidden_knowledge", 2)},
                "context": {"diagnostics": []},
            },
        ),
    }
    for name, (method, params) in requests.items():
        samples = []
        for _ in range(args.repeat):
            clock = time.perf_counter()
            answer = client.request(method, params)
            samples.append(time.perf_counter() - clock)
        assert answer, f"{name} answered nothing"
        results[name + "_s"] = samples
    client.close()

    print(f"language server on {plan.name}, {args.repeat} samples each")
    print(f"  start to first diagnostics   {results['start_to_first_diagnostics_s'] * 1000:7.0f} ms")
    if cpu:
        # /proc counts in clock ticks (10 ms); the mean over many edits is finer than one sample.
        print(f"  re-check after an edit, CPU  mean {sum(cpu) / len(cpu) * 1000:7.2f} ms (server process, {len(cpu)} edits)")
    print(f"  re-check, wall (no debounce) {summary(wall)}")
    for name in requests:
        print(f"  {name:<28} {summary(results[name + '_s'])}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lsp.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
