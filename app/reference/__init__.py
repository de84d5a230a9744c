"""What the counter works from and never changes while it works: the official calendar and working-day
arithmetic, ID numbers and their checks, the hall and its windows, the catalog of items, the workstation's
settings, and the ID-card reader. Uses core and documents' plain data; nothing above.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["calendar", "catalog", "hall", "id_reader", "identity", "settings", "workdays"]  # public modules: other packages import only these
