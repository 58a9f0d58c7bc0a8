"""`alignment-plan lsp`: the language server, over standard input and output.

Needs the `lsp` extra (pygls); it is imported only here, when the command runs.
"""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lsp",
        help="run the language server (for editors) over standard input and output",
        description="Run the language server over standard input and output: diagnostics, hover, go to "
        "definition, references, outline, completion, formatting and quick fixes for .plan files. "
        "Needs the `lsp` extra: pip install 'alignment-plan[lsp]'.",
    )
    # Editors' clients (vscode-languageclient) name the transport; stdio is the only one.
    parser.add_argument("--stdio", action="store_true", help="accepted for editors; standard input and output is the only transport")
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.commands.console import EXIT_OK, fail

    try:
        import pygls  # noqa: F401
    except ImportError:
        return fail("the language server needs pygls: pip install 'alignment-plan[lsp]'")
    from alignment_plan.lsp.server import serve

    serve()
    return EXIT_OK
