"""Analysis stage: imports and names resolved (`resolver`), three-valued logic and decision
diagrams (`logic`), owners and coverage of plans (`semantics`), and scenarios classified and
labels checked (`scenarios`). Consumes syntax nodes; produces plain attrs data."""
