"""办到哪一步了: a bundle as the comprehensive window follows it — each part's state, department, window and
deadlines, the bundle's deadline along its longest path, and the lights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.bundles.bundle_intake import BUNDLE_STATES
from app.bundles.bundle_path import PathPart, expected, longest
from app.cases.bundle_parts import is_waiting, prerequisites
from app.cases.lights import Light, case_lights, light_of, light_window, worst
from app.cases.states import OPEN_STATES, STATE_LABELS, State
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import NotFound
from app.reference import workdays
from db.models import Bundle, Case, Department, Window

FINAL_GOOD = frozenset({State.APPROVED, State.CERTIFICATE_ISSUED, State.DELIVERED})


@dataclass(frozen=True)
class PartProgress:
    case_id: str
    case_no: str
    item_name: str
    department: str
    window: str  # e.g. "D01 消防救援窗口"
    state: str
    state_label: str  # 等待前置 for a part whose clock has not started
    promised_deadline: date | None  # expected along the path while it waits
    legal_deadline: date | None
    light: Light


@dataclass(frozen=True)
class BundleProgress:
    bundle_id: str
    bundle_no: str
    theme_name: str
    applicant_name: str
    state: str  # open | notified | ready | handed_over
    state_label: str
    promised_deadline: date | None  # the longest path
    legal_deadline: date | None
    light: Light
    parts: tuple[PartProgress, ...]


def _state(bundle: Bundle, cases: list[Case]) -> str:
    if bundle.state in ("handed_over", "notified", "received"):
        return bundle.state
    return "open" if any(c.state in OPEN_STATES for c in cases) else "ready"


def bundle_progress(ctx: AppContext, actor: Actor, bundle_id: str, yellow_workdays: int = 3) -> BundleProgress:
    """Where the bundle and each of its parts stand today."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        bundle = s.get(Bundle, bundle_id)
        if bundle is None:
            raise NotFound("一件事办件不存在")
        cases = list(s.execute(select(Case).where(Case.bundle_id == bundle_id).order_by(Case.case_no)).scalars())
        depts = dict(s.execute(select(Department.id, Department.name)).all())
        windows = {w.id: f"{w.number} {w.name}" for w in s.execute(select(Window)).scalars()}
        cal = workdays.current_calendar(s)
        today = ctx.today()
        running = [c for c in cases if c.state not in (State.REFUSED, State.STOPPED)]
        path = expected(cal, today, [PathPart(c.id, tuple(prerequisites(c)), c.promised_days, c.legal_days,
                                              c.promised_deadline, c.legal_deadline) for c in running])
        window = light_window(cal, today, yellow_workdays)
        parts = []
        for c in cases:
            waiting = is_waiting(c)
            found = path.get(c.id)
            promised = found.promised if found else None
            legal = found.legal if found else None
            if waiting:
                light = Light.NONE
            else:
                light = worst(*case_lights(c.state, c.promised_deadline, c.legal_deadline, window))
            parts.append(PartProgress(c.id, c.case_no, c.item_name, depts.get(c.department_id, ""),
                                      windows.get(c.window_id, ""), c.state,
                                      "等待前置事项准予" if waiting else STATE_LABELS[State(c.state)], promised, legal,
                                      light))
        open_parts = [c.id for c in running if c.state in OPEN_STATES]
        last = longest({k: v for k, v in path.items() if k in open_parts}) if open_parts else None
        lights = [p.light for p in parts]
        if last is not None:  # the bundle's own deadline may already be at risk though no part has started
            lights += [light_of(last.promised, window), light_of(last.legal, window)]
        state = _state(bundle, cases)
        return BundleProgress(bundle.id, bundle.bundle_no, bundle.theme_name, bundle.applicant_name, state,
                              BUNDLE_STATES.get(state, state), last.promised if last else None,
                              last.legal if last else None, worst(*lights) if lights else Light.NONE, tuple(parts))
