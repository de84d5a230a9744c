"""The window's figures: acceptance, completion, on-time rates, speed-up against the legal limit, 好差评, 告知承诺
and site visits, and the .xlsx workbook. Reads cases; writes nothing.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["commitments", "consultations", "report", "site_visits", "workbook"]  # public modules: other packages import only these
