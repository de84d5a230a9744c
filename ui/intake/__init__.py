"""受理: the keyboard-first intake form, its materials checklist and the refusal dialog.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["materials", "refusal_dialog", "view"]  # public modules: other packages import only these
