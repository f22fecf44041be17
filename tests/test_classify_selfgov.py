"""Self-governance rules titled 规定/章程/组规 and Party-only documents are classified by their issuer."""

from __future__ import annotations

import pytest

from legalreview.classify import classify
from legalreview.ingest import from_text
from legalreview.structure import parse


def _type(text: str) -> str:
    return classify(parse(from_text(text))).doc_type


@pytest.mark.parametrize("title", [
    "青山县东岭乡下庄村第二村民小组管理规定",
    "溪口镇新桥村股份经济合作社章程",
    "龙泉县安仁镇永和村红白喜事理事会工作规定",
    "黎平县某镇某村寨规民约",
    "某县某镇某村第五村民组组规",
])
def test_village_level_rules_are_village_rules(title):
    text = (f"{title}\n第一条 为维护本组村民共同利益，经村民会议讨论通过，制定本规定。\n"
            "第二条 本组村民应当爱护公共设施，邻里和睦。\n第三条 本规定自通过之日起施行。\n")
    assert _type(text) == "village_rules"


def test_township_government_regulation_is_not_village_rules():
    text = ("某镇人民政府关于加强村庄规划建设管理的规定\n各村民委员会：\n"
            "第一条 为加强村庄规划建设管理，根据《中华人民共和国城乡规划法》，制定本规定。\n"
            "第二条 本规定自印发之日起施行，有效期五年。\n某镇人民政府\n2024年3月1日\n")
    assert _type(text) == "normative_document"


def test_party_committee_alone_is_party_document():
    text = ("中共某镇委员会关于印发《某镇村级后备干部管理办法》的通知\n各村党组织：\n"
            "现将《某镇村级后备干部管理办法》印发给你们，请认真贯彻执行。\n"
            "第一条 为加强村级后备干部队伍建设，制定本办法。\n第二条 本办法自印发之日起施行。\n"
            "中共某镇委员会\n2024年5月6日\n")
    assert _type(text) == "party_normative_document"


def test_joint_party_and_government_document_stays_normative():
    text = ("中共某县委 某县人民政府关于支持重点产业发展的实施意见\n各乡镇党委、人民政府：\n"
            "一、总体要求\n为加快产业发展，提出如下意见。\n本意见自印发之日起施行，有效期三年。\n")
    assert _type(text) == "normative_document"
