"""Syntax stage: text to `nodes.Module` (`parser.parse_module`), and the nodes themselves.

The only package that imports lark, and only in `parser` and `transformer`: importing
`alignment_plan.syntax.nodes` loads no parser.
"""
