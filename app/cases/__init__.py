"""A case once it exists: its states and numbers, legal and promised deadlines, lights, special procedures
(suspension, extension), queries and the detail page's facts, attachments, ratings (好差评), its documents
issued from its own facts, the post-check of 告知承诺 cases, and the snapshot the server receives. Uses seal and below.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["attachments", "bundle_parts", "case_documents", "commitments", "deadlines", "detail",
           "forwarding", "lights", "numbers", "personal_data", "queries", "ratings", "reissue",
           "site_visits", "snapshot", "special_procedures", "states"]  # public modules: other packages import only these
