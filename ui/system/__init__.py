"""The program around the pages: start-up, sign-in, the main window, crash handling, fonts, settings, and the
command-line subcommands (doctor, samples, verify).

Public modules are listed in __all__; the others are private to this package
(tests/test_architecture.py holds it).
"""

__all__ = ["doctor_cli", "enrol_cli", "first_run_dialog", "gui", "keys_cli", "pyside_sources", "samples_cli",
           "verify_cli"]  # public modules
