"""Tests for app.reference.identity against published samples and check characters worked out by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from app.reference.identity import (
    ID_TYPE_LABELS,
    PERSON_ID_TYPES,
    Checked,
    IdType,
    check_person_id,
    check_uscc,
    normalize,
    resident_check_char,
    uscc_check_char,
)

# A fixed "today" so that the future-date rule does not drift with the calendar.
TODAY = date(2025, 6, 1)
R = IdType.RESIDENT

# GB 11643 by hand: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check = (12 − Σ mod 11) mod 11, 10 → X.
# The address code 110105 alone contributes 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 = 41.
#
# 11010519491231002X  (GB 11643 and DOMAIN.md sample)
#   7+9+0+5+0+20 +2+9+24+27+7+18+30+5 +0+0+4 = 167; 167 mod 11 = 2; 12−2 = 10 → X
# 440524188001010014  (GB 11643 sample, born 1880)
#   28+36+0+25+16+16 +2+8+48+0+0+9+0+5 +0+0+2 = 195; 195 mod 11 = 8; 12−8 = 4
# 360426199101010071  (python-stdnum test suite)
#   21+54+0+20+16+24 +2+9+54+3+0+9+0+5 +0+0+14 = 231; 231 mod 11 = 0; 12−0 = 12 mod 11 = 1
# 36042619910102009?  (python-stdnum's bad-check sample ends in X)
#   21+54+0+20+16+24 +2+9+54+3+0+9+0+10 +0+0+18 = 240; 240 mod 11 = 9; 12−9 = 3
# 110105 20000229 001 (2000 is a leap year: divisible by 400)
#   41 +4+0+0+0+0+18+20+45 +0+0+2 = 130; 130 mod 11 = 9; 12−9 = 3 → 110105200002290013
# 110105 19000229 001 (1900 is not a leap year: divisible by 100, not by 400)
#   41 +2+9+0+0+0+18+20+45 +0+0+2 = 137; 137 mod 11 = 5; 12−5 = 7 → 110105190002290017
# 110105 20240229 002
#   41 +4+0+12+12+0+18+20+45 +0+0+4 = 156; 156 mod 11 = 2; 12−2 = 10 → 11010520240229002X
# 110105 20300101 001
#   41 +4+0+18+0+0+9+0+5 +0+0+2 = 79; 79 mod 11 = 2; 12−2 = 10 → 11010520300101001X
# 810000 19940823 002: 56+9+0+0+0+0 +2+9+54+12+0+72+20+15 +0+0+4 = 253 = 11·23; 12 mod 11 = 1
# 820000 19800101 001: 56+18+0+0+0+0 +2+9+48+0+0+9+0+5 +0+0+2 = 149; 149 mod 11 = 6; 12−6 = 6
# 830000 19850512 003: 56+27+0+0+0+0 +2+9+48+15+0+45+10+10 +0+0+6 = 228; 228 mod 11 = 8; 12−8 = 4
# 932682198501010017  (DOMAIN.md foreign PR sample)
#   63+27+20+30+64+8 +2+9+48+15+0+9+0+5 +0+0+2 = 302; 302 mod 11 = 5; 12−5 = 7
# 911124198108030024  (DOMAIN.md foreign PR sample)
#   63+9+10+5+16+16 +2+9+48+3+0+72+0+15 +0+0+4 = 272; 272 mod 11 = 8; 12−8 = 4
# 9 99 840 19900101 001 (province 99 does not exist)
#   63+81+90+40+32+0 +2+9+54+0+0+9+0+5 +0+0+2 = 387; 387 mod 11 = 2; 12−2 = 10 → 99984019900101001X


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 1101 0519 4912 3100 2x ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("\u3000110105\t19491231\n002ｘ\u3000", "11010519491231002X"),
        ("ｃ１２３４５６７８", "C12345678"),
        ("\ufeff9144\u200b0300708461136t", "91440300708461136T"),
        ("e-1234", "E-1234"),  # punctuation is kept so the check can name it
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\u3000\u3000", None])
@pytest.mark.parametrize("id_type", [IdType.RESIDENT, IdType.PASSPORT])
def test_empty_person_id(id_type: IdType, raw: str | None) -> None:
    result = check_person_id(id_type, raw)
    assert (result.ok, result.message, result.value) == (False, "请输入证件号码", "")


def test_empty_uscc() -> None:
    assert check_uscc(" ").message == "请输入统一社会信用代码"


@pytest.mark.parametrize(
    ("raw", "value", "born", "sex"),
    [
        ("11010519491231002X", "11010519491231002X", date(1949, 12, 31), "女"),
        ("11010519491231002x", "11010519491231002X", date(1949, 12, 31), "女"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", date(1949, 12, 31), "女"),
        ("360426199101010071", "360426199101010071", date(1991, 1, 1), "男"),
        ("44011320141005001x", "44011320141005001X", date(2014, 10, 5), "男"),  # python-stdnum
        ("412723199010050012", "412723199010050012", date(1990, 10, 5), "男"),  # python-stdnum
        ("110102199101010078", "110102199101010078", date(1991, 1, 1), "男"),  # python-stdnum
        ("120110198012010073", "120110198012010073", date(1980, 12, 1), "男"),  # python-stdnum
        ("110105200002290013", "110105200002290013", date(2000, 2, 29), "男"),
        ("11010520240229002X", "11010520240229002X", date(2024, 2, 29), "女"),
    ],
)
def test_resident_valid(raw: str, value: str, born: date, sex: str) -> None:
    assert check_person_id(R, raw, TODAY) == Checked(value, True, None, (), born, sex)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11010519491231002", "长度应为18位，实为17位"),
        ("11010519491231002X1", "长度应为18位，实为19位"),
        ("11010519491231002O", "含有非法字符“O”"),
        ("1101051949123l002X", "含有非法字符“L”"),
        ("110105-19491231-002X", "含有非法字符“-”"),
        ("1101051949123100X2", "只有最后一位（校验位）可以是X"),
        ("110105194912310021", "校验位错误：应为 X，实为 1"),
        ("36042619910102009X", "校验位错误：应为 3，实为 X"),  # python-stdnum
        ("360426199113010079", "出生日期19911301不存在"),  # python-stdnum: month 13
        ("110105190002290017", "出生日期19000229不存在"),
        ("110105202302290011", "出生日期20230229不存在"),  # refused on the date, before the check
        ("110105194904310011", "出生日期19490431不存在"),
        ("11010520300101001X", "出生日期20300101晚于今天"),
        ("440524188001010014", "出生日期18800101早于1890年"),  # GB 11643's own sample, born 1880
        ("11010549123100X", "15位旧号码只能由数字组成，不含X"),
        ("110105491331002", "出生日期19491331不存在"),
        (" 1101 0500 0229 001", "出生日期19000229不存在"),  # legacy: 1900 is not a leap year
    ],
)
def test_resident_refused(raw: str, message: str) -> None:
    result = check_person_id(R, raw, TODAY)
    assert (result.ok, result.message, result.birth_date) == (False, message, None)
    assert result.value == normalize(raw)


def test_born_today_is_accepted() -> None:
    assert check_person_id(R, "11010520300101001X", date(2030, 1, 1)).ok


@pytest.mark.parametrize(
    ("legacy", "full", "born", "sex"),
    [
        # "19" goes in after the address code; the check characters are worked out above.
        ("110105491231002", "11010519491231002X", date(1949, 12, 31), "女"),
        ("360426910101007", "360426199101010071", date(1991, 1, 1), "男"),
    ],
)
def test_legacy_15_digit(legacy: str, full: str, born: date, sex: str) -> None:
    result = check_person_id(R, legacy, TODAY)
    assert (result.ok, result.value, result.converted_from) == (True, full, legacy)
    assert (result.birth_date, result.sex) == (born, sex)


@pytest.mark.parametrize(
    ("raw", "warning"),
    [
        ("990426199112010074", "以9开头的是外国人永久居留身份证号码"),  # python-stdnum: unknown place
        ("932682198501010017", "以9开头的是外国人永久居留身份证号码"),
        ("810000199408230021", "这是香港居民的港澳台居民居住证号码"),
        ("830000198505120034", "这是台湾居民的港澳台居民居住证号码"),
    ],
)
def test_resident_accepted_with_warning(raw: str, warning: str) -> None:
    result = check_person_id(R, raw, TODAY)
    assert result.ok and len(result.warnings) == 1 and result.warnings[0].startswith(warning)


def test_unknown_province_warns() -> None:
    # 00 is no province. 000000 19800101 001: 0 +2+9+48+0+0+9+0+5 +0+0+2 = 75; 75 mod 11 = 9; 12−9 = 3
    result = check_person_id(R, "000000198001010013", TODAY)
    assert result.ok and result.warnings == ("地址码前两位“00”不是已知的省级行政区划代码，请核对",)


HMT_PREFIX = "港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头"


@pytest.mark.parametrize(
    ("raw", "ok", "detail"),
    [
        ("810000199408230021", True, (date(1994, 8, 23), "女")),
        ("820000198001010016", True, (date(1980, 1, 1), "男")),
        ("830000 19850512 0034", True, (date(1985, 5, 12), "男")),
        ("830000198505120035", False, "校验位错误：应为 4，实为 5"),
        ("11010519491231002X", False, HMT_PREFIX),
        ("810000940823002", False, "长度应为18位，实为15位"),
    ],
)
def test_hmt_residence(raw: str, ok: bool, detail: object) -> None:
    result = check_person_id(IdType.HMT_RESIDENCE, raw, TODAY)
    assert result.ok is ok and not result.warnings
    assert ((result.birth_date, result.sex) if ok else result.message) == detail


@pytest.mark.parametrize(
    ("raw", "ok", "detail"),
    [
        ("932682198501010017", True, (date(1985, 1, 1), "男")),
        ("911124198108030024", True, (date(1981, 8, 3), "女")),
        ("932682198501010018", False, "校验位错误：应为 7，实为 8"),
        ("11010519491231002X", False, "外国人永久居留身份证号码应以9开头，实为“1”"),
        ("9326821985010100A7", False, "含有非法字符“A”"),
        ("932682198502300017", False, "出生日期19850230不存在"),
        ("USA110070080182", True, (None, None)),  # old form: format only
        ("can310068071512", True, (None, None)),
        ("CA1310068071512", False, "旧版外国人永久居留证号码应为3个字母加12位数字"),
        ("USA11007008018", False, "长度应为18位（旧版15位），实为14位"),
    ],
)
def test_foreign_pr(raw: str, ok: bool, detail: object) -> None:
    result = check_person_id(IdType.FOREIGN_PR, raw, TODAY)
    assert result.ok is ok and not result.warnings
    assert ((result.birth_date, result.sex) if ok else result.message) == detail


def test_foreign_pr_unknown_province_warns() -> None:
    result = check_person_id(IdType.FOREIGN_PR, "99984019900101001X", TODAY)
    assert result.ok and result.warnings == ("第2–3位受理地代码“99”不是已知的省级行政区划代码，请核对",)


HK_BAD = "格式不符：往来港澳通行证号码应为C加8位数字、C加1个字母（I、O除外）加7位数字，或旧版W加8位数字"
HR_BAD = "格式不符：港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位数字（旧版10位数字）"
TW_BAD = "格式不符：台湾居民来往大陆通行证号码应为8位数字（旧版或一次性证件为10–12位字母或数字）"
TW_OLD = ("不是现行8位号码（旧版本式或一次性台胞证），请核对证件",)


@pytest.mark.parametrize(
    ("id_type", "raw", "warnings"),
    [
        (IdType.HK_MO_PASS, "C12345678", ()),
        (IdType.HK_MO_PASS, "c 1234 5678", ()),
        (IdType.HK_MO_PASS, "CA0000001", ()),  # first number of the 2018 extension (NIA notice)
        (IdType.HK_MO_PASS, "CY1234567", ()),
        (IdType.HK_MO_PASS, "W12345678", ()),
        (IdType.HOME_RETURN, "H12345678", ()),
        (IdType.HOME_RETURN, "m12345678", ()),
        (IdType.HOME_RETURN, "H1234567801", ()),
        (IdType.TW_COMPAT, "07257456", ()),
        (IdType.TW_COMPAT, "1234567890", TW_OLD),
        (IdType.TW_COMPAT, "F290299977", TW_OLD),
        (IdType.PASSPORT, "E12345678", ()),
        (IdType.PASSPORT, "EA1234567", ()),
        (IdType.PASSPORT, "G12345678", ()),
        (IdType.PASSPORT, "12345", ()),
        (IdType.PASSPORT, "AB1234567890CDEFG", ()),
    ],
)
def test_format_only_valid(id_type: IdType, raw: str, warnings: tuple[str, ...]) -> None:
    assert check_person_id(id_type, raw) == Checked(normalize(raw), True, None, warnings)


@pytest.mark.parametrize(
    ("id_type", "raw", "message"),
    [
        (IdType.HK_MO_PASS, "C1234567", "长度应为9位，实为8位"),
        (IdType.HK_MO_PASS, "CI1234567", HK_BAD),
        (IdType.HK_MO_PASS, "CO1234567", HK_BAD),
        (IdType.HK_MO_PASS, "H12345678", HK_BAD + "；这个号码像是“港澳居民来往内地通行证”"),
        (IdType.HK_MO_PASS, "C1234567#", "含有非法字符“#”"),
        (IdType.HOME_RETURN, "H1234567", "长度应为9（旧版11）位，实为8位"),
        (IdType.HOME_RETURN, "H123456789", "长度应为9（旧版11）位，实为10位"),
        (IdType.HOME_RETURN, "HA2345678", HR_BAD),
        (IdType.HOME_RETURN, "C12345678", HR_BAD + "；这个号码像是“往来港澳通行证”"),
        (IdType.TW_COMPAT, "1234567", "长度应为8（旧版10–12）位，实为7位"),
        (IdType.TW_COMPAT, "123456789", "长度应为8（旧版10–12）位，实为9位"),
        (IdType.TW_COMPAT, "1234567A", TW_BAD),
        (IdType.PASSPORT, "E123", "长度应为5–17位，实为4位"),
        (IdType.PASSPORT, "E1234567890ABCDEFG", "长度应为5–17位，实为18位"),
        (IdType.PASSPORT, "E1234567-8", "含有非法字符“-”"),
    ],
)
def test_format_only_refused(id_type: IdType, raw: str, message: str) -> None:
    result = check_person_id(id_type, raw)
    assert (result.ok, result.message, result.value) == (False, message, normalize(raw))


# GB 32100 by hand: 0–9 are 0–9, A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20 M21 N22 P23 Q24 R25
# T26 U27 W28 X29 Y30; weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; check = 31 − Σ mod 31.
# Organisation code (chars 9–17; GB 11714 values, A=10 … Z=35): weights 3 7 9 10 5 8 4 2, 11 − Σ mod 11.
#
# 91440300708461136T  DOMAIN.md sample (Tencent, Shenzhen)
#   9+3+36+108+0+78+0+0+140+0+200+52+48+24+10+90+168 = 966; 966 − 31·31 = 5; 31−5 = 26 → T
#   org 70846113-6: 21+0+72+40+30+8+4+6 = 181; 181 mod 11 = 5; 11−5 = 6
# 91350100M000100Y43  DOMAIN.md sample
#   9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 − 31·52 = 28; 31−28 = 3
#   org M000100Y-4: 66+0+0+0+5+0+0+68 = 139; 139 mod 11 = 7; 11−7 = 4
# 11100000000013338W  DOMAIN.md sample
#   1+3+9+0+0+0+0+0+0+0+0+0+8+72+30+90+224 = 437; 437 − 31·14 = 3; 31−3 = 28 → W
#   org 00001333-8: 0+0+0+0+5+24+12+6 = 47; 47 mod 11 = 3; 11−3 = 8
# 91310115MA1G4L1WXK  circulates online; DOMAIN.md says invalid
#   9+3+27+27+0+26+16+85+420+290+25+208+32+480+10+840+812 = 3310; 3310 − 31·106 = 24; 31−24 = 7 ≠ K
# 914403001922038216  Huawei Technologies Co., Ltd.
#   9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831; 831 − 31·26 = 25; 31−25 = 6
#   org 19220382-1: 3+63+18+20+0+24+32+4 = 164; 164 mod 11 = 10; 11−10 = 1
# 91100000100003962T  Industrial and Commercial Bank of China
#   9+3+9+0+0+0+0+0+20+0+0+0+0+72+90+180+56 = 439; 439 − 31·14 = 5; 31−5 = 26 → T
#   org 10000396-2: 3+0+0+0+0+24+36+12 = 75; 75 mod 11 = 9; 11−9 = 2
# 911000001000013428  Bank of China
#   9+3+9+0+0+0+0+0+20+0+0+0+0+24+30+120+56 = 271; 271 − 31·8 = 23; 31−23 = 8
#   org 10000134-2: 3+0+0+0+0+8+12+8 = 31; 31 mod 11 = 9; 11−9 = 2
# 91110000802100433B  Beijing Baidu Netcom Science and Technology
#   9+3+9+27+0+0+0+0+160+0+50+13+0+0+40+90+84 = 485; 485 − 31·15 = 20; 31−20 = 11 → B
#   org 80210043-3: 24+0+18+10+0+0+16+6 = 74; 74 mod 11 = 8; 11−8 = 3
# 91110108551385082Q  Xiaomi Inc.
#   9+3+9+27+0+26+0+136+100+145+25+39+64+120+0+240+56 = 999; 999 − 31·32 = 7; 31−7 = 24 → Q
#   org 55138508-2: 15+35+9+30+40+40+0+16 = 185; 185 mod 11 = 9; 11−9 = 2
# 91440300192317458F  BYD Company
#   9+3+36+108+0+78+0+0+20+261+50+39+8+168+40+150+224 = 1194; 1194 − 31·38 = 16; 31−16 = 15 → F
#   org 19231745-8: 3+63+18+30+5+56+16+10 = 201; 201 mod 11 = 3; 11−3 = 8
# 91440300100012316L  Ping An Insurance (Group)
#   9+3+36+108+0+78+0+0+20+0+0+0+8+48+30+30+168 = 538; 538 − 31·17 = 11; 31−11 = 20 → L
#   org 10001231-6: 3+0+0+0+5+16+12+2 = 38; 38 mod 11 = 5; 11−5 = 6
# A1110000600037341K  made up, department A: 10+3+9+27+0+0+0+0+120+0+0+0+24+168+30+120+28 = 539;
#   539 − 31·17 = 12; 31−12 = 19 → K
# N2440300708461136A  made up, department N: Tencent's sum 966 − 9 − 3 + 22 + 6 = 982; 982 − 31·31 = 21;
#   31−21 = 10 → A
# 94440300708461136H  made up, category 4 under 工商: 966 − 3 + 12 = 975; 975 − 31·31 = 14; 31−14 = 17 → H
# 91990000708461136H  made up, division 990000: 9+3+81+243 + 140+200+52+48+24+10+90+168 = 1068;
#   1068 − 31·34 = 14 → H
# 91440300708461137X  made up, organisation check 7 instead of 6: 966 − 168 + 7·28 = 994; 994 − 31·32 = 2;
#   31−2 = 29 → X


@pytest.mark.parametrize(
    "raw",
    [
        "91440300708461136T",
        "91350100M000100Y43",
        "11100000000013338W",
        "914403001922038216",
        "91100000100003962T",
        "911000001000013428",
        "91110000802100433B",
        "91110108551385082Q",
        "91440300192317458F",
        "91440300100012316L",
        "A1110000600037341K",
        "N2440300708461136A",
        # From python-stdnum's list of numbers found online.
        "91110000600037341L",
        "121200004013590816",
        "91310115MA1K3BTP2B",
        "9131012056010553X5",
        "91620105L015101280",
        "92340602MA2PBMEM24",
        " 9144 0300 7084 6113 6t",
        "９１４４０３００７０８４６１１３６Ｔ",
    ],
)
def test_uscc_valid(raw: str) -> None:
    assert check_uscc(raw) == Checked(normalize(raw), True, None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("91310115MA1G4L1WXK", "校验位错误：应为 7，实为 K"),
        ("91440300708461136A", "校验位错误：应为 T，实为 A"),
        ("91110000600037341N", "校验位错误：应为 L，实为 N"),  # python-stdnum
        ("A1110000600037341L", "校验位错误：应为 K，实为 L"),
        ("9111000060003IOZSV", "含有非法字符“I”（统一社会信用代码不使用字母I、O、Z、S、V）"),
        ("91440300708461136O", "含有非法字符“O”（统一社会信用代码不使用字母I、O、Z、S、V）"),
        ("914403007084611-6T", "含有非法字符“-”"),
        ("9144030070846113T", "长度应为18位，实为17位"),
        ("B1110000600037341J", "第1位登记管理部门代码“B”无效"),
        ("01440300708461136T", "第1位登记管理部门代码“0”无效"),
        ("9144A300708461136T", "第3–8位登记管理机关行政区划码“44A300”应为6位数字"),
    ],
)
def test_uscc_refused(raw: str, message: str) -> None:
    result = check_uscc(raw)
    assert (result.ok, result.message, result.value) == (False, message, normalize(raw))


@pytest.mark.parametrize(
    ("raw", "warning"),
    [
        ("91440300708461137X", "第9–17位组织机构代码70846113-7校验位不符（应为 6），请核对"),
        ("94440300708461136H", "第2位机构类别代码“4”不属于“工商”登记管理部门，请核对"),
        ("91990000708461136H", "第3–8位行政区划码“990000”不是已知的省级行政区划，请核对"),
    ],
)
def test_uscc_accepted_with_warning(raw: str, warning: str) -> None:
    assert check_uscc(raw) == Checked(raw, True, None, (warning,))


CHECK_CHARS = [
    (resident_check_char, "11010519491231002", "X"),
    (resident_check_char, "44052418800101001", "4"),
    (resident_check_char, "36042619910101007", "1"),
    (resident_check_char, "93268219850101001", "7"),
    (resident_check_char, "11010520000229001", "3"),
    (uscc_check_char, "91440300708461136", "T"),
    (uscc_check_char, "11100000000013338", "W"),
    (uscc_check_char, "91310115MA1G4L1WX", "7"),
    (uscc_check_char, "91100000100001342", "8"),
]


@pytest.mark.parametrize(("function", "first17", "check"), CHECK_CHARS)
def test_check_char(function: Callable[[str], str], first17: str, check: str) -> None:
    assert function(first17) == check


@pytest.mark.parametrize(
    ("function", "bad"),
    [
        (resident_check_char, "1101051949123100"),
        (resident_check_char, "1101051949123100X"),
        (resident_check_char, "110105194912310021"),
        (uscc_check_char, "9144030070846113"),
        (uscc_check_char, "9144030070846113O"),
    ],
)
def test_check_char_rejects_bad_input(function: Callable[[str], str], bad: str) -> None:
    with pytest.raises(ValueError):
        function(bad)


def test_labels_and_order() -> None:
    assert set(ID_TYPE_LABELS) == set(IdType) == set(PERSON_ID_TYPES)
    assert PERSON_ID_TYPES[0] is IdType.RESIDENT
    assert ID_TYPE_LABELS[IdType.RESIDENT] == "居民身份证"
    # Stored values round-trip: the database keeps the string, the UI gets the enum back.
    assert check_person_id("resident_id", "11010519491231002X", TODAY).ok
