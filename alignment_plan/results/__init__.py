"""Results: the plain data a run hands from the checker to the reporters and the project layer."""
