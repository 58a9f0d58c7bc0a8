"""The language server (`alignment-plan lsp`): the checker behind an editor.

Beside `commands` in the layers: it opens the project as `check` does, checks the text of
the editor's buffers with the same checker and answers the protocol's requests from the
resulting scope and analyses. Only `server` imports pygls (the optional `lsp` extra);
the other modules are plain functions over nodes and analyses.
"""
