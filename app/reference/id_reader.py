"""The counter's resident ID card reader (二代证阅读器): one interface, real drivers plug in behind it.

The demo uses a simulated reader with a few cards, one of them expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class IdCard:
    """What the chip of a resident ID card holds."""

    name: str
    sex: str
    ethnicity: str
    birth_date: date
    address: str
    id_number: str
    valid_from: date
    valid_to: date | None  # None: 长期 (long-term card)
    issuer: str = ""
    photo: bytes | None = None  # the chip's photo (JPEG after decoding WLT); None from the simulator

    def expired(self, today: date) -> bool:
        return self.valid_to is not None and self.valid_to < today


class ReaderError(Exception):
    """The reader is missing, not answering, or no card is on it; the message is Chinese."""


class IdCardReader(Protocol):
    def read(self) -> IdCard:
        """Read the card on the reader now, or raise ReaderError."""
        ...


class SimulatedReader:
    """Demo reader: each read returns the next card of a small deck."""

    # Numbers with hand-checked GB 11643 check characters (see tests/core/test_id_reader.py).
    DECK = (
        IdCard("王䶮", "男", "汉", date(1949, 12, 31), "北京市朝阳区幸福一村 12 号楼 3 单元 501 室",
               "11010519491231002X", date(2016, 5, 4), None, "北京市公安局朝阳分局"),
        IdCard("陈㛃", "女", "汉", date(1990, 3, 7), "云岫市凤栖街道桂花巷 12 号", "11010119900307803X",
               date(2015, 8, 1), date(2025, 8, 1), "云岫市公安局"),
    )

    def __init__(self) -> None:
        self._next = 0

    def read(self) -> IdCard:
        card = self.DECK[self._next % len(self.DECK)]
        self._next += 1
        return card


class NoReader:
    """No reader configured: says so instead of failing silently."""

    def read(self) -> IdCard:
        raise ReaderError("未连接身份证阅读器，请手工录入证件信息")
