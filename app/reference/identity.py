"""Normalise and check identity numbers: resident IDs (GB 11643), permits, passports and USCC (GB 32100)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class IdType(StrEnum):
    """The kinds of personal identity document a window accepts; values are stored in the database."""

    RESIDENT = "resident_id"
    HMT_RESIDENCE = "hmt_residence_permit"
    FOREIGN_PR = "foreign_pr_id"
    HK_MO_PASS = "hk_mo_pass"
    HOME_RETURN = "home_return_permit"
    TW_COMPAT = "taiwan_compatriot_permit"
    PASSPORT = "passport"


ID_TYPE_LABELS: dict[IdType, str] = {
    IdType.RESIDENT: "居民身份证",
    IdType.HMT_RESIDENCE: "港澳台居民居住证",
    IdType.FOREIGN_PR: "外国人永久居留身份证",
    IdType.HK_MO_PASS: "往来港澳通行证",
    IdType.HOME_RETURN: "港澳居民来往内地通行证",
    IdType.TW_COMPAT: "台湾居民来往大陆通行证",
    IdType.PASSPORT: "护照",
}

# Most frequent first: the combo box opens on the resident ID.
PERSON_ID_TYPES: tuple[IdType, ...] = tuple(IdType)


@dataclass(frozen=True)
class Checked:
    """The outcome of a check: the normalised value, whether it is accepted, and why not."""

    value: str
    ok: bool
    message: str | None
    warnings: tuple[str, ...] = ()
    birth_date: date | None = None
    sex: str | None = None
    converted_from: str | None = None


EMPTY_PERSON_ID = "请输入证件号码"
EMPTY_USCC = "请输入统一社会信用代码"

_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = _DIGITS + _LETTERS

_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# GB 32100 leaves out I O Z S V because they are easily read as 1 0 2 5 U.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Province-level codes of GB/T 2260; 71 is Taiwan, and 81/82/83 (Hong Kong, Macau, Taiwan) head residence permits.
_PROVINCE_RANGES = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
_PROVINCES = frozenset(str(n) for low, high in _PROVINCE_RANGES for n in range(low, high + 1))
_HMT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
# An earlier year is far likelier a typing error than a living person (and GB 11643 cards came in 1985).
_EARLIEST_BIRTH = date(1890, 1, 1)

# GB 32100 registration departments and the organisation categories (2nd character) under each.
_USCC_DEPARTMENTS: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "1239"),
    "2": ("外交", "19"),
    "3": ("司法行政", "123459"),
    "4": ("文化", "19"),
    "5": ("民政", "1239"),
    "6": ("旅游", "129"),
    "7": ("宗教", "129"),
    "8": ("工会", "19"),
    "9": ("工商", "123"),
    "A": ("中央军委改革和编制办公室", "19"),
    "N": ("农业", "1239"),
    "Y": ("其他", "1"),
}

# Zero-width characters come along when numbers are pasted from web pages or chat apps.
_TRANSLATION: dict[int, int | None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
for _start, _stop in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)):
    _TRANSLATION.update({cp: cp - 0xFEE0 for cp in range(_start, _stop)})


def normalize(raw: str) -> str:
    """Drop all whitespace, turn full-width digits and letters into ASCII, upper-case ASCII letters."""
    text = "".join((raw or "").translate(_TRANSLATION).split())
    # Only ASCII is upper-cased, so a stray 'ß' is reported as itself rather than as 'SS'.
    return "".join(ch.upper() if "a" <= ch <= "z" else ch for ch in text)


def resident_check_char(first17: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    if len(first17) != 17 or not all(ch in _DIGITS for ch in first17):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(ch) * w for ch, w in zip(first17, _RESIDENT_WEIGHTS, strict=True))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character of the first 17 characters."""
    if len(first17) != 17 or not all(ch in _USCC_ALPHABET for ch in first17):
        raise ValueError(f"expected 17 characters of the USCC alphabet, got {first17!r}")
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def _org_check_char(first8: str) -> str:
    """GB 11714 organisation-code check; int(ch, 36) gives 0-9 for digits and A=10 … Z=35 as the standard."""
    total = sum(int(ch, 36) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _fail(value: str, message: str) -> Checked:
    return Checked(value=value, ok=False, message=message)


def _illegal(value: str, allowed: str) -> str | None:
    for ch in value:
        if ch not in allowed:
            return f"含有非法字符“{ch}”"
    return None


def _sex(digit: str) -> str:
    return "男" if int(digit) % 2 else "女"


def _birth_date(text: str, today: date) -> tuple[date | None, str | None]:
    """The birth date YYYYMMDD, or the reason it cannot be one."""
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None, f"出生日期{text}不存在"
    if born > today:
        return None, f"出生日期{text}晚于今天"
    if born < _EARLIEST_BIRTH:
        return None, f"出生日期{text}早于1890年"
    return born, None


def _check_gb11643(value: str, today: date) -> Checked:
    """The shared 18-character scheme: birth date at 7–14, sex in 17, check character in 18."""
    if "X" in value[:17]:
        return _fail(value, "只有最后一位（校验位）可以是X")
    born, problem = _birth_date(value[6:14], today)
    if problem:
        return _fail(value, problem)
    expected = resident_check_char(value[:17])
    if value[17] != expected:
        return _fail(value, f"校验位错误：应为 {expected}，实为 {value[17]}")
    return Checked(value=value, ok=True, message=None, birth_date=born, sex=_sex(value[16]))


def _resident_warnings(value: str) -> tuple[str, ...]:
    # These numbers pass the resident scheme, but the case file should carry the right document type.
    if value[:6] in _HMT_PREFIXES:
        return (f"这是{_HMT_PREFIXES[value[:6]]}居民的港澳台居民居住证号码，证件类型宜选“港澳台居民居住证”",)
    if value[0] == "9":
        return ("以9开头的是外国人永久居留身份证号码，证件类型宜选“外国人永久居留身份证”",)
    if value[:2] not in _PROVINCES:
        # People keep the code of where they were first registered, so old or odd codes only warn.
        return (f"地址码前两位“{value[:2]}”不是已知的省级行政区划代码，请核对",)
    return ()


def _resident(value: str, today: date) -> Checked:
    if problem := _illegal(value, _DIGITS + "X"):
        return _fail(value, problem)
    if len(value) == 15:
        return _legacy_resident(value, today)
    if len(value) != 18:
        return _fail(value, f"长度应为18位，实为{len(value)}位")
    result = _check_gb11643(value, today)
    return replace(result, warnings=_resident_warnings(value)) if result.ok else result


def _legacy_resident(value: str, today: date) -> Checked:
    """15-digit numbers (cards issued before GB 11643-1999): century 19 implied, no check character; convert to 18."""
    if "X" in value:
        return _fail(value, "15位旧号码只能由数字组成，不含X")
    first17 = value[:6] + "19" + value[6:]
    born, problem = _birth_date(first17[6:14], today)
    if problem:
        return _fail(value, problem)
    full = first17 + resident_check_char(first17)
    return Checked(
        value=full,
        ok=True,
        message=None,
        warnings=_resident_warnings(full),
        birth_date=born,
        sex=_sex(full[16]),
        converted_from=value,
    )


def _hmt_residence(value: str, today: date) -> Checked:
    if problem := _illegal(value, _DIGITS + "X"):
        return _fail(value, problem)
    if len(value) != 18:
        return _fail(value, f"长度应为18位，实为{len(value)}位")
    if value[:6] not in _HMT_PREFIXES:
        return _fail(value, "港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头")
    return _check_gb11643(value, today)


def _foreign_pr(value: str, today: date) -> Checked:
    if problem := _illegal(value, _ALNUM):
        return _fail(value, problem)
    if len(value) == 15:
        # The pre-2023 card: ISO alpha-3 nationality + 12 digits, with no check character to verify.
        if re.fullmatch(r"[A-Z]{3}\d{12}", value):
            return Checked(value=value, ok=True, message=None)
        return _fail(value, "旧版外国人永久居留证号码应为3个字母加12位数字")
    if len(value) != 18:
        return _fail(value, f"长度应为18位（旧版15位），实为{len(value)}位")
    if problem := _illegal(value, _DIGITS + "X"):
        return _fail(value, problem)
    if value[0] != "9":
        return _fail(value, f"外国人永久居留身份证号码应以9开头，实为“{value[0]}”")
    result = _check_gb11643(value, today)
    if result.ok and value[1:3] not in _PROVINCES:
        return replace(
            result, warnings=(f"第2–3位受理地代码“{value[1:3]}”不是已知的省级行政区划代码，请核对",)
        )
    return result


@dataclass(frozen=True)
class _Format:
    """A document known only by the shape of its number."""

    length_text: str
    lengths: frozenset[int]
    forms: tuple[tuple[str, str | None], ...]  # (regex, warning it carries)
    hint: str


_FORMATS: dict[IdType, _Format] = {
    # The 2014 card was C + 8 digits; once those ran out (NIA notice 2018-12) the 2nd place became a
    # letter without I and O, from CA0000001. W + 8 digits is the booklet issued before 2014.
    IdType.HK_MO_PASS: _Format(
        "9",
        frozenset({9}),
        ((r"C\d{8}", None), (r"C[A-HJ-NP-Z]\d{7}", None), (r"W\d{8}", None)),
        "往来港澳通行证号码应为C加8位数字、C加1个字母（I、O除外）加7位数字，或旧版W加8位数字",
    ),
    # Older cards carry 2 more digits, the number of times the permit has been issued.
    IdType.HOME_RETURN: _Format(
        "9（旧版11）",
        frozenset({9, 11}),
        ((r"[HM]\d{8}", None), (r"[HM]\d{10}", None)),
        "港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位数字（旧版10位数字）",
    ),
    # 8 digits since the 2015 card; 10–12 characters are old booklets and one-off short-term permits.
    IdType.TW_COMPAT: _Format(
        "8（旧版10–12）",
        frozenset({8, 10, 11, 12}),
        ((r"\d{8}", None), (r"[A-Z0-9]{10,12}", "不是现行8位号码（旧版本式或一次性台胞证），请核对证件")),
        "台湾居民来往大陆通行证号码应为8位数字（旧版或一次性证件为10–12位字母或数字）",
    ),
    # Passports of all countries: ICAO 9303 allows up to 9 characters in the MRZ, some issuers more.
    IdType.PASSPORT: _Format(
        "5–17",
        frozenset(range(5, 18)),
        ((r"[A-Z0-9]{5,17}", None),),
        "护照号码应为5–17位字母或数字",
    ),
}


def _by_format(id_type: IdType, value: str) -> Checked:
    fmt = _FORMATS[id_type]
    if problem := _illegal(value, _ALNUM):
        return _fail(value, problem)
    if len(value) not in fmt.lengths:
        return _fail(value, f"长度应为{fmt.length_text}位，实为{len(value)}位")
    for pattern, warning in fmt.forms:
        if re.fullmatch(pattern, value):
            return Checked(value=value, ok=True, message=None, warnings=(warning,) if warning else ())
    # Clerks often pick the wrong one of the three permits: say which one the number looks like.
    looks_like = [
        ID_TYPE_LABELS[other]
        for other in (IdType.HK_MO_PASS, IdType.HOME_RETURN, IdType.TW_COMPAT)
        if other != id_type and re.fullmatch(_FORMATS[other].forms[0][0], value)
    ]
    suffix = f"；这个号码像是“{looks_like[0]}”" if looks_like else ""
    return _fail(value, f"格式不符：{fmt.hint}{suffix}")


def check_person_id(id_type: IdType | str, raw: str | None, today: date | None = None) -> Checked:
    """Normalise and check a personal identity number of the given document type."""
    kind = IdType(id_type)
    value = normalize(raw or "")
    if not value:
        return _fail(value, EMPTY_PERSON_ID)
    today = today or date.today()
    if kind is IdType.RESIDENT:
        return _resident(value, today)
    if kind is IdType.HMT_RESIDENCE:
        return _hmt_residence(value, today)
    if kind is IdType.FOREIGN_PR:
        return _foreign_pr(value, today)
    return _by_format(kind, value)


def check_uscc(raw: str | None) -> Checked:
    """Normalise and check a 统一社会信用代码 (GB 32100)."""
    value = normalize(raw or "")
    if not value:
        return _fail(value, EMPTY_USCC)
    for ch in value:
        if ch not in _USCC_ALPHABET:
            hint = "（统一社会信用代码不使用字母I、O、Z、S、V）" if ch in "IOZSV" else ""
            return _fail(value, f"含有非法字符“{ch}”{hint}")
    if len(value) != 18:
        return _fail(value, f"长度应为18位，实为{len(value)}位")
    department = _USCC_DEPARTMENTS.get(value[0])
    if department is None:
        return _fail(value, f"第1位登记管理部门代码“{value[0]}”无效")
    division = value[2:8]
    if not division.isdigit():
        return _fail(value, f"第3–8位登记管理机关行政区划码“{division}”应为6位数字")
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return _fail(value, f"校验位错误：应为 {expected}，实为 {value[17]}")
    warnings: list[str] = []
    name, categories = department
    if value[1] not in categories:
        warnings.append(f"第2位机构类别代码“{value[1]}”不属于“{name}”登记管理部门，请核对")
    # 10xxxx is the code used for bodies registered at national level.
    if division[:2] not in _PROVINCES and division[:2] != "10":
        warnings.append(f"第3–8位行政区划码“{division}”不是已知的省级行政区划，请核对")
    org_expected = _org_check_char(value[8:16])
    if value[16] != org_expected:
        # Some registrars issued codes whose embedded organisation code fails its own check: warn only.
        warnings.append(
            f"第9–17位组织机构代码{value[8:16]}-{value[16]}校验位不符（应为 {org_expected}），请核对"
        )
    return Checked(value=value, ok=True, message=None, warnings=tuple(warnings))


USCC = "uscc"  # the id_type of an organisation's 统一社会信用代码 (not an IdType: it names no person)


def id_label(id_type: str) -> str:
    """The label of an ID type as documents and the case detail print it."""
    return "统一社会信用代码" if id_type == USCC else ID_TYPE_LABELS.get(IdType(id_type), id_type)
