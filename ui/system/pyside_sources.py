"""Stop PySide6's import hook from keeping the source of every module in memory (#18: peak memory).

After PySide6 is imported, its `__feature__` support (shibokensupport.feature) looks at each module
imported from then on to see whether it uses PySide6 — by reading the module's source through
`inspect.getsource`, which keeps every line in `linecache`. For the ~700 modules the window imports
(SQLAlchemy, cryptography, our own) that is ~25 MiB of source text held for nothing (tracemalloc at the
main window). The check itself stays PySide6's; only what it left in linecache is dropped after each
look. If a PySide6 release renames the hook this does nothing, and nothing breaks.
"""

from __future__ import annotations

import linecache
import sys
from typing import Any


def keep_no_sources() -> None:
    """Wrap the hook's source check so that the lines it reads leave linecache again."""
    import PySide6.QtCore  # noqa: F401  loads shibokensupport.feature (the window needs QtCore next anyway)

    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or check is None or getattr(check, "_onewindow_wrapped", False):
        return

    def uses_pyside(module: Any) -> bool:
        before = set(linecache.cache)
        try:
            return bool(check(module))
        finally:
            for name in set(linecache.cache) - before:  # only what this look added: a traceback's lines stay
                linecache.cache.pop(name, None)

    uses_pyside._onewindow_wrapped = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
