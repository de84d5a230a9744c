"""受理 at the counter: the applicant and materials checked at the field, the outcomes (accept, one-time notice,
refuse, 收件 with the five-day rule, acceptance on a 告知承诺), 补正 with its override, and the form's draft that survives a crash. Uses
cases and below.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["commitments", "consultations", "correction", "drafts", "input_checks", "outcomes", "repeats"]  # public modules: others import only these
