"""Every counter document drawn as a PDF: receipts, notices, decisions, certificates, the seal impression,
barcodes and QR codes, fonts with rare-character fallback, PAdES signing. Pure: document data in, bytes out;
it knows no database and uses only app.core.errors.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["commitment", "consultation_notice", "credentials", "data", "fonts", "legal_text", "recovery_sheet",
           "render", "sample_mark", "signing", "text"]  # public modules: other packages import only these
