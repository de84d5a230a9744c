"""Font chain for printed documents: shipped TrueType faces, per-character fallback, refusing the unprintable.

One piece because the face cache, the per-character advances and reportlab's process-wide fixes they rely on
must change together; split, each half would reach into the other's caches.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

_BASE = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
FONTS_DIR = _BASE / "resources" / "fonts"

SONG = "song"
FANGSONG = "fangsong"
HEI = "hei"
FALLBACK = "fallback"
ROLES = (SONG, FANGSONG, HEI)

# Variation selectors pick a glyph variant through cmap format 14, which reportlab ignores; the base
# ideograph is the same character, so it is printed and the selector dropped rather than refused.
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))

# Line and tab characters are layout, not glyphs: kept in runs (a Paragraph needs them), a single
# drawn line shows them as spaces.
_LAYOUT = "\t\n\r\f\v"
_TO_SPACE = str.maketrans(_LAYOUT, " " * len(_LAYOUT))


class MissingGlyph(ValueError):
    """No font in the chain can print a character (or the character must not be printed at all)."""

    def __init__(self, field: str, char: str) -> None:
        super().__init__(field, char)
        self.field = field
        self.char = char

    def __str__(self) -> str:
        where = f"字段“{self.field}”中的" if self.field else ""
        return f"{where}字符“{self.char}”(U+{ord(self.char):04X}) 没有可用字体，无法打印"


@dataclass(frozen=True)
class FontSpec:
    """One face to register: reportlab name, file, index inside a .ttc, role, and whether it may be absent."""

    name: str
    path: Path
    subfont: int = 0
    role: str = SONG
    optional: bool = False


def default_specs(fonts_dir: Path = FONTS_DIR, windows: bool | None = None) -> list[FontSpec]:
    """The chain in priority order: Windows faces first when installed, then the shipped ones."""
    specs: list[FontSpec] = []
    use_windows = sys.platform == "win32" if windows is None else windows
    if use_windows:
        win = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        specs += [
            FontSpec("OW-SimSun", win / "simsun.ttc", 0, SONG, optional=True),
            FontSpec("OW-FangSong", win / "simfang.ttf", 0, FANGSONG, optional=True),
            FontSpec("OW-SimHei", win / "simhei.ttf", 0, HEI, optional=True),
            FontSpec("OW-SimSunExtB", win / "simsunb.ttf", 0, FALLBACK, optional=True),
        ]
    specs += [
        # subfont 0 of uming.ttc is "AR PL UMing CN": mainland (GB) glyph shapes.
        FontSpec("OW-Song", fonts_dir / "uming.ttc", 0, SONG),
        FontSpec("OW-HanaA", fonts_dir / "HanaMinA.ttf", 0, FALLBACK),
        FontSpec("OW-HanaB", fonts_dir / "HanaMinB.ttf", 0, FALLBACK),
    ]
    return specs


FLATE_LEVEL = 1


def _fast_flate() -> None:
    """Deflate PDF streams at zlib level 1 instead of reportlab's default 6.

    Most of a Chinese document's bytes are the embedded Song subset: a receipt's is ~110 KB of glyph
    outlines, which level 6 packs only ~10 % smaller than level 1 at more than twice the time (about
    a fifth of the receipt's whole rendering). A clerk waits for every receipt; the disk barely notices.
    """
    import zlib

    from reportlab.pdfbase import pdfdoc

    if getattr(pdfdoc.PDFZCompress, "_ow_level", None) == FLATE_LEVEL:
        return

    class _Flate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
        _ow_level = FLATE_LEVEL

        def encode(self, text: str | bytes) -> bytes:
            return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, FLATE_LEVEL)

    pdfdoc.PDFZCompress = _Flate()


def _keep_tables(face: Any) -> None:
    """Give a face's get_table a memory of what it read.

    reportlab's makeSubset slices the tables it needs out of the font file for every subset it
    writes, the whole 'glyf' table included: ~20 MB for the Song face, copied twice for a receipt
    of ~300 distinct characters. The file never changes, so each table is copied once per process.
    """
    if getattr(face, "_ow_tables", None) is not None:
        return
    tables: dict[str, bytes] = {}
    read = face.get_table

    def get_table(tag: str) -> bytes:
        table = tables.get(tag)
        if table is None:
            table = tables[tag] = read(tag)
        return table

    face._ow_tables = tables
    face.get_table = get_table


def _fix_tounicode() -> None:
    """Make reportlab write supplementary-plane characters into ToUnicode as UTF-16 surrogate pairs.

    reportlab embeds the glyph of e.g. 𠮷 (U+20BB7) correctly, but its ToUnicode CMap line is
    "<05> <20BB7>" — five hex digits, which readers truncate to U+20BB, so copy/paste, search and
    pdftotext return "₻". The destination of a bfchar is UTF-16BE, i.e. "<05> <D842DFB7>".
    Only lines for code points above U+FFFF are rewritten, so BMP output is byte-identical.
    """
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "_ow_utf16", False):
        return

    def make_cmap(fontname: str, subset: Sequence[int]) -> str:
        text = original(fontname, subset)
        for i, code in enumerate(subset):
            if code > 0xFFFF:
                utf16 = chr(code).encode("utf-16-be").hex().upper()
                text = text.replace(f"<{i:02X}> <{code:04X}>\n", f"<{i:02X}> <{utf16}>\n")
        return text

    make_cmap._ow_utf16 = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_cmap


@functools.lru_cache(maxsize=8192)
def _invisible(ch: str) -> bool:
    """Characters with no printed form: dropped, never looked up in a font."""
    code = ord(ch)
    if any(lo <= code <= hi for lo, hi in _VARIATION_SELECTORS):
        return True
    return unicodedata.category(ch) in ("Cc", "Cf") and not ch.isspace()


def _forbidden(ch: str) -> bool:
    """Private-use and lone surrogates mean whatever the system that made them meant; no glyph is right."""
    return unicodedata.category(ch) in ("Co", "Cs")


@dataclass
class _Loaded:
    name: str
    spec: FontSpec
    font: Any  # reportlab TTFont
    cmap: Mapping[int, int]


class FontChain:
    """Registered faces in priority order; fonts load on first use, once, under a lock."""

    def __init__(self, specs: Sequence[FontSpec] | None = None) -> None:
        self._specs = list(specs) if specs is not None else default_specs()
        self._lock = threading.Lock()
        self._fonts: list[_Loaded] | None = None
        self._skipped: list[tuple[str, str]] = []
        self._cache: dict[tuple[str, str], str | None] = {}
        # The same labels and names are measured, checked and drawn again and again on every page.
        self._runs: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        self._advances: dict[tuple[str, str], float] = {}  # (char, role) → width at 1 pt

    # -- loading ---------------------------------------------------------------------------------

    def _loaded(self) -> list[_Loaded]:
        fonts = self._fonts
        if fonts is not None:
            return fonts
        with self._lock:
            if self._fonts is None:
                self._fonts = self._load()
            return self._fonts

    def _load(self) -> list[_Loaded]:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        _fix_tounicode()
        _fast_flate()
        out: list[_Loaded] = []
        registered = set(pdfmetrics.getRegisteredFontNames())
        for spec in self._specs:
            if spec.optional and not spec.path.is_file():
                continue
            try:
                if spec.name in registered:
                    font = pdfmetrics.getFont(spec.name)
                else:
                    font = TTFont(spec.name, str(spec.path), subfontIndex=spec.subfont)
                    pdfmetrics.registerFont(font)
            except (TTFError, OSError) as exc:
                # A Windows face may forbid embedding or be a CFF font; the shipped faces never may fail.
                if not spec.optional:
                    raise
                self._skipped.append((spec.name, str(exc)))
                continue
            _keep_tables(font.face)
            out.append(_Loaded(spec.name, spec, font, font.face.charToGlyph))
        if not any(f.spec.role == SONG for f in out):
            raise RuntimeError("no Song face could be loaded from " + str(FONTS_DIR))
        return out

    def _chain(self, role: str) -> list[_Loaded]:
        """The role's own face first, then every Song face, then the rare-character fallbacks."""
        if role not in ROLES:
            raise ValueError(f"unknown font role {role!r}")
        fonts = self._loaded()
        order = [f for f in fonts if f.spec.role == role]
        order += [f for f in fonts if f.spec.role == SONG and f not in order]
        order += [f for f in fonts if f.spec.role == FALLBACK]
        return order

    # -- lookup ----------------------------------------------------------------------------------

    def main_font(self, role: str = SONG) -> str:
        """Name of the face that prints ordinary text in this role (use as a style's fontName)."""
        return self._chain(role)[0].name

    @property
    def main(self) -> str:
        return self.main_font(SONG)

    def role_of(self, font_name: str) -> str:
        """The role whose main face is font_name (Song if none): lets a style find its chain back."""
        return next((r for r in ROLES if self.main_font(r) == font_name), SONG)

    def font_for(self, ch: str, role: str = SONG) -> str | None:
        """First face that has a glyph for ch; None if none may print it."""
        key = (ch, role)
        if key in self._cache:
            return self._cache[key]
        chain = self._chain(role)
        if _forbidden(ch):
            found = None
        elif ch.isspace() or _invisible(ch):
            found = chain[0].name
        else:
            code = ord(ch)
            found = next((f.name for f in chain if code in f.cmap), None)
        self._cache[key] = found
        return found

    def check(self, field: str, text: str) -> None:
        """Raise MissingGlyph naming the field and the first character nothing can print."""
        for ch in text:
            if self.font_for(ch) is None:
                raise MissingGlyph(field, ch)

    def check_all(self, fields: Mapping[str, str]) -> None:
        for field, text in fields.items():
            self.check(field, text)

    def runs(self, text: str, role: str = SONG) -> list[tuple[str, str]]:
        """Split text into (font name, chunk) runs; whitespace stays in the run it is in."""
        key = (text, role)
        cached = self._runs.get(key)
        if cached is None:
            cached = tuple(self._split_runs(text, role))
            if len(self._runs) > 20_000:  # bounded: a long-running workstation prints many names
                self._runs.clear()
            self._runs[key] = cached
        return list(cached)

    def _split_runs(self, text: str, role: str) -> list[tuple[str, str]]:
        chain = self._chain(role)
        cmaps = {f.name: f.cmap for f in chain}
        out: list[tuple[str, str]] = []
        for ch in self._printable(text):
            if ch.isspace():
                prev = out[-1][0] if out else chain[0].name
                font = prev if ord(ch) in cmaps[prev] else chain[0].name
                if ord(ch) not in cmaps[font] and ch not in _LAYOUT:
                    ch = " "  # an exotic space the face lacks would print .notdef; a plain space is meant
            else:
                found = self.font_for(ch, role)
                if found is None:
                    raise MissingGlyph("", ch)
                font = found
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    @staticmethod
    def _printable(text: str) -> Iterator[str]:
        return (ch for ch in text if not _invisible(ch))

    def markup(self, text: str, role: str = SONG) -> str:
        """Paragraph markup: XML-escaped text, fallback runs wrapped in <font name=...>."""
        main = self.main_font(role)
        parts = []
        for font, chunk in self.runs(text, role):
            esc = escape(chunk)
            parts.append(esc if font == main else f'<font name="{font}">{esc}</font>')
        return "".join(parts)

    # -- drawing ---------------------------------------------------------------------------------

    def string_width(self, text: str, size: float, role: str = SONG) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return sum(
            stringWidth(chunk, font, size) for font, chunk in self.runs(text.translate(_TO_SPACE), role)
        )

    def measure_chars(self, text: str, size: float, role: str = SONG) -> float:
        """string_width summed character by character from a cache: for line breaking, which
        measures every character of every line (TrueType advances in PDF add up exactly)."""
        advances = self._advances
        total = 0.0
        for ch in text:
            adv = advances.get((ch, role))
            if adv is None:
                adv = advances[(ch, role)] = self.string_width(ch, 1.0, role)
            total += adv
        return total * size

    def draw_string(
        self,
        canvas: Any,
        x: float,
        y: float,
        text: str,
        size: float,
        font_role: str = SONG,
        align: str = "left",
    ) -> float:
        """Draw one line with per-character fallback; align is left, centre or right of x. Returns width."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        runs = self.runs(text.translate(_TO_SPACE), font_role)
        width = sum(stringWidth(chunk, font, size) for font, chunk in runs)
        if align in ("centre", "center"):
            x -= width / 2
        elif align == "right":
            x -= width
        elif align != "left":
            raise ValueError(f"align must be left, centre or right, not {align!r}")
        # One text object: each run continues where the previous one ended, in the PDF's own metrics.
        t = canvas.beginText(x, y)
        for font, chunk in runs:
            t.setFont(font, size)
            t.textOut(chunk)
        canvas.drawText(t)
        return width

    # -- diagnostics -----------------------------------------------------------------------------

    def coverage_report(self, sample: str = "䶮㛃𠮷") -> dict[str, Any]:
        """For `doctor`: which faces loaded (or were skipped) and which face prints each sample char."""
        fonts = self._loaded()
        return {
            "main": self.main,
            "fonts": [
                {
                    "name": f.name,
                    "role": f.spec.role,
                    "family": f.font.face.name.decode("latin-1"),
                    "path": str(f.spec.path),
                    "subfont": f.spec.subfont,
                    "glyphs": len(f.cmap),
                }
                for f in fonts
            ],
            "skipped": [{"name": n, "reason": r} for n, r in self._skipped],
            "sample": {f"{ch} U+{ord(ch):04X}": self.font_for(ch) for ch in sample},
            "missing": [ch for ch in sample if self.font_for(ch) is None],
        }


_default: FontChain | None = None
_default_lock = threading.Lock()


def default_chain() -> FontChain:
    """The process-wide chain (fonts themselves load on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = FontChain()
    return _default


def make_canvas(target: Any, pagesize: tuple[float, float], chain: FontChain | None = None, **kw: Any) -> Any:
    """A reportlab Canvas whose initial font is the chain's Song face.

    reportlab's default initial font is Helvetica, which it names in every page's preamble and never
    embeds; starting from an embedded TrueType face keeps every font in the PDF embedded. For
    platypus pass initialFontName=chain.main to the DocTemplate for the same reason.
    """
    from reportlab.pdfgen.canvas import Canvas

    chain = chain or default_chain()
    return Canvas(target, pagesize=pagesize, initialFontName=chain.main, **kw)
