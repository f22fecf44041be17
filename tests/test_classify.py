"""Document-type detection on short realistic texts written for these tests (and traps), plus the dev set."""

from __future__ import annotations

import json

import pytest

from legalreview.classify import classify
from legalreview.errors import LegalReviewError
from legalreview.ingest import from_text
from legalreview.models import Document
from legalreview.structure import parse

from conftest import shared_path

VILLAGE = """青溪村村规民约

为加强村民自我管理、自我服务，根据《中华人民共和国村民委员会组织法》，经本村村民会议讨论通过，制定本村规民约。
第一条 全体村民应当遵纪守法，爱护公共设施。
第二条 村民应当做好门前三包，不乱倒垃圾。
第三条 本村规民约由村民委员会负责解释，自村民会议通过之日起施行。
"""

# trap: mentions fines, but imposed by the public-security organ under the law
VILLAGE_WITH_POLICE_FINE = """
经全体户代表表决通过，现将本村公约公布如下：
一、村民不得聚众赌博，违者由公安机关依法处以罚款或者拘留。
二、不得私拉乱接电线，发现的报供电部门依法处理。
三、全体村民应当文明养犬，造成他人损害的依法承担赔偿责任。
"""

RESIDENTS = """桂园社区居民公约
为建设文明和谐社区，经社区居民会议讨论通过，特制定本公约，望全体居民共同遵守。
一、爱护小区绿化，不在公共区域堆放杂物。
二、邻里之间互相帮助，发生矛盾协商解决。
"""

NORMATIVE = """溪口镇人民政府文件
溪政发〔2026〕8号
溪口镇人民政府关于印发《溪口镇农村生活污水处理设施运行维护管理办法》的通知
各行政村、镇属各单位：
现将《溪口镇农村生活污水处理设施运行维护管理办法》印发给你们，请认真贯彻执行。
第一条 为规范农村生活污水处理设施运行维护，根据《浙江省农村生活污水处理设施管理条例》，制定本办法。
第二条 本办法自2026年5月1日起施行，有效期五年。
"""

# trap: a normative document that talks about contracts
NORMATIVE_WITH_CONTRACT = """关于加强镇级政府合同管理的实施办法
各村（社区）、镇机关各办公室：
为规范镇政府合同订立和履行，防范法律风险，特制定本办法。
第一条 镇政府及其工作部门订立的合同，应当在签订前送司法所进行合法性审查。
第二条 合同应当载明违约责任和争议解决方式。
第三条 本办法自发布之日起施行。
"""

# trap: a government notice (通告) is a normative document
NOTICE = """桐庐县人民政府关于在城区范围内禁止露天焚烧秸秆的通告
为改善空气质量，保障群众身体健康，根据《中华人民共和国大气污染防治法》等规定，现就有关事项通告如下：
一、本通告所称城区，是指环城路以内区域。
二、禁止在上述区域内露天焚烧秸秆、落叶等产生烟尘污染的物质。
三、本通告自2026年3月1日起施行。
桐庐县人民政府
2026年2月10日
"""

# trap: issued jointly by the county Party committee and the county government -> normative_document
JOINT = """中共安吉县委 安吉县人民政府
关于推进美丽乡村高质量发展的实施意见
各乡镇（街道）党委、人民政府，县直各单位：
为深入推进美丽乡村建设，现提出如下实施意见。
一、对年度考核优秀的村，给予一次性奖励20万元。
二、本意见自印发之日起施行。
"""

PARTY = """中共青山镇委员会
青委发〔2026〕3号
关于加强村级党组织书记队伍建设的意见
各村党组织：
为加强基层党组织建设，提高党员队伍素质，现就加强村党组织书记队伍建设提出如下意见。
一、严格党组织书记选拔标准，把政治标准放在首位。
二、落实三会一课制度，规范组织生活。
中共青山镇委员会
2026年4月2日
"""

