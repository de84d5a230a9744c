"""`onewindow verify FILE.pdf`: the core's verdict, printed in Chinese and English."""

from __future__ import annotations

from pathlib import Path

from app.core.errors import AppError
from app.station.bootstrap import open_data_dir
from app.tools.verify import verify_pdf


def run_verify(root: Path, file: Path, *, demo: bool) -> int:
    try:
        pdf = file.read_bytes()
    except OSError as exc:
        print(f"✘ 无法读取文件 cannot read {file}: {exc.strerror}")
        return 2
    try:
        ctx = open_data_dir(root, demo=demo)
    except AppError as exc:
        print(f"✘ {exc.message}")
        return 2
    try:
        report = verify_pdf(ctx, pdf)
    finally:
        ctx.dispose()
    print(f"OneWindow verify: {file}")
    for line in report.lines:
        mark = {True: "✔", False: "✘", None: "·"}[line.ok]
        print(f"{mark} {line.zh} / {line.en}")
    verdict = "样张 SAMPLE（不是有效文书 / not a valid document）" if report.sample else (
        "有效 VALID" if report.ok else "无效 NOT VALID")
    print(f"结论 / result: {verdict}")
    return 0 if report.ok else 1
