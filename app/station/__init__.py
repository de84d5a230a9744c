"""This workstation's life: opening (and migrating) its data directory, demo provisioning, the daily backup,
and the housekeeping run at start-up and hourly (deemed acceptance, unanswered notices, backup). Uses every
capability below.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["bootstrap", "housekeeping", "at_rest", "retention", "recovery", "recovery_handover"]  # public modules: other packages import only these
