"""The records a hall administrator keeps: the audit log, the seal usage register and seal custody, in one
dialog. The custodian password dialog is reused at sign-off.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["records_dialog", "seal_views"]  # public modules: other packages import only these
