"""The chief representative's desk: review (一审一核 / 审核签发), the sign-off queue, delegations and deputies, and the
decisions with their sealed documents. Uses cases and below.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["decisions", "delegations", "queue", "review"]  # public modules: other packages import only these
