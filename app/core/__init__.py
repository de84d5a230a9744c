"""The ground every capability stands on: the application context and its transactions, errors, roles and
permissions (auth), the hash-chained audit log, durable file writes, the data directory, fault points, the
outbox every change is queued in for the server, the clock, this machine's fingerprint and the one text
rule client and server share (and one reading of an item's 告知承诺 terms). It imports no other capability of app/ (only db/).

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["audit", "auth", "changes", "commitment_terms", "context", "data_keys", "errors", "faults",
           "files", "machine", "masking", "op_keys", "outbox", "paths", "promise_rules", "sealed_files",
           "secret_store", "text_rules"]  # public modules: others import only these
