"""Write the central server's old schemas, as each release's own models made them, to tests/server/data/.

Run once (by hand) when a server release changes its models: it reads each listed commit's server/models.py
straight from git (`git show`), lets that file's metadata emit its CREATE statements for SQLite and for
PostgreSQL, and stores them as server_schema_<revision>.<dialect>.sql. The migration tests load these files,
so what an old release's database looks like comes from the old code itself, not from the migrations under
test. The commit of each revision is the merge into the main line that shipped that schema.

    uv run python scripts/dump_old_server_schemas.py
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

from sqlalchemy import MetaData, create_mock_engine
from sqlalchemy.schema import ExecutableDDLElement

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "server" / "data"
# revision: the commit of the main line whose server/models.py built that schema
SHIPPED = {
    "s0001": "325966c",  # the first server
    "s0002": "90ee130",  # deputy.named_by
    "s0003": "cb3d81b",  # staff_key
    "s0004": "dd86d90",  # audit_anchor
    "s0005": "42d6e18",  # consultation
    "s0006": "b39742a",  # site_visit
    "s0007": "268cbf1",  # commitment
    "s0008": "8553a4d",  # commitment.note, credit_record
}
DIALECTS = {"sqlite": "sqlite://", "postgresql": "postgresql+psycopg://"}


def old_metadata(commit: str) -> MetaData:
    source = subprocess.run(["git", "show", f"{commit}:server/models.py"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    module = types.ModuleType(f"server_models_{commit}")
    sys.modules[module.__name__] = module  # the models' annotations are resolved through sys.modules
    exec(compile(source, f"{commit}:server/models.py", "exec"), module.__dict__)
    return module.Base.metadata


def create_statements(metadata: MetaData, url: str) -> list[str]:
    statements: list[str] = []

    def record(ddl: ExecutableDDLElement, *_args: object, **_kw: object) -> None:
        text = str(ddl.compile(dialect=engine.dialect)).strip()
        statements.append("\n".join(line.rstrip() for line in text.splitlines()) + ";")

    engine = create_mock_engine(url, record)
    metadata.create_all(engine, checkfirst=False)
    return statements


def main() -> None:
    for revision, commit in SHIPPED.items():
        metadata = old_metadata(commit)
        for dialect, url in DIALECTS.items():
            header = (f"-- The central server's schema at revision {revision}: what"
                      f" `git show {commit}:server/models.py` created on {dialect}\n"
                      "-- (written by scripts/dump_old_server_schemas.py; do not edit)\n")
            body = "\n\n".join(create_statements(metadata, url))
            target = OUT / f"server_schema_{revision}.{dialect}.sql"
            target.write_text(header + "\n" + body + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
