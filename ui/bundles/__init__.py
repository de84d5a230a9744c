"""一件事一次办 at the comprehensive window: the combined intake form and the follow-up of its bundles.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["follow_view", "intake_view", "page"]  # public modules: other packages import only these
