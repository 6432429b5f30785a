"""`python -m model ...` is the same as `citizenization ...`."""

import sys

from model.cli import main

sys.exit(main())