CONTRACT = """青溪镇闲置校舍租赁合同
出租方（甲方）：青溪镇人民政府
承租方（乙方）：某某文化旅游发展有限公司
甲乙双方经友好协商，就闲置校舍租赁事宜达成如下协议：
一、租赁期限为十年。
二、乙方应按期支付租金，逾期支付的按日支付违约金。
三、发生争议的，双方协商解决；协商不成的，依法向人民法院提起诉讼。
"""

AGREEMENT = """项目投资协议书
甲方：某某县经济开发区管理委员会
乙方：某某新材料有限公司
为加快产业发展，经双方协商一致，订立本协议。
第一条 乙方在甲方区域内投资建设新材料生产项目。
第二条 本协议一式四份，自双方签字盖章之日起生效。
"""

ENFORCEMENT = """行政处罚决定书
某综合行政执法局
当事人：王某某，男，身份证号码：略。
经查，当事人于2026年3月5日在某路占道经营，违反了《城市市容和环境卫生管理条例》第十四条的规定。
本局依据《城市市容和环境卫生管理条例》第三十六条的规定，决定给予当事人罚款人民币二百元的行政处罚。
如不服本决定，可以在收到本决定书之日起六十日内申请行政复议，或者六个月内依法提起行政诉讼。
"""

MAJOR = """溪口镇2026年度重大行政决策事项目录
根据《重大行政决策程序暂行条例》和《浙江省重大行政决策程序规定》，经镇政府常务会议研究，确定以下事项为本镇2026年度重大行政决策事项。
序号 | 决策事项 | 承办单位 | 履行程序
1 | 溪口老街保护与更新方案 | 镇规划建设办 | 公众参与、专家论证、风险评估、合法性审查、集体讨论决定
"""

HEARING = """关于溪口镇垃圾中转站选址方案的决策草案
为落实重大行政决策程序要求，本决策草案已经专家论证和社会稳定风险评估，拟于5月召开听证会听取意见。
一、选址方案：拟选址于工业园区北侧。
二、公众参与：公开征求意见期限为30日。
"""

# a normative document about decision procedure is normative, not a decision
DECISION_RULES = """桐溪县重大行政决策程序实施办法
第一条 为规范重大行政决策程序，根据《重大行政决策程序暂行条例》，结合本县实际，制定本办法。
第二条 本办法适用于县人民政府及其部门作出重大行政决策。
第三十条 本办法自2026年6月1日起施行。
"""

OTHER = """溪口镇2025年度平安建设工作总结
2025年，我镇紧紧围绕平安建设目标，扎实开展矛盾纠纷排查化解，全年调处纠纷二百余起。
下一步，我们将继续深化基层治理。
"""

MEETING = """关于召开全镇安全生产工作会议的通知
各村、镇属各单位：
定于2026年5月8日上午9时在镇政府三楼会议室召开全镇安全生产工作会议，请各单位主要负责人准时参加。
"""


DEPT_NOTICE = """青溪县农业农村局文件
青农发〔2026〕7号
青溪县农业农村局关于印发《青溪县农村宅基地审批管理实施细则》的通知
各乡镇人民政府：
现将实施细则印发给你们，请遵照执行。
"""

PENALTY_WITH_NUMBER = """青溪县综合行政执法局
青综执罚决字〔2026〕第15号
当事人：李某
经查，当事人未经批准擅自搭建建筑物，依据《浙江省城乡规划条例》第五十二条，决定对当事人作出如下处理：罚款三千元。
"""

PARTY_NOTICE = """中共云岭镇委员会文件
云委发〔2026〕2号
中共云岭镇委员会关于印发《云岭镇村级党组织议事规则》的通知
各村党组织：
现将议事规则印发给你们，请认真贯彻执行。
"""

# joint offices of the Party committee and the government: still a government normative document
JOINT_OFFICES = """中共青溪县委办公室 青溪县人民政府办公室
关于印发《青溪县乡镇（街道）合法性审查工作实施办法》的通知
各乡镇党委、人民政府，县直各单位：
经县委、县政府同意，现将实施办法印发给你们，请认真贯彻落实。
"""

