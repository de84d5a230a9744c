"""签批: the chief representative's queue, review and sign-off.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["view"]  # public modules: other packages import only these
