"""Highlighting outside the editor: a Pygments lexer for `.plan` files.

A presentation helper beside the pipeline, in the lowest layer: it consumes text and
produces Pygments tokens, and never parses (the grammar stays lark's). Registered through
the `pygments.lexers` entry point (the `pygments` extra), so Sphinx, MkDocs and
`pygmentize` render ```` ```plan ```` blocks; pygments is imported only when this module is.
The token classes follow the TextMate grammar in `editors/vscode/`.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

from alignment_plan.vocabulary import STEPS

__all__ = ["PlanLexer"]

_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_ALONE = (r"(?<![\w.])", r"(?![\w.])")  # a keyword is never part of a dotted name


class PlanLexer(RegexLexer):
    name = "alignment-plan"
    aliases = ["plan", "alignment-plan"]
    filenames = ["*.plan"]
    url = "https://pypi.org/project/alignment-plan/"

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#\s*alignment-plan\s*:[^\n]*", Comment.Special),
            (r"#[^\n]*", Comment.Single),
            (r'"', String.Double, "string"),
            (rf"(?<![\w.])(definition)(\s+)({_NAME})(\s+)({_NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Variable, Whitespace, Name.Function)),
            (rf"(?<![\w.])(fact|slot|failure_mode|lens|plan|scenario|technique)(\s+)({_NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"(?<![\w.])(status)(\s+)({_NAME})", bygroups(Keyword, Whitespace, Name.Constant)),
            (words(("use",), *_ALONE), Keyword.Namespace),
            (words(("fact", "slot", "definition", "failure_mode", "lens", "plan", "scenario", "technique",
                    "heuristic", "prior"), *_ALONE), Keyword.Declaration),
            (words(STEPS, *_ALONE), Keyword.Reserved),
            (words(("addresses", "fixes", "evidence", "considers", "out_of_scope", "assume", "source", "label",
                    "refines", "when", "as", "status", "because", "backs_up", "feedback_source"), *_ALONE), Keyword),
            (words(("true", "false"), *_ALONE), Keyword.Constant),
            (words(("and", "or", "not"), *_ALONE), Operator.Word),
            (r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?", Number),
            (r"==|!=|=", Operator),
            (r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+", Name.Variable),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"[{}(),:]", Punctuation),
        ],
        "string": [
            (r'"', String.Double, "#pop"),
            (r'\\(?:["\\ntr]|u[0-9A-Fa-f]{4})', String.Escape),
            (r"\n", String.Double, "#pop"),  # unterminated: the parser reports it
            (r'[^"\\\n]+', String.Double),
            (r"\\.", String.Double),
        ],
    }
