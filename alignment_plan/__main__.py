"""`python -m alignment_plan`: the same entry point as the `alignment-plan` console script."""

import sys

from alignment_plan.cli import main

sys.exit(main())
