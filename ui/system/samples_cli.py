"""`onewindow samples OUTDIR`: a 样张 of every document kind for template review (nothing is issued or registered)."""

from __future__ import annotations

from pathlib import Path

from app.core.errors import AppError
from app.documents.fonts import MissingGlyph
from app.station.bootstrap import open_data_dir
from app.tools.samples import make_samples


def run_samples(root: Path, outdir: Path, *, name: str, org: str, demo: bool) -> int:
    ctx = open_data_dir(root, demo=demo)
    try:
        files = make_samples(ctx, outdir, name=name, org=org)
    except (AppError, MissingGlyph) as exc:
        print(f"✘ {getattr(exc, 'message', str(exc))}")
        return 1
    finally:
        ctx.dispose()
    for f in files:
        print(f)
    return 0
