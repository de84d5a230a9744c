"""One rule for text that travels: what the workstation refuses before commit is what the server refuses.

Standard library only: the central server imports this module too (tests/server/test_server_cli.py).
A field may hold any printable character of any script (rare name characters are data); it may not
hold NUL, C0/C1 control characters other than tab and line breaks, lone surrogates (they cannot be
encoded as UTF-8, so no database or JSON encoder takes them) or non-finite numbers, and no text is
longer than MAX_TEXT characters.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_TEXT = 4000  # characters in one field: the longest real one is a refusal's reasons
MAX_DEPTH = 16  # nesting of an op's payload (a case has materials and documents, two levels)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ANY_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # one search for the usual case


def text_problem(value: str, max_length: int = MAX_TEXT, *, storable_only: bool = False) -> str | None:
    """Why this text would be refused (Chinese, never echoing the text), or None.

    `storable_only`: only what cannot be stored or encoded at all (the server's first gate on any body).
    """
    if len(value) <= max_length and not _ANY_BAD.search(value):
        return None
    if _SURROGATE.search(value):
        return "含有无效的字符编码（孤立代理项）"
    if storable_only:
        return None
    if "\x00" in value:
        return "含有空字符（NUL）"
    if _CONTROL.search(value):
        return "含有不可见的控制字符"
    if len(value) > max_length:
        return f"过长（不超过 {max_length} 字）"
    return None


def value_problem(data: Any, where: str = "", *, storable_only: bool = False) -> tuple[str, str] | None:
    """The first (field path, reason) in a JSON-like value that breaks the rule, or None."""
    stack: list[tuple[str, Any, int]] = [(where, data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return path, "嵌套过深"
        if isinstance(value, str):
            if len(value) <= MAX_TEXT and not _ANY_BAD.search(value):
                continue  # the usual case, without a call
            reason = text_problem(value, storable_only=storable_only)
            if reason:
                return path, reason
        elif isinstance(value, float) and not math.isfinite(value):
            return path, "数值超出范围"
        elif isinstance(value, dict):
            for key, item in value.items():
                key_text = str(key)
                if len(key_text) > 64 or _ANY_BAD.search(key_text):
                    reason = text_problem(key_text, 64, storable_only=storable_only)
                    if reason:
                        return path, f"字段名{reason}"
                if isinstance(item, dict | list | float) or (
                        isinstance(item, str) and (len(item) > MAX_TEXT or _ANY_BAD.search(item))):
                    stack.append((f"{path}.{key_text}" if path else key_text, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))
    return None
