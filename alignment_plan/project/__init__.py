"""Project layer: settings and discovery, file selection, the baseline, the coverage gate and
`--compare`; the one entry point every command uses."""
