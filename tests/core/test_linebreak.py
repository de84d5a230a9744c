"""Greedy Chinese line breaking for the receipt: expected lines worked out by hand, one unit per character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.documents.linebreak import break_lines, tokens


def units(text: str) -> float:
    return float(len(text))


@pytest.mark.parametrize(("text", "first", "rest", "lines"), [
    ("一二三四五六", 3, 3, ["一二三", "四五六"]),
    ("一二三四五", 2, 3, ["一二", "三四五"]),
    # "，" may not start a line: "三" goes down with it
    ("一二三，四五", 3, 3, ["一二", "三，四", "五"]),
    # two closers: both stay together with the character before them
    ("一二三。”四", 3, 3, ["一二", "三。”", "四"]),
    # "（" may not end a line: it goes down to what it opens
    ("一二（三）", 3, 3, ["一二", "（三）"]),
    # a phone number is never cut while it fits on a line of its own
    ("电话0589-87096101", 14, 14, ["电话", "0589-87096101"]),
    # wider than any line: cut by characters
    ("号ABCDEFGH", 4, 4, ["号ABC", "DEFG", "H"]),
    # hard newlines kept, an empty line stays empty
    ("一二\n\n三", 5, 5, ["一二", "", "三"]),
    # a space at the break is dropped
    ("AB CD EF", 5, 5, ["AB CD", "EF"]),
    ("", 5, 5, [""]),
])
def test_lines_by_hand(text: str, first: float, rest: float, lines: list[str]) -> None:
    assert break_lines(text, first, rest, units) == lines


def test_tokens_keep_codes_whole() -> None:
    assert tokens("事项：330999-SJ-XK-001（承诺件）") == [
        "事", "项", "：", "330999-SJ-XK-001", "（", "承", "诺", "件", "）"]


CLOSERS, OPENERS = "，。、；：！？”’》）", "“‘《（"


@given(st.text(alphabet="一二三四五六七八九十" + CLOSERS + OPENERS + "AB12 ", max_size=80),
       st.integers(min_value=4, max_value=20))
def test_nothing_lost_and_the_rules_hold(text: str, width: int) -> None:
    lines = break_lines(text, width, width, units)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for k, line in enumerate(lines):
        if len(tokens(line)) > 1:
            assert len(line) <= width, lines
        starts_badly = k and line and line[0] in CLOSERS
        ends_badly = k < len(lines) - 1 and line and line[-1] in OPENERS
        # a rule may give way only where moving would empty the line: one token and punctuation
        if starts_badly:
            assert stuck(lines[k - 1]), lines
        if ends_badly:
            assert stuck(line), lines


def stuck(line: str) -> bool:
    """Nothing but punctuation around at most one word: moving the tail down would empty the line."""
    return sum(t not in CLOSERS + OPENERS + " " for t in tokens(line.strip())) <= 1


def test_cached_character_widths_add_up_to_the_string_width() -> None:
    from app.documents.fonts import default_chain

    chain = default_chain()
    for text in ("王䶮𠮷 申请人：AB-12（原件）", "\t", "", "\u200b零宽"):
        assert chain.measure_chars(text, 9) == pytest.approx(chain.string_width(text, 9))
