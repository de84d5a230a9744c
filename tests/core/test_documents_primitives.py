"""Drawing primitives checked with the real tools: pdffonts, pdftotext, pdftoppm, zbarimg."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from app.documents.barcode import code128_width_mm, draw_code128
from app.documents.fonts import FontChain, FontSpec, MissingGlyph, default_chain, default_specs, make_canvas
from app.documents.qr import draw_qr
from app.documents.seal import SealSpec, draw_seal
from app.documents.text import para_style, paragraph

MM = 72 / 25.4
RARE = "䶮㛃𠮷"
SENTENCE = (
    "根据《中华人民共和国行政许可法》第三十二条的规定，经审查，申请人王䶮、李㛃、𠮷田先生于2026年11月22日"
    "提交的“食品经营许可证（新办）”申请材料齐全、符合法定形式，本机关决定予以受理。"
)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (poppler-utils / zbar-tools)")
    return path


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def raster(pdf: Path, dpi: int) -> Path:
    """pdftoppm one page to PNG at dpi; returns the PNG path."""
    stem = pdf.with_suffix("")
    run(tool("pdftoppm"), "-r", str(dpi), "-png", "-singlefile", pdf, stem)
    return stem.with_suffix(".png")


def font_rows(pdf: Path) -> list[dict[str, str]]:
    """pdffonts rows as dicts keyed by header; columns are located from the dashes line."""
    lines = run(tool("pdffonts"), pdf).splitlines()
    header, dashes, rows = lines[0], lines[1], lines[2:]
    spans, start = [], 0
    for chunk in dashes.split(" "):
        spans.append((start, start + len(chunk)))
        start += len(chunk) + 1
    keys = [header[a:b].strip() for a, b in spans]
    return [{k: row[a:b].strip() for k, (a, b) in zip(keys, spans, strict=True)} for row in rows]


@pytest.fixture(scope="module")
def chain() -> FontChain:
    return default_chain()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, chain: FontChain) -> dict[str, Path]:
    """One line drawn with draw_string, and a justified paragraph in a platypus document."""
    from reportlab.platypus import SimpleDocTemplate

    out = tmp_path_factory.mktemp("text")
    line, para = out / "line.pdf", out / "para.pdf"
    c = make_canvas(str(line), (160 * MM, 60 * MM))
    chain.draw_string(c, 10 * MM, 45 * MM, f"申请人：{RARE} ABC", 14)
    c.save()
    doc = SimpleDocTemplate(str(para), pagesize=(110 * MM, 120 * MM), initialFontName=chain.main)
    doc.build([paragraph(SENTENCE, para_style("body", 12, 20, first_line_indent=24))])
    return {"line": line, "para": para}


@pytest.mark.parametrize("which", ["line", "para"])
def test_every_font_is_embedded(pdfs: dict[str, Path], which: str) -> None:
    rows = font_rows(pdfs[which])
    assert rows, "no fonts at all"
    assert all(r["emb"] == "yes" for r in rows), rows  # no Helvetica from reportlab's initial font
    assert all(r["uni"] == "yes" for r in rows), rows  # a ToUnicode map, so text can be copied


def test_rare_characters_come_back_as_text(pdfs: dict[str, Path]) -> None:
    text = run(tool("pdftotext"), pdfs["line"], "-")
    assert RARE in text  # 𠮷 needs the UTF-16 ToUnicode fix; without it it reads back as ₻ (U+20BB)


def test_long_chinese_paragraph_comes_back_whole(pdfs: dict[str, Path]) -> None:
    text = run(tool("pdftotext"), pdfs["para"], "-").replace("\n", "")
    assert SENTENCE in text


def test_supplementary_glyph_is_really_drawn(tmp_path: Path, chain: FontChain) -> None:
    """𠮷 (土 over 口) prints its own glyph: not blank, not .notdef, not the look-alike 吉 (士 over 口)."""
    from PIL import Image, ImageChops

    font = chain.font_for("𠮷")
    images = {}
    for name, ch in (("ji-ext-b", "𠮷"), ("ji", "吉"), ("notdef", "\U0010fffd")):
        pdf = tmp_path / f"{name}.pdf"
        c = make_canvas(str(pdf), (60, 60))
        c.setFont(font, 48)  # the same face for all three, so only the glyph differs
        c.drawString(5, 10, ch)
        c.save()
        images[name] = Image.open(raster(pdf, 150)).convert("L")

    def dark(img: Image.Image) -> int:
        return sum(img.histogram()[:128])

    assert dark(images["ji-ext-b"]) > 300
    for other in ("ji", "notdef"):
        diff = ImageChops.difference(images["ji-ext-b"], images[other])
        assert sum(diff.histogram()[128:]) > 50, other


def test_fallback_runs_and_markup(chain: FontChain) -> None:
    assert chain.font_for("王") == chain.main
    assert chain.font_for("𠮷") in ("OW-HanaA", "OW-HanaB", "OW-SimSunExtB")
    runs = chain.runs("王𠮷 田")
    assert [t for _, t in runs] == ["王", "𠮷 ", "田"]  # the space stays in the run it follows
    markup = chain.markup("李𠮷<b>&")
    assert markup.startswith("李<font name=")
    assert markup.endswith("&lt;b&gt;&amp;")
    assert chain.string_width("中文", 10) == pytest.approx(20)


def test_missing_glyph_names_field_and_character(chain: FontChain) -> None:
    with pytest.raises(MissingGlyph) as info:
        chain.check_all({"申请人": "张三", "地址": "西湖区\U0010fffd路"})
    assert info.value.field == "地址"
    assert info.value.char == "\U0010fffd"
    assert str(info.value) == "字段“地址”中的字符“\U0010fffd”(U+10FFFD) 没有可用字体，无法打印"
    with pytest.raises(MissingGlyph):
        chain.draw_string(None, 0, 0, "\U0010fffd", 10)


def test_private_use_is_refused_even_if_a_font_has_it(chain: FontChain) -> None:
    # HanaMinA maps glyphs at U+E000..; what a PUA code means depends on the system that made it.
    with pytest.raises(MissingGlyph):
        chain.check("申请人", "\ue000")


def test_invisible_characters_are_dropped(chain: FontChain) -> None:
    chain.check("申请人", "王\u200b\ufe00五\n")
    assert "".join(t for _, t in chain.runs("王\u200b\ufe00五")) == "王五"


def test_coverage_report(chain: FontChain) -> None:
    report = chain.coverage_report()
    assert report["missing"] == []
    assert {f["name"] for f in report["fonts"]} >= {"OW-Song", "OW-HanaA", "OW-HanaB"}
    assert report["sample"]["𠮷 U+20BB7"]


def test_chain_loads_once_under_concurrency() -> None:
    fresh = FontChain(default_specs(windows=False))
    results: list[str | None] = []
    threads = [threading.Thread(target=lambda: results.append(fresh.font_for("㛃"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["OW-Song"] * 8


def test_unusable_optional_font_is_skipped(tmp_path: Path) -> None:
    bogus = tmp_path / "simsun.ttc"
    bogus.write_bytes(b"not a font at all")
    specs = [FontSpec("OW-Test-Bogus", bogus, optional=True), *default_specs(windows=False)]
    fresh = FontChain(specs)
    assert fresh.main == "OW-Song"
    assert fresh.coverage_report()["skipped"][0]["name"] == "OW-Test-Bogus"


def test_chinese_line_breaking_rules() -> None:
    style = para_style("rules", 12, 18)
    for lead in range(12):  # shift the text so breaks fall on every kind of character
        p = paragraph("一" * lead + SENTENCE, style)
        p.wrap(90 * MM, 1000)
        lines = ["".join(w.text for w in line.words) for line in p.blPara.lines]
        assert "".join(lines) == "一" * lead + SENTENCE
        for line in lines[1:]:
            assert line[0] not in "，。、；：！？”’》）", lines
        for line in lines[:-1]:
            assert line[-1] not in "“‘《（", lines


def test_paragraph_split_across_pages_keeps_text_and_justification(tmp_path: Path, chain: FontChain) -> None:
    """reportlab re-joins a split paragraph's lines with spaces; Chinese must come back without them."""
    from reportlab.platypus import SimpleDocTemplate

    pdf = tmp_path / "pages.pdf"
    doc = SimpleDocTemplate(str(pdf), pagesize=(100 * MM, 80 * MM), initialFontName=chain.main)
    doc.build([paragraph(SENTENCE * 4, para_style("body", 12, 20, first_line_indent=24))])
    text = run(tool("pdftotext"), pdf, "-")
    assert text.count("\f") >= 2  # really split over pages
    assert SENTENCE * 4 in text.replace("\n", "").replace("\f", "")
    # Every line but the paragraph's last reaches the right margin (justified by character spacing,
    # on the continuation pages too); ragged Chinese falls short by up to a character. pdftotext
    # puts a line's xMax half an em past its last glyph's origin, i.e. 6 pt inside the margin here.
    bbox = run(tool("pdftotext"), "-bbox-layout", pdf, "-")
    right = [float(x) for x in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', bbox)]
    assert len(right) > 8
    frame_right = doc.pagesize[0] - doc.rightMargin
    assert all(x > frame_right - 6 - 0.5 for x in right[:-1]), right  # a hung closer may stick out


@pytest.mark.parametrize("dots", [2, 3])
def test_code128_scans_at_printer_resolution(tmp_path: Path, dots: int) -> None:
    data = "330100202611220101"
    pdf = tmp_path / "code128.pdf"
    c = make_canvas(str(pdf), (80 * MM, 25 * MM))
    width = draw_code128(c, 3.3 * MM, 3 * MM, data, module_dots=dots, dpi=203)
    c.save()
    assert width / MM == pytest.approx(code128_width_mm(data, dots, 203))
    # 18 digits in set C: start + 9 + check (11 modules each) + stop (13) + 2 x 10 quiet modules
    assert code128_width_mm(data, dots, 203) == pytest.approx((11 * 11 + 13 + 20) * dots / 203 * 25.4)
    out = run(tool("zbarimg"), "--raw", "-q", raster(pdf, 203))
    assert out.strip() == data


def test_qr_with_chinese_payload_scans(tmp_path: Path) -> None:
    data = "https://zwfw.example.gov.cn/q?case=330100202611220101&name=王䶮𠮷"
    pdf = tmp_path / "qr.pdf"
    c = make_canvas(str(pdf), (50 * MM, 50 * MM))
    draw_qr(c, 5 * MM, 5 * MM, 30, data)
    c.save()
    # zbar guesses the byte-mode text encoding and reads short UTF-8 as Shift-JIS; -Sbinary gives
    # the raw bytes, which are UTF-8 as qrcode wrote them.
    png = raster(pdf, 300)
    raw = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", "-Sbinary", str(png)], capture_output=True, check=True
    )
    assert raw.stdout.decode("utf-8") == data


