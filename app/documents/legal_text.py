"""The fixed legal wording documents print: statutory statements, article citations and the rights text."""

from __future__ import annotations

import re
from datetime import date

LICENSING_LAW = "《中华人民共和国行政许可法》"

# Article citations, each the exact provision the document acts under.
BASIS_ACCEPT = f"{LICENSING_LAW}第三十二条第一款第（五）项"  # complete and in legal form → accept
BASIS_CORRECT = f"{LICENSING_LAW}第三十二条第一款第（四）项"  # incomplete → tell everything at once
BASIS_DEEMED = BASIS_CORRECT  # the same item: not told within five days → accepted from the day of receipt
BASIS_REFUSE_ART32 = f"{LICENSING_LAW}第三十二条第一款"  # not an application / not ours → refuse
BASIS_SPECIAL = f"{LICENSING_LAW}第四十五条"
BASIS_EXTEND = f"{LICENSING_LAW}第四十二条第一款"
BASIS_GRANT = f"{LICENSING_LAW}第三十八条第一款"
BASIS_DENY = f"{LICENSING_LAW}第三十八条第二款"

# Art. 45's closed list. Site visits (现场踏勘/核查) are deliberately absent: they count against the
# limit. 公示 is excluded only where a law or local rule says so, so it needs its own basis.
SPECIAL_PROCEDURE_TYPES = ("听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审")
NOTICE_PERIOD = "公示"

ONE_TIME_NOTICE = (
    "本告知书为一次性告知书，需要补充、补正的全部内容已在上表中一并列明。申请人按照本告知书的要求"
    "补齐、补正后，本机关不再以本告知书未列明的材料或者理由要求申请人补正（补正材料本身存在新的问题的除外）。"
)

CORRECTION_CLOCK = "补正材料的，自本机关收到全部补正材料之日的次日起重新计算受理期限。"

ACCEPTANCE_EXCLUDED = (
    "办理期限按工作日计算，受理当日不计入；依法需要听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审的，"
    "所需时间不计入办理期限，本机关将另行书面告知。"
)

# Deadlines in a year whose holiday schedule the State Council has not yet published.
PROVISIONAL = "标注“暂定”的日期以国务院公布的该年度节假日安排为准。"

SIGN_RECEIPT = "申请人（代理人）签收："


def deemed_acceptance(received_on: date) -> str:
    """Art. 32: silence for five working days after receipt means the application was accepted that day."""
    return (
        f"根据{LICENSING_LAW}第三十二条的规定，申请材料不齐全或者不符合法定形式的，本机关将当场或者在"
        f"五个工作日内一次告知需要补正的全部内容；逾期不告知的，自收到申请材料之日"
        f"（{cn_date(received_on)}）起即为受理。"
    )


def deemed_acceptance_statement(you: str, received_on: date, item_name: str) -> str:
    """The opening of a 受理通知书 for an application accepted by law, not by examination (art. 32)."""
    return (
        f"{you}于{cn_date(received_on)}提交的{item_name}申请，本机关未在收到申请材料之日起五个工作日内"
        f"一次告知需要补正的全部内容。根据{BASIS_DEEMED}的规定，自收到申请材料之日即{cn_date(received_on)}"
        "起即为受理（视为受理）。"
    )


DEEMED_OUTSTANDING = (
    "申请材料清单中标注“待补正”的材料，请在办理期间补交或者补正；本机关不以申请材料不齐全或者不符合法定形式"
    "为由不予受理。"
)


def special_procedure_statement(kind_label: str) -> str:
    """Art. 45: the time a special procedure takes is not counted against the limit."""
    return f"根据{BASIS_SPECIAL}的规定，{kind_label}所需时间不计入行政许可办理期限。"


def extension_statement(days: int) -> str:
    """Art. 42: an extension needs the head's approval and a written reason given to the applicant."""
    return (
        f"根据{BASIS_EXTEND}的规定，经本机关负责人批准，本申请的办理期限延长{days}个工作日，"
        "现将延长期限的理由告知如下。"
    )


def rights_text(reconsideration_body: str, court: str, document: str = "本通知书") -> str:
    """Rights after a refusal or denial: 行政复议法 (2023) art. 20, 60 days; 行政诉讼法 art. 46, 6 months."""
    return (
        f"申请人如不服本决定，可以在收到{document}之日起六十日内向{reconsideration_body}申请行政复议，"
        f"或者在六个月内向{court}提起行政诉讼。"
    )


def competent_authority_text(authority: str) -> str:
    """Art. 32 (1)(2): a matter of another body's power is refused with the body named."""
    return f"请向{authority}申请。"


def cn_date(d: date) -> str:
    """Official date style (GB/T 9704-2012: Arabic numerals, no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


_DAY = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")


def validity_dates(text: str) -> tuple[date | None, date | None]:
    """The first and last day of a validity as a decision prints it (“2026年12月5日至2031年12月4日”,
    “有效期至2031年12月4日”, ISO dates too); (None, None) when it names no day. One day is the last day."""
    days = []
    for m in _DAY.finditer(text):
        try:
            days.append(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            raise ValueError(f"日期“{m.group(0)}”不存在") from None
    if len(days) > 2:
        raise ValueError("有效期限只能写起止两个日期")
    if len(days) == 2:
        if days[1] < days[0]:
            raise ValueError("有效期限的截止日期早于起始日期")
        return days[0], days[1]
    return (None, days[0]) if days else (None, None)
