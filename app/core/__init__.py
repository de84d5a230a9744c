"""The ground every capability stands on: the application context and its transactions, errors, roles and
permissions (auth), the hash-chained audit log, durable file writes, the data directory, fault points, the
outbox every change is queued in for the server, the clock and this machine's fingerprint. It imports no
other capability of app/ (only db/).

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["audit", "auth", "changes", "context", "errors", "faults", "files", "machine", "outbox", "paths",
           "secret_store", "data_keys", "sealed_files", "masking"]  # public modules: other packages import only these
