"""Greedy line breaking of plain Chinese text for canvas-drawn documents (the 80 mm receipt).

A platypus Paragraph does the same job with markup, justification and frame splitting, and on a
receipt that generality was a third of the rendering time; a slip is left-aligned plain text, so
measuring characters and breaking greedily is enough. The rules are the same GB/T 15834 ones the
Paragraph path follows (text.py): closing punctuation never starts a line, opening punctuation
never ends one, and a run of Latin letters or digits (a phone number, an item code) is kept whole
when it fits on a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.documents.text import NO_LINE_END, NO_LINE_START

# A Latin word, number, code or phone number: breaking inside it would misprint it.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/:@+]*|.", re.S)


def tokens(text: str) -> list[str]:
    """Units that may not be broken: Latin/digit runs whole, every other character alone."""
    return _TOKEN.findall(text)


def break_lines(text: str, first_width: float, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of text no wider than first_width (the first) and width (the rest), by measure(str).

    Newlines are kept as hard breaks; spaces at a break are dropped. A token wider than a whole
    line is cut by characters (nothing else can be done with it).
    """
    out: list[str] = []
    for hard in text.split("\n"):
        out += _break_one(hard, first_width if not out else width, width, measure)
    return out


def _break_one(text: str, first_width: float, width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[list[str]] = []
    line: list[str] = []
    used, limit = 0.0, first_width
    pending = _split_long(tokens(text), min(first_width, width), measure)
    i = 0
    while i < len(pending):
        tok = pending[i]
        w = measure(tok)
        if not line or used + w <= limit or tok.isspace():
            line.append(tok)
            used += w
            i += 1
            continue
        moved = _tail_to_move(line, tok)
        if moved:
            i -= moved  # those tokens go down with the one that did not fit
            del line[-moved:]
        lines.append(line)
        line, used, limit = [], 0.0, width
    lines.append(line)
    return ["".join(ln).rstrip(" ") for ln in lines] if text else [""]


def _tail_to_move(line: list[str], nxt: str) -> int:
    """How many tokens at the end of line must go down so neither punctuation rule is broken.

    Spaces are dropped at a break, so the rules look at the last printed token, past any spaces.
    """
    def last_shown(moved: int) -> int:  # index of the last printed token once `moved` went down (-1: none)
        i = len(line) - moved - 1
        while i >= 0 and line[i].isspace():
            i -= 1
        return i

    n = 0
    if nxt in NO_LINE_START:
        # the closer may not start the next line: the token before it goes down with it, and so do
        # the closers in front of that one
        while (i := last_shown(n)) >= 0:
            n = len(line) - i
            if line[i] not in NO_LINE_START:
                break
    while (i := last_shown(n)) >= 0 and line[i] in NO_LINE_END:
        n = len(line) - i  # an opener left at the end of the line joins what it opens
    return n if last_shown(n) >= 0 else 0  # a line of punctuation around one word stays as it is


def _split_long(toks: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    out: list[str] = []
    for tok in toks:
        if len(tok) > 1 and measure(tok) > width:
            out += list(tok)
        else:
            out.append(tok)
    return out
