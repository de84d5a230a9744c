"""The workstation and the central server: the wire protocol (shared with the server), enrolment and
credentials, pushing the outbox, pulling reference data and back-office decisions, number blocks, document
blobs (and site-visit photos fetched on demand), restored-backup and cloned-disk guards, and the status shown to the clerk. Uses every capability
below it; only station and tools are above.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["backoff", "credentials", "engine", "enrolment", "first_run", "op_signing", "protocol", "reference_data",
           "rollback_guard", "status", "visit_photos"]  # public modules: other packages import only these
