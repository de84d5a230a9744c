"""The public verification page in a real browser (headless Chromium), for a certificate issued at a workstation."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from ow_testkit import PERSON_ID, complete, item_named
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, memory_keyring, seed_demo

from app.certificates.issuance import draft_for_case, issue_certificate, void_certificate
from app.intake.outcomes import accept_case
from app.reference.hall import hall_info
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium 未安装（apt-get install chromium；"
                                                         "scripts/install-system-deps.sh 会安装它）")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def chromium(*args: str) -> str:
    profile = tempfile.mkdtemp(prefix="ow-chromium-")
    try:
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return done.stdout


TERMS = "主体业态：食品销售经营者；经营项目：预包装食品销售"  # what the signed decision licenses

@pytest.fixture
def issued(tmp_path: Path, demo_template: Path) -> Iterator[tuple[LiveServer, Workstation, object]]:
    clock = Clock()
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    seed_demo(db, clock)
    server = LiveServer(db, clock).start()
    with memory_keyring():
        ws = Workstation(demo_template, tmp_path / "ws", clock)
        ws.enrol(server, enrolment_code(server))
        ws.sign_in("zhangmin")
        assert ws.sync("zhangmin").ok  # number blocks for this year's certificates are leased
        clerk, chief = ws.actor("zhangmin"), ws.actor("zhoujianhua")
        case = accept_case(ws.ctx, clerk, complete(item_named(ws.ctx, "食品经营许可")))
        record_review(ws.ctx, clerk, case.case_id, DecisionInput("approve", "符合条件", TERMS))
        sign_off(ws.ctx, chief, case.case_id, DecisionInput("approve", "同意", TERMS),
                 custodian_password=DEMO_PASSWORD)
        values = {f.key: f.value for f in draft_for_case(ws.ctx, clerk, case.case_id).fields}
        values["quality"] = values.get("quality") or "李秀英"
        cert = issue_certificate(ws.ctx, clerk, case.case_id, values, DEMO_PASSWORD)
        outcome = ws.sync("zhangmin")
        assert outcome.ok and outcome.rejected == 0, outcome
        yield server, ws, cert
        ws.close()
    server.stop()


def _url(server: LiveServer, ws: Workstation, printed: str) -> str:
    """The URL the QR code holds, pointed at the test server instead of the hall's public address."""
    return printed.replace(hall_info(ws.ctx).verify_base_url.rstrip("/"), f"{server.url}/verify")


def test_a_scanned_certificate_shows_valid_with_holder_type_validity_and_window(issued, tmp_path: Path) -> None:
    server, ws, cert = issued
    dom = chromium("--dump-dom", _url(server, ws, cert.verify_url))
    assert 'class="status valid"' in dom and "有效" in dom
    assert cert.number in dom and "食品经营许可证" in dom and "王䶮" in dom
    assert f"{cert.valid_from:%Y年%m月%d日}" in dom and "A01" in dom and "市场监管综合窗口" in dom
    assert PERSON_ID not in dom and "桂花巷" not in dom and "13800001234" not in dom  # nothing more personal
    shot = tmp_path / "phone.png"
    chromium(f"--screenshot={shot}", "--window-size=390,844", "--hide-scrollbars", _url(server, ws, cert.verify_url))
    from PIL import Image

    image = Image.open(shot).convert("L")
    assert image.size == (390, 844)
    low, high = image.getextrema()
    assert high - low > 100  # something was drawn: a blank page would be one colour


def test_without_the_qr_parameters_the_holder_is_masked(issued) -> None:
    server, _ws, cert = issued
    dom = chromium("--dump-dom", f"{server.url}/verify/{quote(cert.number, safe='')}")
    assert "有效" in dom and "王＊" in dom and "王䶮" not in dom


def test_a_forged_holder_does_not_pass(issued) -> None:
    server, ws, cert = issued
    forged = _url(server, ws, cert.verify_url).replace(quote("王䶮"), quote("张三"))
    dom = chromium("--dump-dom", forged)
    assert "与登记信息不符" in dom and 'class="status valid"' not in dom


def test_voided_and_unknown_certificates(issued) -> None:
    server, ws, cert = issued
    void_certificate(ws.ctx, ws.actor("zhoujianhua"), cert.id, "证照内容有误")
    assert ws.sync("zhangmin").ok
    dom = chromium("--dump-dom", _url(server, ws, cert.verify_url))
    assert "已作废" in dom and "作废日期" in dom
    unknown = chromium("--dump-dom", f"{server.url}/verify/JY9999999999999")
    assert "未查到该证照" in unknown
