"""`python -m eligibility ...`: see eligibility.cli."""

import sys

from eligibility.cli import main

if __name__ == "__main__":
    sys.exit(main())
