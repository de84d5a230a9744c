"""证照: certificate types and their numbers (leased blocks), issuance from the decision, the desk of cases
awaiting issue, handover and delivery (送达), void and reissue, revocation after a false commitment (告知承诺). Uses cases and below.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["delivery", "issuance", "kinds", "numbers", "register", "revocation", "terms"]  # public modules: other packages import only these
