"""现场核查通知书: the applicant is told when, where, by whom and what the organ will check on site (art. 34 (3)).

One page. It tells the applicant that the visit's time counts within the legal limit (a site visit is not one of
art. 45's suspensions), what to have ready, and that the inspectors show their papers; it carries the seal and
the issuer's date like the other notices, and the applicant signs for it at the counter.
"""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.data import DocumentData, SiteVisitFacts
from app.documents.fonts import FontChain
from app.documents.legal_text import LICENSING_LAW, cn_date

BASIS = f"{LICENSING_LAW}第三十四条第三款"
READY = ("请申请人（或其委托的代理人）在核查时间到场，并备好申请材料的原件、核查内容所涉场所和设施设备；"
         "核查人员将出示执法证件，核查结束后请在现场核查记录上签字确认。")


def visit_fields(v: SiteVisitFacts) -> dict[str, str]:
    out = {"核查地点": v.place, "核查内容": v.checks}
    out.update({f"核查人员{k}": name for k, name in enumerate(v.inspectors, 1)})
    return out


def fields(doc: DocumentData) -> dict[str, str]:
    assert doc.site_visit is not None  # validate() refuses a notice without one
    return {**o.base_fields(doc), **visit_fields(doc.site_visit)}


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    return o.build(doc, lambda: _story(doc, o.make_styles(chain), chain), chain)


def _story(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, v = doc.case, doc.site_visit
    assert v is not None
    accepted = f"，本机关已于{cn_date(c.accepted_at)}依法受理" if c.accepted_at else "，本机关已依法受理"
    story = o.title_block(doc, st, chain)
    story.append(o.paragraph(
        f"{o.you(doc)}提交的{c.item_name}申请{accepted}。根据{BASIS}的规定，需要对申请材料的实质内容进行核实，"
        "本机关指派下列工作人员进行现场核查。现将有关事项通知如下：", st.body, chain))
    checks = "\n".join(line.strip() for line in v.checks.splitlines() if line.strip())
    rows: list[tuple[str, ...]] = [
        ("核查时间", o.cn_day(v.day), "核查人员", "、".join(n.strip() for n in v.inspectors if n.strip())),
        ("核查地点", v.place),
        ("核查内容", checks),
        ("承办人", c.clerk_name, "联系电话", c.clerk_phone),
    ]
    story += [o.spacer(1), o.kv_table(rows, chain, st), o.spacer(2), o.paragraph(READY, st.body, chain)]
    limit = f"（至{cn_date(c.legal_deadline)}）" if c.legal_deadline else ""
    story.append(o.paragraph(f"现场核查所需时间计入法定办理期限{limit}，不另行延长。因申请人原因无法按时核查的，"
                             "请于核查日前与承办人联系另行约定。", st.body, chain))
    story.append(o.keep([o.spacer(2), o.issuer_block(doc, st, chain, o.delivery_lines(doc))]))
    return story
