"""`python -m sailpoint_sim`: the same command-line tool as the `sailpoint-sim` console script."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
