"""`python -m pathway` is the `pathway` command."""

import sys

from .cli import main

sys.exit(main())
