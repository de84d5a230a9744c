"""#19 done-when: a stolen data directory or backup gives away none of a known applicant's name, ID or phone."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from ow_testkit import clerk, complete, item_named
from privacy.privacy_kit import NAME, PHONE, applicant, byte_search, scan_pdf, stored_files
from sync_testkit import memory_keyring

from app.cases.attachments import add_attachment, read_attachment
from app.core import data_keys
from app.core.sealed_files import read_stored
from app.intake.outcomes import accept_case
from app.records.doc_register import read_document
from app.station.at_rest import SEALED_MARK
from app.station.bootstrap import open_data_dir
from db.migrate import backup_file

ITEM = "食品经营许可变更"


def _pdftotext(data: bytes, tmp: Path) -> str:
    src = tmp / "doc.pdf"
    src.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True,
                          check=True).stdout


def _intake_with_scan(root: Path, demo: bool) -> tuple[str, str, str]:
    ctx = open_data_dir(root, demo=demo)
    try:
        made = accept_case(ctx, clerk(ctx), complete(item_named(ctx, ITEM), applicant()))
        att = add_attachment(ctx, clerk(ctx), made.case_id, "身份证复印件.pdf", scan_pdf())
        backup_file(ctx.data.database, ctx.data.backups, "manual")
        return made.case_id, made.document_ids[-1], att.id
    finally:
        ctx.dispose()


def test_plain_demo_directory_gives_everything_away(demo_dir: Path, tmp_path: Path) -> None:
    """The control: without protection the byte search finds all three (so the next test can fail)."""
    _intake_with_scan(demo_dir, demo=True)
    found = byte_search(demo_dir)
    assert {"name", "id", "phone"} <= set(found)
    assert any(p.startswith("backups/") for p in found["id"])
    assert any(p.startswith("attachments/") for p in found["id"])


def test_production_directory_holds_nothing_in_clear(demo_dir: Path, tmp_path: Path) -> None:
    with memory_keyring():
        case_id, doc_id, att_id = _intake_with_scan(demo_dir, demo=True)  # made plain, by an earlier release
        ctx = open_data_dir(demo_dir, demo=False)  # this release, on a machine with a secret store
        try:
            assert (demo_dir / SEALED_MARK).exists() and data_keys.protected(demo_dir)
            # A second intake and scan after the upgrade, and a backup of the encrypted database.
            again = accept_case(ctx, clerk(ctx), complete(item_named(ctx, ITEM), applicant()))
            add_attachment(ctx, clerk(ctx), again.case_id, "户口簿.pdf", scan_pdf() + b"%2")
            assert sorted(ctx.data.backups.glob("*-daily.sqlite")), "the start made today's backup"
            backup_file(ctx.data.database, ctx.data.backups, "after", key=data_keys.key(demo_dir, "database"))
            # Everything still reads through the one read function: documents, scans.
            info, pdf = read_document(ctx, doc_id)
            assert NAME in _pdftotext(pdf, tmp_path).replace(" ", "")
            _att, scan = read_attachment(ctx, clerk(ctx), att_id)
            assert scan == scan_pdf()
            for path in stored_files(ctx):
                assert read_stored(ctx.data.root, path)[:5] == b"%PDF-"
        finally:
            ctx.dispose()
        found = byte_search(demo_dir)
        assert found == {}, f"personal data in clear: {found}"
        assert not (demo_dir / "keys.json").read_text().count("=")  # ids only, never a key
        # Plain sqlite3 cannot read the database nor any backup.
        for db in [demo_dir / "onewindow.sqlite", *sorted((demo_dir / "backups").glob("*.sqlite"))]:
            with pytest.raises(sqlite3.DatabaseError, match="not a database"):
                sqlite3.connect(db).execute("SELECT count(*) FROM sqlite_master").fetchone()
        # The stored documents are no longer PDFs to pdftotext.
        for path in sorted((demo_dir / "documents").rglob("*.pdf")):
            assert subprocess.run(["pdftotext", str(path), "-"], capture_output=True).returncode != 0
        # And the encrypted directory opens again with the keyring, every case there.
        ctx = open_data_dir(demo_dir, demo=False)
        try:
            assert read_document(ctx, doc_id)[0].sha256
            assert PHONE not in (demo_dir / "audit-head.json").read_text()
        finally:
            ctx.dispose()
