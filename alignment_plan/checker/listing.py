"""Catalog listing: the declarations visible from a scope, as `CatalogEntry` data."""

from __future__ import annotations

from alignment_plan.syntax.nodes import expression_text
from alignment_plan.analysis.resolver import Scope
from alignment_plan.results.model import CatalogEntry


def _sources(decl) -> tuple[str, ...]:
    return tuple(source.value for source in decl.sources)


def catalog_entries(scope: Scope) -> tuple[CatalogEntry, ...]:
    entries = []
    for fact in scope.facts.values():
        entries.append(
            CatalogEntry(
                "fact", fact.name.text, fact.meaning.value, fact.span.file, fact.span.line, _sources(fact)
            )
        )
    for slot in scope.slots.values():
        entries.append(
            CatalogEntry(
                "slot", slot.name.text, slot.meaning.value, slot.span.file, slot.span.line, _sources(slot)
            )
        )
    for definition in scope.definitions.values():
        entries.append(
            CatalogEntry(
                "definition",
                definition.name.text,
                definition.meaning.value,
                definition.span.file,
                definition.span.line,
                sources=_sources(definition),
                slot=definition.slot.text,
                body=(expression_text(definition.body),),
            )
        )
    for fm in scope.failure_modes.values():
        entries.append(
            CatalogEntry(
                "failure_mode",
                fm.name.text,
                fm.title.value,
                fm.span.file,
                fm.span.line,
                sources=_sources(fm),
                body=tuple(f"{v.fact.text} = {'true' if v.value else 'false'}" for v in fm.facts),
            )
        )
    for lens in scope.lenses.values():
        entries.append(
            CatalogEntry(
                "heuristic_lens" if lens.heuristic else "lens",
                lens.name.text,
                lens.title.value,
                lens.span.file,
                lens.span.line,
                sources=_sources(lens),
                body=tuple(
                    f"{r.verdict.text}{' as ' + r.legacy.text if r.legacy else ''} when {expression_text(r.condition)}"
                    for r in lens.rules
                ),
            )
        )
    return tuple(entries)
