"""Syntax stage: text to `nodes.Module`. The only package that imports lark."""

from alignment_plan.syntax.parser import parse_module

__all__ = ["parse_module"]
