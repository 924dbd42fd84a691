"""`python -m cin_tui` is the `cin` command."""

import sys

from cin_tui.cli import main

sys.exit(main())
