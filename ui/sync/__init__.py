"""同步: the sync page — status, waiting and refused changes, enrolment.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["view"]  # public modules: other packages import only these