def test_seal_is_red_inside_its_circle_and_ink_under_it_stays_black(tmp_path: Path) -> None:
    from PIL import Image

    pdf = tmp_path / "seal.pdf"
    c = make_canvas(str(pdf), (60 * MM, 60 * MM))
    c.rect(28 * MM, 28 * MM, 4 * MM, 4 * MM, stroke=0, fill=1)  # black ink under the star
    draw_seal(c, 30 * MM, 30 * MM, SealSpec("杭州市西湖区行政审批服务局", code="3301060012345"))
    c.save()
    dpi = 150
    img = Image.open(raster(pdf, dpi)).convert("RGB")
    px = dpi / 25.4  # pixels per mm
    centre = 30 * px
    red = inside = outside = 0
    for yy in range(img.height):
        for xx in range(img.width):
            r, g, b = img.getpixel((xx, yy))
            if r > 180 and g < 90 and b < 90:
                red += 1
                dist = ((xx - centre) ** 2 + (yy - centre) ** 2) ** 0.5
                inside += dist <= 21.3 * px
                outside += dist > 21.3 * px
    assert red > 0.15 * 3.1416 * (21 * px) ** 2  # ring, star and lettering cover a good part of it
    assert outside == 0
    ring = img.getpixel((int(centre), int(centre - 20.4 * px)))  # 12 o'clock, on the ring
    assert ring[0] > 180 and ring[1] < 90
    under = img.getpixel((int(centre), int(centre)))  # star over black ink: multiply keeps it black
    assert max(under) < 60
