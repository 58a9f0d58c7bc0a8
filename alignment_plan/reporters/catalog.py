"""Catalog reporter: `CatalogEntry` data as text or JSON."""

from __future__ import annotations

import json

from alignment_plan.results.model import CatalogEntry
from alignment_plan.text import printable


_HEADINGS = {
    "fact": "Facts",
    "slot": "Slots",
    "definition": "Definitions",
    "failure_mode": "Failure modes",
    "lens": "Lenses",
    "heuristic_lens": "Heuristic lenses (shown in the essay's appendix to be confused)",
}


def render_text(entries: tuple[CatalogEntry, ...]) -> str:
    out = []
    for kind, heading in _HEADINGS.items():
        group = [e for e in entries if e.kind == kind]
        if not group:
            continue
        out.append(f"{heading} ({len(group)})")
        for entry in group:
            name = f"{entry.slot} = {entry.name}" if entry.slot else entry.name
            out.append(f"  {name}")
            out.append(f"      {printable(entry.meaning)}")
            for line in entry.body:
                out.append(f"      | {line}")
            for source in entry.sources:
                out.append(f"      source: {printable(source)}")
        out.append("")
    return "\n".join(out)


def render_json(entries: tuple[CatalogEntry, ...], files: tuple[str, ...] = ()) -> str:
    """The entries, and the files they were read from (`files`: the plan files the run selected)."""
    items = [
        {
            "kind": e.kind,
            "name": e.name,
            "slot": e.slot,
            "meaning": e.meaning,
            "body": list(e.body),
            "sources": list(e.sources),
            "file": e.file,
            "line": e.line,
        }
        for e in entries
    ]
    return json.dumps({"files": list(files), "entries": items}, indent=2, ensure_ascii=False) + "\n"
