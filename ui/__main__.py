"""`python -m ui` and the PyInstaller entry: the same as the `onewindow` command."""

import sys

from ui.main import main

sys.exit(main())