PROJECT_DECISION = """云岭镇人民政府
关于云岭镇老街有机更新项目的决定
经镇政府常务会议审议，现就老街有机更新项目作出如下决定。本事项已列入本镇年度重大行政决策事项目录，履行了公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。
一、实施范围为老街两侧建筑。
"""

UNTITLED_CONTRACT = """甲方：云岭镇人民政府
乙方：某某物业服务有限公司
根据《中华人民共和国民法典》，甲乙双方经协商一致，就镇政府办公楼物业服务事宜订立本合同。
第一条 服务期限为一年。
第二条 乙方未达到服务标准的，应当承担违约责任。
"""


# trap: a normative document about penalties, full of 当事人/违法行为, is not an enforcement decision
PENALTY_RULES = """青溪县综合行政执法局关于规范行政处罚裁量权的实施办法
第一条 为规范行政处罚裁量权，保障当事人合法权益，根据《中华人民共和国行政处罚法》，制定本办法。
第二条 当事人有违法行为的，执法人员应当依法调查取证，告知当事人陈述、申辩的权利。
第三条 对初次违法且危害后果轻微并及时改正的，可以不予行政处罚。
第四条 本办法自2026年1月1日起施行。
"""

NO_PENALTY = """不予行政处罚决定书
青市监不罚〔2026〕3号
当事人：某某超市
经查，当事人销售的商品标签不规范，系初次违法且危害后果轻微，已及时改正。依据《中华人民共和国行政处罚法》第三十三条第一款，决定不予行政处罚。
"""

DEMOLITION_ORDER = """责令限期拆除决定书
当事人：王某
你于2026年5月在云岭镇某村未经批准建设建筑物，违反《中华人民共和国城乡规划法》第六十五条规定，现责令你于十五日内自行拆除。
"""

GROUP_RULES = """下庄村村民小组组规民约
一、本组村民应当爱护集体财产。
二、提倡移风易俗，红白喜事从简。
"""

FRAMEWORK = """云岭镇人民政府与青溪文旅集团有限公司框架合作协议
为共同推进乡村旅游发展，双方经协商达成如下合作意向：
一、合作内容为民宿集群开发。
"""

CONSULTATION_DRAFT = """云岭镇集镇污水管网改造工程实施方案（征求意见稿）
根据《浙江省重大行政决策程序规定》，本方案属于镇重大行政决策事项，现公开征求意见，征求意见期限为30日。
一、项目概况。
二、风险评估。
"""

ANNUAL_REPORT = """云岭镇人民政府
关于云岭镇2025年度法治政府建设情况的报告
县政府：
现将我镇2025年度法治政府建设情况报告如下。
"""

# public consultation on a decision draft (a 方案), a price hearing, and township decisions on a fee and on
# traffic: decisions, although titled 公告/决定 like normative documents
DECISION_CONSULTATION = """云岭镇人民政府关于公开征求《云岭镇集镇污水处理收费实施方案（征求意见稿）》意见的公告
为广泛听取意见，现将方案全文公布。
一、征求意见时间：2026年5月1日至2026年5月31日。
二、意见可以通过信函、电子邮件提出。
"""

PRICE_HEARING = """云岭镇人民政府关于举行集镇自来水价格调整方案听证会的公告
根据《政府制定价格听证办法》，现将有关事项公告如下：
一、听证会时间：2026年6月10日。
二、听证会材料于听证会召开7日前送达听证参加人。
"""

FEE_DECISION = """云岭镇人民政府关于调整集镇农贸市场摊位费标准的决定（草案）
经镇党政联席会议研究，拟作出如下决定：
一、自2026年7月1日起，固定摊位费调整为每月三百元。
"""

TRAFFIC_DECISION = """云岭镇人民政府关于老街区域实行机动车限时通行的决定
为改善老街通行秩序，经镇政府常务会议集体讨论，决定如下：
一、每日8时至18时，老街区域禁止机动车驶入。
二、本决定由镇综合行政执法队负责组织实施。
"""

