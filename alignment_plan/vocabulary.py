"""The words of the language that every stage shares: steps, statuses, fix kinds.

The lowest layer, with `diagnostics`: it imports nothing of the package, and every
module that names a step or a status takes the name from here.
"""

from __future__ import annotations

OPERATIONALIZE, FEEDBACK_PROCESS, FIND_AND_FIX = "operationalize", "feedback_process", "find_and_fix"
# The three steps of a plan, in order.
STEPS = (OPERATIONALIZE, FEEDBACK_PROCESS, FIND_AND_FIX)
# The steps that can own a failure mode by holding techniques; `operationalize` owns one
# only when the definitions leave the owner open.
OWNING_STEPS = (FEEDBACK_PROCESS, FIND_AND_FIX)
# The owner of a failure mode that no step must handle (the ownership lens says `none`).
NO_OWNER = "none"
# The lens whose verdict is the owner of a failure mode (the `std` catalog declares it).
OWNERSHIP_LENS = "generalization"

# Technique statuses, least mature first; coverage counts those at or above a threshold.
STATUSES = ("research", "prototype", "deployed", "validated")
# By default an untested idea (`research`, or no status) covers nothing: a technique counts
# from `prototype` on, once something has been built and tried. `--min-status` chooses.
DEFAULT_THRESHOLD = "prototype"

# What a step-3 technique changes when it fixes a bad behaviour.
FIX_KINDS = ("training_data", "architecture", "inductive_bias")

