"""Named fault points on real code paths, for the crash tests: ONEWINDOW_FAULT=name kills the process there.

Off unless the environment variable is set; the check is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal


def fault_point(name: str) -> None:
    """SIGKILL this process when ONEWINDOW_FAULT names this point (no cleanup, like a power cut)."""
    if os.environ.get("ONEWINDOW_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