RELOCATION_PLAN = """云岭镇老街片区房屋征收与搬迁实施方案
为改善老街群众居住条件，结合我镇实际，制定本方案。
一、征收范围：老街两侧住宅四十二户。
二、补偿标准：不低于类似房地产的市场价格。
"""

SCHOOL_DECISION = """关于撤并云岭、石门两所村小的决定（草案）
各村民委员会，镇属各单位：
为优化教育资源配置，拟作出如下决定：
一、两所村小学生并入镇中心小学就读，镇政府安排校车接送，对困难学生给予补助。
"""

# a 「关于推进……的决定」 that states its own decision procedure is a decision
LAND_DECISION = """关于推进云岭镇承包地规模经营的决定
各村（社区），镇属有关单位：
经镇党政联席会议集体讨论，现决定如下：
一、在农户自愿的前提下引导土地经营权流转。
二、决策程序。本决定经公众参与、风险评估、合法性审查和集体讨论决定。
"""

# negatives: consultation on a normative draft (办法), amending a normative document, a demolition decision
NORMATIVE_CONSULTATION = """青溪县人民政府办公室关于公开征求《青溪县农村宅基地管理办法（征求意见稿）》意见的公告
为提高规范性文件制定质量，现将办法全文公布，公开征求意见。
一、征求意见时间为30日。
"""

AMENDING_DECISION = """云岭镇人民政府关于修改《云岭镇集镇管理办法》的决定
经镇政府常务会议研究，决定对《云岭镇集镇管理办法》作如下修改：
一、删除第五条。
本决定自公布之日起施行。
"""

DEMOLITION_DECISION = """云岭镇人民政府关于对王某违法建筑予以强制拆除的决定
当事人：王某
经查，你于2025年在某村未经批准建房，违反《中华人民共和国城乡规划法》第四十条的规定。
"""


def _doc(text: str, *, structured: bool = True) -> Document:
    """As the pipeline sees it: read, then structured (title/issuer/文号 filled by the parser)."""
    doc = from_text(text.strip("\n"))
    return parse(doc) if structured else doc



CASES = [
    (VILLAGE, "village_rules"),
    (VILLAGE_WITH_POLICE_FINE, "village_rules"),
    (RESIDENTS, "village_rules"),
    (NORMATIVE, "normative_document"),
    (NORMATIVE_WITH_CONTRACT, "normative_document"),
    (NOTICE, "normative_document"),
    (JOINT, "normative_document"),
    (PARTY, "party_normative_document"),
    (CONTRACT, "agency_contract"),
    (AGREEMENT, "agency_contract"),
    (ENFORCEMENT, "enforcement_decision"),
    (MAJOR, "major_decision"),
    (HEARING, "major_decision"),
    (DECISION_RULES, "normative_document"),
    (DEPT_NOTICE, "normative_document"),
    (PENALTY_WITH_NUMBER, "enforcement_decision"),
    (PARTY_NOTICE, "party_normative_document"),
    (JOINT_OFFICES, "normative_document"),
    (PROJECT_DECISION, "major_decision"),
    (UNTITLED_CONTRACT, "agency_contract"),
    (PENALTY_RULES, "normative_document"),
    (NO_PENALTY, "enforcement_decision"),
    (DEMOLITION_ORDER, "enforcement_decision"),
    (GROUP_RULES, "village_rules"),
    (FRAMEWORK, "agency_contract"),
    (CONSULTATION_DRAFT, "major_decision"),
    (DECISION_CONSULTATION, "major_decision"),
    (PRICE_HEARING, "major_decision"),
    (FEE_DECISION, "major_decision"),
    (TRAFFIC_DECISION, "major_decision"),
    (RELOCATION_PLAN, "major_decision"),
    (SCHOOL_DECISION, "major_decision"),
    (LAND_DECISION, "major_decision"),
    (NORMATIVE_CONSULTATION, "normative_document"),
    (AMENDING_DECISION, "normative_document"),
    (DEMOLITION_DECISION, "enforcement_decision"),
    (ANNUAL_REPORT, "other"),
    (OTHER, "other"),
    (MEETING, "other"),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[f"{i}-{c[1]}" for i, c in enumerate(CASES)])
