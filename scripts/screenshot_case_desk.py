"""Screenshots of the case desk (list, detail, deadlines, stats) on a seeded demo, under a real X server.

    xvfb-run -a -s "-screen 0 1440x900x24" uv run python scripts/screenshot_case_desk.py OUT_DIR

Seeds about forty cases of window A01 over the five weeks before Fri 2026-11-20 (decisions, a special
procedure that ran longer than expected, an extension, ratings with one bad review), then writes
cases.png, detail.png, detail-deadlines.png, stats.png and the notices as PNG pages into OUT_DIR.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ow_testkit import at_local, clerk, complete, item_named, person, set_clock, with_status  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.cases.ratings import record_rating  # noqa: E402
from app.cases.special_procedures import end_suspension, extend, start_suspension  # noqa: E402
from app.core.context import AppContext  # noqa: E402
from app.intake.outcomes import accept_case, notify_case  # noqa: E402
from app.reference.workdays import current_calendar  # noqa: E402
from app.station.bootstrap import open_data_dir  # noqa: E402
from db.models import Case, Document  # noqa: E402

ITEMS = ("食品经营许可", "食品经营许可变更", "药品零售许可", "食品生产许可", "特种设备使用登记", "有限责任公司设立登记")
NAMES = ("王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周杰", "吴倩", "徐静怡", "孙立", "马超",
         "朱丽叶", "胡军", "郭晨", "何欣", "高翔", "林晓", "罗兰")


def seed(ctx: AppContext) -> dict[str, str]:
    rng = random.Random(5)
    actor = clerk(ctx)
    chief = clerk(ctx, "zhoujianhua")
    today = date(2026, 11, 20)
    with ctx.read() as s:
        cal = current_calendar(s)
    days = [today - timedelta(days=i) for i in range(36, 0, -1)]
    ids: list[tuple[str, date]] = []
    for day in days:
        if not cal.is_workday(day):
            continue
        for _ in range(rng.choice((1, 1, 2))):
            set_clock(ctx, at_local(day.year, day.month, day.day, rng.randrange(9, 16), rng.randrange(60)))
            r = accept_case(ctx, actor, complete(item_named(ctx, rng.choice(ITEMS)), person(rng.choice(NAMES))))
            ids.append((r.case_id, day))
    with ctx.write() as s:  # decisions belong to sign-off; here only their times matter
        for case_id, day in ids:
            case = s.get(Case, case_id)
            if (today - day).days > 9 and rng.random() < 0.85:
                late = rng.random() < 0.15
                done = case.promised_deadline + timedelta(days=2) if late else day + timedelta(
                    days=rng.randrange(1, max(2, (case.promised_deadline - day).days + 1)))
                case.state, case.decision = "approved", "approved"
                case.decided_at = at_local(done.year, done.month, done.day, 15)
    with ctx.write() as s:  # a case still due after 11-11, so the special procedure moves its promise
        case = next(c for c in (s.get(Case, cid) for cid, _d in ids)
                    if c.promised_deadline and c.promised_deadline > date(2026, 11, 13) and c.accepted_at
                    and c.accepted_at < at_local(2026, 11, 11))
        case.state, case.decided_at, case.decision = "accepted", None, None
        special_id = case.id
    set_clock(ctx, at_local(2026, 11, 11, 10))
    start_suspension(ctx, actor, special_id, "expert_review", "申请人拟使用的新工艺需组织专家评审", 3)
    set_clock(ctx, at_local(2026, 11, 18, 16))
    end_suspension(ctx, actor, special_id, note="专家评审意见已出具")
    set_clock(ctx, at_local(2026, 11, 19, 10))
    with ctx.write() as s:
        case = next(c for c in (s.get(Case, cid) for cid, d in reversed(ids) if (today - d).days > 4)
                    if c.legal_deadline and c.legal_deadline >= date(2026, 11, 19) and c.id != special_id)
        case.state, case.decided_at, case.decision = "under_review", None, None
        ext_id = case.id
    extend(ctx, chief, ext_id, "需征求卫生健康部门意见，不能在法定期限内作出决定")
    susp_id = ids[-3][0]
    start_suspension(ctx, actor, susp_id, "testing", "样品送检测机构检测", 10)
    food = item_named(ctx, "食品经营许可")
    notify_case(ctx, actor, complete(food, person("钱进"), with_status(food, 2, "defective", "平面图未标注面积")))
    set_clock(ctx, at_local(2026, 11, 20, 11))
    for case_id, _d in ids[:12]:
        record_rating(ctx, actor, case_id, "acceptance", rng.choice((5, 5, 5, 4, 3)), "", "device")
    record_rating(ctx, actor, ids[3][0], "completion", 2, "等待时间太长，窗口没有提前告知", "paper")
    with ctx.read() as s:
        docs = {d.kind: d.path for d in s.query(Document).filter(Document.kind.in_(
            ("special_procedure_notice", "extension_notice")))}
    return {"special": special_id, **docs}


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv)
    from ui.system.fonts import install_fonts
    from ui.system.main_window import MainWindow
    from ui.widgets.preferences import Preferences

    install_fonts(app)
    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    seeded = seed(ctx)
    for kind in ("special_procedure_notice", "extension_notice"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(ctx.data.root / seeded[kind]),
                        str(out / kind)], check=True)
    from app.reference.hall import hall_info

    win = MainWindow(ctx, clerk(ctx), hall_info(ctx), prefs=Preferences(demo=True))
    win.resize(1440, 900)
    win.move(0, 0)
    win.show()
    win.show_section("cases")
    steps = [
        lambda: None,
        lambda: shoot("cases.png"),
        lambda: win.cases.open_case(seeded["special"]),
        lambda: shoot("detail.png"),
        lambda: win.cases.detail.tabs.setCurrentIndex(3),
        lambda: shoot("detail-deadlines.png"),
        lambda: (win.show_section("stats"), win.stats.granularity.setCurrentIndex(1)),
        lambda: shoot("stats.png"),
        app.quit,
    ]

    def shoot(name: str) -> None:
        app.primaryScreen().grabWindow(0).save(str(out / name))

    def run(i: int = 0) -> None:
        steps[i]()
        if i + 1 < len(steps):
            QTimer.singleShot(700, lambda: run(i + 1))

    QTimer.singleShot(800, run)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "shots")
