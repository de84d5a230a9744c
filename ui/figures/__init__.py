"""统计: the window's figures as tables and charts, exported as a workbook.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["stats_view"]  # public modules: other packages import only these