def test_detects_type(text, expected):
    doc = classify(_doc(text))
    assert doc.doc_type == expected, doc.doc_type_reasons
    assert doc.doc_type_reasons, "every decision carries Chinese reasons"
    assert 0.0 < doc.doc_type_confidence <= 1.0
    assert not doc.doc_type_overridden


@pytest.mark.parametrize("text,expected", CASES, ids=[f"raw{i}-{c[1]}" for i, c in enumerate(CASES)])
def test_detects_type_without_structure_parser(text, expected):
    """The classifier reads the head of the text itself; it does not depend on the parser's title."""
    assert classify(_doc(text, structured=False)).doc_type == expected


def test_reasons_name_the_evidence():
    doc = classify(_doc(JOINT))
    assert any("联合发文" in r for r in doc.doc_type_reasons)
    doc = classify(_doc(PARTY))
    assert any("党" in r for r in doc.doc_type_reasons)
    doc = classify(_doc(CONTRACT))
    assert any("合同" in r for r in doc.doc_type_reasons)


def test_strong_evidence_gives_higher_confidence_than_weak():
    strong = classify(_doc(NORMATIVE)).doc_type_confidence
    weak = classify(_doc(NORMATIVE_WITH_CONTRACT)).doc_type_confidence
    assert strong > 0.8
    assert strong >= weak


def test_uses_parser_title_when_text_has_none():
    body = "第一条 村民应当爱护公共设施。\n第二条 不得乱倒垃圾。\n"
    assert classify(_doc(body)).doc_type == "other"
    titled = _doc(body, structured=False).model_copy(update={"title": "南岙村村规民约"})
    assert classify(titled).doc_type == "village_rules"


def test_override_sets_flag_and_full_confidence():
    doc = classify(_doc(VILLAGE), override="normative_document")
    assert doc.doc_type == "normative_document"
    assert doc.doc_type_confidence == 1.0
    assert doc.doc_type_overridden
    assert doc.doc_type_reasons == ["用户指定"]


def test_unknown_override_is_a_chinese_error():
    with pytest.raises(LegalReviewError) as ei:
        classify(_doc(VILLAGE), override="bylaw")
    assert "未知的文件类型" in str(ei.value)


def test_dev_set_accuracy():
    dev = shared_path("eval", "dev")
    from legalreview.ingest import load

    rows = [json.loads(x) for x in (dev / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    wrong = []
    for r in rows:
        expected = "agency_contract" if r["doc_type"] == "contract" else r["doc_type"]
        got = classify(load(dev / r["file"])).doc_type
        if got != expected:
            wrong.append((r["file"], expected, got))
    assert 1 - len(wrong) / len(rows) >= 0.95, wrong


def test_excerpt_without_title_falls_back_to_content_with_a_warning():
    excerpt = ("三、村民应当爱护村内道路和路灯，倡导邻里和睦、孝老爱亲。\n"
               "四、红白喜事从简办理，提倡移风易俗。违者由村委会批评教育。\n"
               "五、村民建房应当服从村庄规划。\n")
    doc = classify(_doc(excerpt))
    assert doc.doc_type == "village_rules"
    assert "证据较弱" in doc.doc_type_reasons[0]
    assert doc.doc_type_confidence < 0.8


def test_work_report_about_village_rules_is_other():
    report = ("关于青溪村村规民约修订情况的报告\n"
              "镇政府：\n我村于今年三月启动村规民约修订工作，经村民代表会议讨论通过，现将有关情况报告如下。\n"
              "一、修订过程。广泛征求村民意见。\n")
    doc = classify(_doc(report))
    assert doc.doc_type == "other", doc.doc_type_reasons
    assert any("工作文书" in r for r in doc.doc_type_reasons)
