"""发证: cases awaiting a certificate, the certificate form and preview, handover.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["delivery_dialog", "view"]  # the 送达 form serves the 一件事 handover too  # public modules: other packages import only these
