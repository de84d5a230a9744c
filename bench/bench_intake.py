"""Intake benchmark (run by hand; prints numbers, never fails).

    uv run python bench/bench_intake.py [N]

Intake commit (one fsync'd transaction: case, materials, event, outbox, document row) with its
receipt PDF written (fsync'd), median of N, beside bare reportlab drawing the same receipt — the
text lines of the receipt the intake printed, read back with pdftotext — in the same run, at
reportlab's stock settings (goal ≤ 4×). Also the full acceptance (receipt + sealed, signed
acceptance notice) for reference.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_documents import bare_same_receipt, median_ms  # noqa: E402
from ow_testkit import clerk, complete, item_named  # noqa: E402

from app.intake.outcomes import accept_case, receive_case  # noqa: E402
from app.records.doc_register import read_document  # noqa: E402
from app.station.bootstrap import open_data_dir  # noqa: E402


def main(n: int = 200) -> None:
    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    actor = clerk(ctx)
    data = complete(item_named(ctx, "食品经营许可"))
    ours = median_ms(lambda: receive_case(ctx, actor, data), n)
    made = receive_case(ctx, actor, data)
    bare = median_ms(bare_same_receipt(read_document(ctx, made.document_ids[0])[1], made.case_no), n)
    print(f"intake commit + receipt   OneWindow {ours:7.2f} ms   bare reportlab same receipt {bare:6.2f} ms   "
          f"ratio {ours / bare:4.2f}× (goal ≤ 4×, median of {n})")
    m = max(20, n // 5)
    full = median_ms(lambda: accept_case(ctx, actor, data), m)
    print(f"full acceptance (receipt + sealed, signed notice)  {full:7.2f} ms (median of {m})")
    ctx.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
