"""Paragraph styles and paragraphs that wrap and justify Chinese and fall back to rare-character fonts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from app.documents.fonts import SONG, FontChain, default_chain

# GB/T 15834 line-breaking rules that reportlab's Japanese-oriented lists lack: closing punctuation
# never starts a line (reportlab hangs it in the margin instead), opening punctuation never ends one.
NO_LINE_START = "，。、；：！？”’》〉」』】〕）％·"
NO_LINE_END = "“‘《〈「『【〔（"
_LOCK = threading.Lock()  # the reportlab patches below are process-wide and applied once


def para_style(
    name: str,
    size: float,
    leading: float,
    *,
    role: str = SONG,
    alignment: int = 4,
    first_line_indent: float = 0,
    chain: FontChain | None = None,
    **extra: Any,
) -> Any:
    """A ParagraphStyle in the chain's face for role; alignment 0 left, 1 centre, 2 right, 4 justify.

    wordWrap='CJK' is what lets reportlab break between ideographs at all; the default splits only
    at spaces, so a Chinese sentence would run off the frame as one unbreakable word.
    """
    from reportlab.lib.styles import ParagraphStyle

    _install_cjk_rules()
    font = (chain or default_chain()).main_font(role)
    return ParagraphStyle(
        name,
        fontName=font,
        bulletFontName=font,  # the default bullet font is Helvetica, which would not be embedded
        fontSize=size,
        leading=leading,
        alignment=alignment,
        firstLineIndent=first_line_indent,
        wordWrap="CJK",
        **extra,
    )


def paragraph(text: str, style: Any, chain: FontChain | None = None) -> Any:
    """A Paragraph of plain text (not markup): escaped, rare characters in their fallback face, newlines kept."""
    _install_cjk_rules()
    chain = chain or default_chain()
    markup = chain.markup(text, chain.role_of(style.fontName))
    return _paragraph_class()(markup.replace("\n", "<br/>"), style)


_CJKParagraph: type | None = None


def _paragraph_class() -> type:
    """Paragraph that always takes reportlab's per-character CJK path.

    For a paragraph of a single font run reportlab takes a shortcut (textsplit.wordSplit) whose
    plain-string lines can only be justified by stretching spaces. The per-character path makes
    FragLines, which _justify_by_char_space spreads with character spacing, so every paragraph is
    justified the same way whether or not it contains a fallback-font character.
    """
    global _CJKParagraph
    if _CJKParagraph is not None:
        return _CJKParagraph
    with _LOCK:
        from reportlab.platypus import paragraph as rl_para

        class CJKParagraph(rl_para.Paragraph):
            def breakLinesCJK(self, maxWidths: Any) -> Any:
                frags = self.frags
                if len(frags) != 1 or hasattr(frags[0], "cbDefn") or self.style.endDots:
                    return super().breakLinesCJK(maxWidths)
                if not isinstance(maxWidths, (list, tuple)):
                    maxWidths = [maxWidths]
                self.height = 0
                rl_para._handleBulletWidth(self.bulletText, self.style, maxWidths)
                if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
                    return self.blPara
                auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
                return rl_para.cjkFragSplit(frags, maxWidths, auto not in ("", "off"))

            def _get_split_blParaFunc(self) -> Any:
                # Splitting across frames rebuilds the rest from the lines' fragments and appends a
                # space to each line (right for Latin, whose breaks were spaces); in Chinese that
                # space would show up inside the re-wrapped lines on the next page.
                lines = getattr(self.blPara, "lines", [])
                if self.blPara.kind == 1 and lines and hasattr(lines[0], "_ow_chars"):
                    return _split_cjk_lines
                return super()._get_split_blParaFunc()

        _CJKParagraph = CJKParagraph
        return CJKParagraph


def _split_cjk_lines(bl_para: Any, start: int, stop: int) -> list[Any]:
    return [word for line in bl_para.lines[start:stop] for word in line.words]


def _install_cjk_rules() -> None:
    """Teach both of reportlab's CJK line splitters the Chinese punctuation rules (once, idempotent).

    A paragraph that is one run of one font goes through textsplit.wordSplit, one with several runs
    (e.g. a fallback-font character) through paragraph.cjkFragSplit; both read ALL_CANNOT_START
    and neither has any rule for the end of a line, so both are wrapped.
    """
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph as rl_para

    with _LOCK:
        if getattr(rl_para.cjkFragSplit, "_ow_rules", False):
            return
        extra = "".join(c for c in NO_LINE_START if c not in textsplit.ALL_CANNOT_START)
        textsplit.ALL_CANNOT_START += extra
        rl_para.ALL_CANNOT_START += extra
        rl_para.wordSplit = _keep_openers_down(rl_para.wordSplit, frags=False)
        rl_para._justifyDrawParaLineX = _justify_by_char_space(rl_para._justifyDrawParaLineX)
        rl_para.cjkFragSplit = _keep_openers_down(rl_para.cjkFragSplit, frags=True)  # last: the flag


def _justify_by_char_space(draw: Callable[..., Any]) -> Callable[..., Any]:
    """reportlab justifies by widening spaces; a Chinese line has none, so it stayed ragged-right.
    Lines from the CJK splitter (marked _ow_chars) are spread with character spacing (Tc) instead."""

    def justify(tx: Any, offset: float, line: Any, last: int = 0) -> None:
        n = getattr(line, "_ow_chars", 0)
        if n > 1 and not last and not line.lineBreak and line.extraSpace > 1e-6:
            tx.setCharSpace(line.extraSpace / (n - 1))
            try:
                draw(tx, offset, line, last)
            finally:
                tx.setCharSpace(0)
        else:
            draw(tx, offset, line, last)

    return justify


def _keep_openers_down(split: Callable[..., Any], *, frags: bool) -> Callable[..., Any]:
    """Wrap a splitter: while a break is bad, narrow that line so its tail moves down and split again;
    then give each narrowed line its width back so justification still fills the measure."""

    def wrapped(content: Any, max_widths: Any, *args: Any, **kw: Any) -> Any:
        original = list(max_widths) if isinstance(max_widths, (list, tuple)) else [max_widths]
        widths = list(original)
        for _ in range(64):  # each pass fixes one break; a paragraph never needs many
            result = split(content, widths, *args, **kw)
            lines = result.lines if frags else result
            texts = ["".join(w.text for w in ln.words) if frags else ln[1] for ln in lines]
            bad = next(
                ((k, n) for k in range(len(lines) - 1) if (n := _tail_to_move(texts, k, lines[k], frags))),
                None,
            )
            if bad is None:
                break
            k, n = bad
            widths += [original[-1]] * (k + 1 - len(widths))  # not widths[-1]: it may be narrowed
            line = lines[k]
            # extraSpace already accounts for the character pushed back (currentWidth does not).
            used = line.maxWidth - line.extraSpace if frags else widths[k] - line[0]
            widths[k] = used - _tail_width(line, texts[k], n, frags, args)
        for k, line in enumerate(lines):
            orig = original[min(k, len(original) - 1)]
            delta = orig - widths[min(k, len(widths) - 1)]
            if delta and frags:
                line.extraSpace += delta
                line.maxWidth = orig
            elif delta:
                line[0] += delta
        if frags:
            for line, text in zip(lines, texts, strict=True):
                line._ow_chars = len(text.rstrip())
        return result

    wrapped._ow_rules = True  # type: ignore[attr-defined]
    return wrapped


def _tail_to_move(texts: list[str], k: int, line: Any, frags: bool) -> int:
    """How many characters at the end of line k must go down (0: the break is fine)."""
    if frags and getattr(line, "lineBreak", False):
        return 0  # an explicit <br/>: the writer chose this break
    text, nxt = texts[k], texts[k + 1]
    if text and text[-1] in NO_LINE_END:
        n = len(text) - len(text.rstrip(NO_LINE_END))
    elif nxt and nxt[0] in NO_LINE_START:
        # reportlab hangs one closer in the margin; a second one would start the line, so the
        # character before the closers goes down with them.
        n = len(text) - len(text.rstrip(NO_LINE_START)) + 1
    else:
        return 0
    return n if n < len(text) else 0


def _tail_width(line: Any, text: str, n: int, frags: bool, args: tuple[Any, ...]) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not frags:
        return stringWidth(text[-n:], args[0], args[1])  # wordSplit(word, maxWidths, fontName, fontSize)
    width = 0.0
    for word in reversed(line.words):
        take = word.text[-n:]
        width += stringWidth(take, word.fontName, word.fontSize)
        n -= len(take)
        if n <= 0:
            break
    return width


def masked_id(number: str) -> str:
    """A person's ID on paper others see (a slip easily lost, a certificate on the wall): only enough of it
    for the holder to recognise it."""
    if len(number) <= 8:
        return number
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
