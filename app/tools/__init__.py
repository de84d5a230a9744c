"""Commands around the counter rather than at it: doctor (is this workstation ready?), template samples,
verifying a document, and searching the audit log. The top of app/.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["audit_search", "doctor", "samples", "verify", "privacy_checks", "key_checks"]  # public modules: other packages import only these
