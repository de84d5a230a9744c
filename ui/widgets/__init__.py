"""Building blocks every page uses: field error labels, read-only table models, table helpers, the background
task runner and the workstation preferences. Imports no page.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["action_buttons", "dialog_buttons", "field_errors", "live", "preferences", "rows_model", "table_helpers",
           "tasks", "ui_gc"]  # public modules: other packages import only these
