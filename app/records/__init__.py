"""The append-only registers the procedures write into: a case's timeline of events and the register of every
document issued (number, file, prints, voids), with the issuer block documents print. Uses core, documents
and reference.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["case_events", "doc_facts", "doc_register"]  # public modules: other packages import only these
