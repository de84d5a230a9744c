"""办件: the case desk — list and search, the case detail with its special procedures, the due panel. Its small
dialogs are reused by other pages.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["dialogs", "due_panel", "list_view"]  # public modules: other packages import only these
