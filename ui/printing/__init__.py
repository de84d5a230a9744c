"""Printing to real printers and PDF: printer choice, page rendering, print dialogs and the document buttons
(open, print, reprint) pages share. Uses widgets.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["dialogs", "document_actions", "printers", "recovery_key_dialog"]  # public modules: other packages import only these
