"""The window's special seal (行政审批服务专用章): the seals and their status, custody and standing authorisations,
sealing a document (impression, signature, register entry) and the seal usage register. Uses core,
documents, reference and records.

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["custody", "sealing", "seals", "usage_register"]  # public modules: other packages import only these
