"""Privacy tests' tools: a known applicant, a byte search of a data directory, a keyring kept in a file."""

from __future__ import annotations

import json
from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend

from app.core.context import AppContext
from app.intake.input_checks import ApplicantInput

# GB 11643's published sample number; a name of rare characters (生僻字 are data) and a phone of our own.
NAME = "欧阳䶮蘅"
ID_NUMBER = "11010519491231002X"
PHONE = "13987654321"
NEEDLES = {"name": NAME.encode("utf-8"), "id": ID_NUMBER.encode("ascii"), "phone": PHONE.encode("ascii"),
           # the same in UTF-16 (a PDF text string, Windows tools) so a differently encoded copy is found too
           "name16": NAME.encode("utf-16-be"), "id16": ID_NUMBER.encode("utf-16-be")}


def applicant() -> ApplicantInput:
    return ApplicantInput(kind="person", name=NAME, id_type="resident_id", id_number=ID_NUMBER, phone=PHONE,
                          address="云岫市桂花巷 12 号")


def scan_pdf() -> bytes:
    """A scanned paper as a one-page PDF whose text holds the applicant's ID number and phone in clear."""
    body = f"BT /F1 12 Tf 72 720 Td ({ID_NUMBER} {PHONE}) Tj ET".encode("ascii")
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            + f"4 0 obj<</Length {len(body)}>>stream\n".encode("ascii") + body + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def byte_search(folder: Path) -> dict[str, list[str]]:
    """Every file under `folder` (recursively) holding one of the needles: {needle: [relative paths]}."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        blob = path.read_bytes()
        for label, needle in NEEDLES.items():
            if needle in blob:
                found.setdefault(label, []).append(str(path.relative_to(folder)))
    return found


def stored_files(ctx: AppContext) -> list[Path]:
    return sorted(p for d in (ctx.data.documents, ctx.data.attachments) for p in d.rglob("*") if p.is_file())


class FileKeyring(KeyringBackend):
    """A keyring kept in a JSON file, so that a child process killed in a test and the test share it.

    (A real Secret Service per test is more than these tests need; what they test is the data directory.)
    """

    @properties.classproperty
    def priority(cls) -> float:  # type: ignore[override]  # noqa: N805 (keyring's own idiom)
        raise RuntimeError("test keyring: only through keyring.set_keyring()")

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        store = self._load()
        store[f"{service}/{username}"] = password
        self.path.write_text(json.dumps(store))

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        store = self._load()
        if store.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self.path.write_text(json.dumps(store))
