"""Run the command line: ``python -m pamphlet``."""

import sys

from .cli import main

sys.exit(main())
