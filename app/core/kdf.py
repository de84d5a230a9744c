"""The argon2id cost used at this workstation for passwords and for keys sealed under a password.

OWASP's Password Storage Cheat Sheet lists equivalent argon2id settings; we take m = 19 MiB, t = 2,
p = 1 (its first recommendation). The RFC 9106 low-memory profile we used before (m = 64 MiB, t = 3,
p = 4) made sign-in the program's memory peak: 64 MiB on top of a window that needs ~150 MiB. The
OWASP setting costs an attacker about as much per guess (memory × passes, one lane), and the hash or
sealed blob carries its own parameters, so what was stored under the old profile still verifies and
opens; it is redone with these at the next successful sign-in.
"""

from __future__ import annotations

import ctypes
import sys
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret_raw


@dataclass(frozen=True)
class Argon2Cost:
    time_cost: int
    memory_cost: int  # KiB
    parallelism: int

    def encode(self) -> str:
        return f"m={self.memory_cost},t={self.time_cost},p={self.parallelism}"

    @classmethod
    def decode(cls, text: str) -> Argon2Cost:
        """From "m=…,t=…,p=…" (the parameter field of an argon2 encoded hash)."""
        fields = dict(part.split("=", 1) for part in text.split(","))
        return cls(int(fields["t"]), int(fields["m"]), int(fields["p"]))


OWASP = Argon2Cost(time_cost=2, memory_cost=19 * 1024, parallelism=1)
RFC9106_LOW_MEMORY = Argon2Cost(time_cost=3, memory_cost=64 * 1024, parallelism=4)  # before: still opens
CURRENT = OWASP


def password_hasher(cost: Argon2Cost = CURRENT) -> PasswordHasher:
    """Hashes with `cost`; verify() reads the cost from each stored hash, check_needs_rehash() compares."""
    return PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_cost, parallelism=cost.parallelism)


def derive_key(password: str, salt: bytes, cost: Argon2Cost) -> bytes:
    """A 256-bit key from the password (argon2id, raw output)."""
    return hash_secret_raw(password.encode(), salt, time_cost=cost.time_cost, memory_cost=cost.memory_cost,
                           parallelism=cost.parallelism, hash_len=32, type=Type.ID)


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def give_back_memory() -> None:
    """After the argon2 calls of a sign-in: return their freed blocks to the OS (glibc only).

    glibc maps the first large block and unmaps it when freed, but then raises its mmap threshold to that
    block's size, so the next argon2 block comes from the heap and stays resident after it is freed:
    +19 MiB for the rest of the session (it was the peak at the main window, #18). malloc_trim gives the
    free pages back. Windows' heap and macOS' allocator release such blocks themselves: nothing to do.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)
