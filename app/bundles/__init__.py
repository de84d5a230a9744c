"""一件事一次办: one application at the comprehensive window for a theme of items across departments — the
bundle, its parts (each an ordinary case with its own number, department and deadlines, routed to its
department's window), the bundle's documents, its progress and the one handover. Uses intake, cases and
below; nothing above.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["adhoc", "bundle_desk", "bundle_figures", "bundle_handover", "bundle_intake", "bundle_papers",
           "bundle_path", "bundle_progress", "bundle_receipt", "bundle_scans",
           "bundle_supplement", "bundle_termination"]  # public modules: other packages import only these
