"""Stage 3: detect the document type from title, issuer, document number, form and content.

Every type collects weighted *signals* (regular expressions over the title, the head of the text,
the tail where the issuer signs, or the whole body); the type with the highest score wins when it
clears ``MIN_SCORE``, otherwise the document is ``other``. Scores, not first match: a normative
document that mentions 「合同」 in its body, or village rules that mention a fine imposed by the
public-security organ, still go to the type with the most evidence. Each signal that fired is kept
as a Chinese reason; the confidence is a softmax over the scores.

The structure parser fills ``doc.title``/``doc.issuer``/``doc.doc_number`` when it recognizes them;
the classifier also looks at the first lines and the first ``HEAD_CHARS`` characters itself, so it
does not depend on the parser finding a title (excerpts often start without one).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import LegalReviewError
from .models import DOC_TYPE_LABELS, DOC_TYPES, Document

HEAD_CHARS = 800
TAIL_CHARS = 300
MIN_SCORE = 4.0  # below this the evidence is too thin: ``other`` ...
WEAK_SCORE, WEAK_MARGIN = 2.5, 1.5  # ... unless the content alone clearly points at one type (excerpts)
TEMPERATURE = 3.0  # softmax temperature of the confidence

_WS = re.compile(r"[ \t\u3000\u00a0]+")

# ----------------------------------------------------------------------------- vocabulary

VILLAGE_NAMES = r"村规民约|寨规民约|组规民约|组规|寨规|村规村约|村民自治章程|居民自治章程|居民公约|社区公约|居规民约|屯规民约|组规民约|村民公约|小区公约|自治章程"
PARTY_ORG = r"(?:中共|中国共产党)[^\s，。,、]{0,30}?(?:委员会|委|工委|党委|党组|总支|支部|纪委)(?:办公室)?"
GOV_ORG = (r"人民政府(?:办公室|办公厅)?|街道办事处|管理委员会|管委会|"
           r"(?<![党纪])(?:局|厅|委员会|办公室)$")
NORMATIVE_TITLE_END = (r"(?:办法|规定|实施意见|若干意见|指导意见|意见|通告|公告|细则|规则|措施|政策|通知|方案|"
                       r"暂行规定|规范|标准|决定|条例|制度|规程)")
CONTRACT_TITLE_END = r"(?:合同|协议|协议书|合同书|契约|承诺书|意向书|备忘录)"
_DECISION_OBJECT = r"(?:方案|规划|计划|决定|决策|调整|选址|标准|项目)"
MAJOR_DECISION_TITLE = (
    r"关于(?!印发|转发|公布|发布|修改|修订|废止|废除|宣布|表彰|授予|命名|任免|任命|免去|聘任|给予|撤销|设立|成立|"
    r"加强|进一步|深化|全面|促进|做好|规范|开展|建立|健全|完善|实施《)"
    r"(?![^。]*(?:处罚|处分|拆除|查封|扣押|没收|强制|责令|许可|奖励|嘉奖|记功|清理|领导小组|委员会|工作机构))"
    r"[^。《》]{2,50}的决定(?:（(?:草案|征求意见稿|送审稿|试行)）|\((?:草案|征求意见稿|送审稿|试行)\))?$")
DECISION_CONSULTATION_TITLE = (
    r"征求[^。]{0,8}《[^》]{2,60}" + _DECISION_OBJECT + r"(?:（[^）]{0,10}）)?》[^。]{0,8}意见|"
    r"" + _DECISION_OBJECT + r"(?:（(?:草案|征求意见稿|送审稿)）)?》?(?:公开)?征求(?:社会各界|社会公众|公众)?意见|"
    r"(?:召开|举行|举办|组织)[^。]{0,40}" + _DECISION_OBJECT.replace("(?:", "(?:价格|收费|") + r"[^。]{0,10}听证会|"
    r"" + _DECISION_OBJECT.replace("(?:", "(?:价格|收费|") + r"[^。]{0,10}听证会(?:的)?(?:公告|通知|方案|报告|笔录)")


@dataclass(frozen=True)
class Signal:
    doc_type: str
    where: str  # title (candidate title lines) | head (first HEAD_CHARS) | body (whole text) | number (文号)
    pattern: re.Pattern
    weight: float
    reason: str
    per_hit: bool = False  # body: weight per hit up to ``cap``
    cap: float = 0.0


def _s(doc_type, where, pattern, weight, reason, per_hit=False, cap=0.0) -> Signal:
    return Signal(doc_type, where, re.compile(pattern), weight, reason, per_hit, cap)


SIGNALS: tuple[Signal, ...] = (
    # --- village rules / community conventions
    _s("village_rules", "title", r"(?:" + VILLAGE_NAMES + r")(?:样板|范本|草案|修订稿|修正案)?(?:（[^）]{0,20}）|\([^)]{0,20}\))?$",
       9, "标题为村规民约、自治章程或居民（社区）公约"),
    _s("village_rules", "title", VILLAGE_NAMES, 4, "标题提及村规民约或居民公约"),
    # Rules a village, villagers' group, community or collective economic organisation makes for its own
    # members (「××村民小组管理规定」「××股份经济合作社章程」「××村红白喜事理事会工作规定」) are
    # self-governance rules even when titled 规定/章程, unless a government issues them (关于…/人民政府).
    _s("village_rules", "title",
       r"^(?!.*(?:关于|人民政府|办公室|党委|委员会关于)).*(?:[^\s]村(?!庄|级|镇|容|落)|村民小组|村民组|居民小组|社区|经济合作社|"
       r"红白(?:喜事)?理事会|村民议事会)[^，。]{0,16}(?:管理规定|工作规定|规定|章程|制度|守则|约定|规约)(?:（[^）]{0,10}）)?$",
       7, "标题表明由村（居）民自治组织或集体经济组织为其成员制定"),
    # A Party committee issuing alone (「中共××镇委员会关于……的通知」) makes a Party document.
    _s("party_normative_document", "title", r"^(?:中共|中国共产党)(?!.*(?:人民政府|政府办公室|管委会))", 6,
       "标题表明由党的组织单独发文"),
    _s("village_rules", "head", VILLAGE_NAMES, 4, "开头部分称本文件为村规民约或居民公约"),
    _s("village_rules", "body", VILLAGE_NAMES, 0.8, "正文多次提及村规民约或公约", per_hit=True, cap=2.4),
    _s("village_rules", "head", r"(?:村民|居民|户)(?:代表)?(?:大会|会议).{0,12}(?:讨论|表决|通过)|户代表.{0,8}(?:讨论|表决)",
       3, "由村（居）民会议或村（居）民代表会议讨论通过"),
    _s("village_rules", "body", r"本村|本屯|本组|全体村民|本社区居民|全体居民|本小区", 0.5, "以本村（社区）全体成员为约束对象",
       per_hit=True, cap=2.5),
    _s("village_rules", "body", r"村民委员会|村民自治委员会|村委会|村两委|居民委员会|居委会|村民小组", 0.3, "由村（居）民委员会组织执行",
       per_hit=True, cap=1.5),
    _s("village_rules", "head", r"(?:制定|订立|遵守|执行)(?:本|以下|如下)?公约|本公约", 3, "开头称本文件为公约"),
    _s("village_rules", "body", r"村民|村组|户主", 0.2, "以村民为主要规范对象", per_hit=True, cap=2.0),
    _s("village_rules", "body", r"提倡|倡导|崇尚|邻里|和睦|孝老|移风易俗|婚事新办|丧事简办|门前三包|门前“三包”|红白喜事", 0.4,
       "含倡导文明新风、邻里和睦等公约式表述", per_hit=True, cap=2.0),
    _s("village_rules", "body", r"违者|屡教不改|由村(?:委会|民委员会|两委)|经村(?:民|两委)", 0.4,
       "由村组织对违约村民作出处理", per_hit=True, cap=1.6),
    # --- party normative documents
    _s("party_normative_document", "number", r"(?:委|党)(?:办)?(?:发|字|函)?[〔\[［(（]\d{4}[〕\]］)）]", 4,
       "文号为党委（党组）发文字号"),
    _s("party_normative_document", "title", r"党(?:委|组|建|员|组织|支部|风廉政|的建设|内)|从严治党|干部", 3,
       "标题涉及党的建设或党内事务"),
    _s("party_normative_document", "body",
       r"党组织|党员|党建|党支部|党委（党组）|党委\(党组\)|基层党组织|党的领导|从严治党|党性|组织生活|三会一课|党纪",
       0.5, "正文以党组织、党员为规范对象", per_hit=True, cap=3.0),
    # --- normative documents
    _s("normative_document", "number", r"政(?:办)?(?:发|规|函)|府(?:办)?(?:发|规|函)|政办|府办|[规]〔\d{4}〕", 5,
       "文号为政府（部门）发文字号"),
    _s("normative_document", "number", r"^(?!.*(?:罚|决字|许可|强制|委|党|协|合|案)).*[〔\[［(（]\d{4}[〕\]］)）]", 2,
       "有机关发文字号"),
    _s("enforcement_decision", "number", r"罚|决字|强制|执法", 4, "文号为执法决定书字号"),
    _s("normative_document", "title", NORMATIVE_TITLE_END + r"(?:（[^）]{0,20}）|\([^)]{0,20}\))?$", 3,
       "标题为办法、规定、意见、通告、通知等规范性文件名称"),
    _s("normative_document", "title", r"关于印发|关于转发", 2, "标题为「关于印发（转发）……的通知」"),
    _s("normative_document", "head",
       r"各(?:乡|镇|县|区|市|街道|部门|村|有关单位|居委会|委办局)|(?:市|县|区|镇)政府各部门|各有关单位[:：]|有关部门[:：]",
       2.5, "有主送机关（各乡镇、各部门等）"),
    _s("normative_document", "body", r"本(?:办法|规定|意见|细则|通告|政策|实施意见|若干意见|措施|实施细则|规则)"
       r"(?:自|由|所称|适用|未尽|涉及|执行|施行|有效)", 3, "含「本办法（规定、意见）自……施行」等规范性表述"),
    _s("normative_document", "body", r"(?:自|于)[^。\n]{0,20}(?:之日)?起(?:施行|执行|实行)|有效期(?:为|至|[一二三四五六七八九十\d])",
       1.5, "规定了施行日期或有效期"),
    _s("normative_document", "title", r"^关于.{2,60}的", 1.5, "公文标题格式（「关于……的……」）"),
    _s("normative_document", "head", r"特制定(?:如下|本|以下)|制定本(?:办法|规定|意见|细则|措施|政策)|"
       r"现(?:就|将)[^。]{0,30}(?:通告|公告|通知)如下|(?:通告|公告|通知)如下", 2, "开头说明制定本办法（意见）或通告事项"),
    _s("normative_document", "body", r"给予(?:最高|一次性)?[^。；\n]{0,14}(?:奖励|补助|补贴|资助|扶持|贴息)", 0.5,
       "对不特定对象规定奖励、补助等政策措施", per_hit=True, cap=2.5),
    # --- major administrative decisions
    _s("major_decision", "title", r"(?:重大行政决策|重大决策)(?!.*(?:程序|规定|办法|细则|制度|规则|条例)(?:（[^）]{0,20}）)?$)|"
       r"决策事项目录", 9, "标题为重大行政决策或决策事项目录"),
    _s("major_decision", "title", r"听证(?:会)?(?:公告|方案|报告|笔录)|决策(?:方案|草案)", 5, "标题为决策方案或决策听证"),
    _s("major_decision", "head", r"重大行政决策|决策事项", 4, "开头部分说明本件为重大行政决策事项"),
    _s("major_decision", "body", r"重大行政决策", 0.8, "正文多次提及重大行政决策", per_hit=True, cap=3.2),
    _s("major_decision", "body", r"听证会?|风险评估|专家论证|公众参与|决策草案|集体讨论决定|决策程序|合法性审查", 0.4,
       "涉及公众参与、专家论证、风险评估、听证等决策程序", per_hit=True, cap=2.0),
    _s("major_decision", "title", r"(?:征求意见稿|送审稿|草案)", 1.0, "标题为决策草案（征求意见稿）"),
    _s("major_decision", "title", r"(?:项目|工程|规划|选址|改造|更新|建设|征收|搬迁|调整|撤并|迁建)[^，。]{0,12}的决定$", 3,
       "标题为对具体项目、规划等事项作出的决定"),
    # A government's 「关于……的决定」 on a concrete public measure (收费, 限行, 搬迁 ...) decides a matter; 决定 about
    # documents (印发, 公布, 修改, 废止, 清理), people (任免, 表彰, 处分), enforcement cases (处罚, 拆除, 查封) or
    # broad policy headlines (加强, 进一步, 推进 ...) are not decisions of this kind.
    _s("major_decision", "title", MAJOR_DECISION_TITLE, 6, "标题为政府对具体公共事项作出的决定（「关于……的决定」）"),
    # Public consultation or a hearing on a decision draft (方案, 规划, 价格调整 ...) belongs to the decision.
    # Setting or adjusting a price or a fee (价格、收费标准调整) is a decision on the public's direct interests.
    _s("major_decision", "title", r"(?:调整|制定|核定|上调|下调|提高|降低)[^。]{0,20}(?:价格|水价|电价|气价|票价|收费标准|费标准|收费)", 3,
       "标题为价格、收费标准的制定或者调整"),
    # Expropriation, relocation and resettlement plans (征收、搬迁、安置方案) and school or site decisions.
    _s("major_decision", "title", r"(?:征收|搬迁|拆迁|征迁|安置|迁建|撤并|选址)[^。]{0,12}(?:实施)?方案(?:（[^）]{0,10}）|\([^)]{0,10}\))?$", 6,
       "标题为征收、搬迁、安置、选址等决策方案"),
    _s("major_decision", "title", DECISION_CONSULTATION_TITLE, 7, "标题为对决策草案（方案、规划、价格调整等）征求意见或者举行听证"),
    # a text that states its own decision procedure (「本决定经风险评估、合法性审查和集体讨论决定」)
    _s("major_decision", "body", r"(?:本决定|本方案|本决策|决策草案|方案草案)[^。]{0,12}经[^。]{0,30}(?:风险评估|专家论证|合法性审查|公众参与|集体讨论)|"
       r"(?:^|\n)[一二三四五六七八九十（(、.．\d]*\s*决策程序[。：:、\n]", 4, "文本写明本决策履行的程序"),
    _s("major_decision", "body", r"经[^。；\n]{0,16}(?:常务会议|党政联席会议|办公会议|党委会议|主任会议)[^。；\n]{0,8}(?:集体)?(?:讨论|研究|审议)(?:通过|决定)?",
       1.5, "写明经常务会议等集体讨论决定"),
    # --- agency contracts / administrative agreements
    _s("agency_contract", "title", CONTRACT_TITLE_END + r"(?:（[^）]{0,20}）|\([^)]{0,20}\)|【[^】]{0,20}】)?$", 9,
       "标题为合同或协议"),
    _s("agency_contract", "title", r"(?:合同|协议)(?:书)?(?!管理|审查|备案|示范文本管理)", 2, "标题含「合同」「协议」"),
    _s("agency_contract", "head", r"甲方|乙方", 4, "开头列明甲方、乙方"),
    _s("agency_contract", "head", r"(?:出租|承租|发包|承包|委托|受托|转让|受让|出让|受让|征收|被征收|投资)(?:方|人)\s*[（(:：]",
       3, "开头列明合同当事人（出租方、承包方等）"),
    _s("agency_contract", "head", r"甲乙双方|双方(?:友好)?协商|经双方|达成(?:以下|如下)(?:协议|合同|条款)|订立本(?:合同|协议)",
       2, "写明双方协商订立"),
    _s("agency_contract", "body", r"甲方|乙方|甲乙双方", 0.25, "正文以甲方、乙方约定权利义务", per_hit=True, cap=3.0),
    _s("agency_contract", "body", r"违约责任|违约金|争议解决|发生争议|签字盖章|签字（盖章）|本合同|本协议|签订之日|一式[两二三四五六]份",
       0.5, "含违约责任、争议解决、签订生效等合同条款", per_hit=True, cap=3.0),
    # --- administrative enforcement decisions
    _s("enforcement_decision", "title", r"(?:行政)?处罚决定(?:书)?|(?:行政)?强制[^，。]{0,6}决定(?:书)?|责令[^，。]{0,10}决定书|"
       r"不予(?:行政)?处罚决定|行政许可决定|撤销[^，。]{0,10}决定书|征收决定书|没收[^，。]{0,8}决定|"
       r"(?:暂扣|扣押|查封|拆除|代履行|催告)[^，。]{0,10}(?:决定书|通知书)$", 8, "标题为行政处罚（强制、许可）决定"),
    _s("enforcement_decision", "title", r"案(?:件)?(?:（[^）]{0,30}）)?$", 3, "标题为案件名称"),
    _s("enforcement_decision", "head", r"被处罚(?:人|单位)|作出(?:行政)?处罚(?:决定)?的日期|处罚种类", 5, "开头列明被处罚人、处罚种类等案件信息"),
    _s("enforcement_decision", "head", r"当事人[:：]?|违法事实|违法行为", 2, "列明当事人和违法事实"),
    _s("enforcement_decision", "head", r"执法部门|综合行政执法局|行政执法局|执法人员", 1.5, "由行政执法部门作出"),
    _s("enforcement_decision", "body", r"(?:决定|拟)(?:给予|对)[^。]{0,20}(?:罚款|警告|没收|吊销|责令)|陈述(?:、|和)?申辩|"
       r"申请行政复议|提起行政诉讼|行政处罚决定|处以|依据《[^》]{2,40}》第[^条]{1,8}条", 0.8,
       "含处罚内容、陈述申辩和救济途径告知", per_hit=True, cap=4.0),
)


# ----------------------------------------------------------------------------- helpers


def _squash(s: str) -> str:
    return _WS.sub("", s)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _title_candidates(doc: Document) -> list[str]:
    """The parser's title plus the first short lines (the title may follow an issuer or number line).

    A long first line (excerpt without a title: the title runs into the preamble) contributes its
    first 40 characters only.
    """
    out: list[str] = []
    if doc.title:
        out.append(_squash(doc.title))
    for ln in _lines(doc.text[: HEAD_CHARS])[:4]:
        ln = _squash(ln)
        if _BODY_START.match(ln):  # the body has begun: no more title lines
            break
        if len(ln) > 60 or "。" in ln:
            m = _TITLE_STOP.search(ln, 4)
            if m and m.start() <= 60:
                out.append(ln[: m.start()])
            out.append(ln[:40])
            break
        out.append(ln)
    # a title broken over two lines still matches: 「关于……」 on the first, the 「……实施意见」 end on the second
    seen, uniq = set(), []
    for t in out:
        if t and t not in seen:
            seen.add(t)
            uniq.append(t)
    return uniq


_BODY_START = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条章]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]")

# where a title running into the body text most likely ends
_TITLE_STOP = re.compile(r"甲方|为了|为|根据|按照|依据|经|[，,。：:；;]")

_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*第?\s*\d{1,4}\s*号")


def _doc_numbers(doc: Document, head: str) -> list[str]:
    nums = [doc.doc_number] if doc.doc_number else []
    # only the document's own number (head lines), not numbers of documents it cites in the body
    for ln in _lines(head)[:8]:
        m = _NUMBER.search(_squash(ln))
        if m and len(_squash(ln)) <= 40:
            nums.append(m.group(0))
    return nums


_ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff（）()·\s]{2,40}$")


def _issuer_lines(doc: Document, head: str, tail: str) -> list[str]:
    """Short lines in the head (before the title) and the tail (the signature) that name an organ."""
    cands = [doc.issuer] if doc.issuer else []
    for ln in _lines(head)[:3] + _lines(tail)[-4:]:
        ln2 = _squash(ln)
        if _ISSUER_LINE.match(ln2) and len(ln2) <= 40:
            cands.append(ln2)
    return cands


_NOT_NORMATIVE = re.compile(r"关于召开(?![^。]{0,40}听证会)|会议的通知$|(?:工作)?总结$|工作要点$|简报|会议纪要$|纪要$|请示$|(?:工作)?报告$|"
                            r"的函$|复函$|批复$|任免|表彰|通报$|讲话$|述职")
_MAJOR_DECISION_TITLE_RE = re.compile(MAJOR_DECISION_TITLE)
_PARTY_RE = re.compile(PARTY_ORG)
_PARTY_TITLE = re.compile(r"^(?:中共|中国共产党)(?!.*(?:人民政府|政府办公室|管委会))")
_GOV_RE = re.compile(r"人民政府|政府办公室|街道办事处|管理委员会|管委会|综合行政执法|[^\s党]{2,}(?:局|厅)$|^[^\s党]{2,}委员会$")


# ----------------------------------------------------------------------------- scoring


@dataclass
class Scores:
    scores: dict[str, float]
    reasons: dict[str, list[str]]

    def add(self, doc_type: str, weight: float, reason: str) -> None:
        self.scores[doc_type] = self.scores.get(doc_type, 0.0) + weight
        rs = self.reasons.setdefault(doc_type, [])
        if reason not in rs:
            rs.append(reason)


def score(doc: Document) -> Scores:
    """Score every doc type for ``doc`` (exposed for debugging and tests)."""
    text = doc.text
    head = text[:HEAD_CHARS]
    tail = text[-TAIL_CHARS:] if len(text) > HEAD_CHARS else ""
    titles = _title_candidates(doc)
    head_sq, body_sq = _squash(head), _squash(text)
    numbers = _doc_numbers(doc, head)
    issuers = _issuer_lines(doc, head, tail)
    sc = Scores({t: 0.0 for t in DOC_TYPES}, {})

    for sig in SIGNALS:
        if sig.where == "title":
            hit = next((t for t in titles if sig.pattern.search(t)), None)
            if hit is not None:
                sc.add(sig.doc_type, sig.weight, f"{sig.reason}（「{hit[:30]}」）")
        elif sig.where == "head":
            m = sig.pattern.search(head_sq)
            if m:
                sc.add(sig.doc_type, sig.weight, f"{sig.reason}（「{m.group(0)}」）")
        elif sig.where == "number":
            hit = next((n for n in numbers if sig.pattern.search(n)), None)
            if hit is not None:
                sc.add(sig.doc_type, sig.weight, f"{sig.reason}（{hit}）")
        elif sig.where == "body":
            n = len(sig.pattern.findall(body_sq))
            if n:
                w = min(sig.weight * n, sig.cap) if sig.per_hit else sig.weight
                sc.add(sig.doc_type, w, f"{sig.reason}（{n}处）")

    # issuer: a purely Party issuer makes a Party document; Party and government issuing jointly
    # (「中共××县委 ××县人民政府」) make a normative document of the government.
    party = [i for i in issuers if _PARTY_RE.search(i)]
    gov = [i for i in issuers if _GOV_RE.search(_PARTY_RE.sub("", i))]
    if party and gov:
        sc.add("normative_document", 5, f"党委和政府联合发文（{party[0]}、{gov[0]}），按行政规范性文件审查")
        # the Party document number of a joint document does not make it a Party document
        sc.scores["party_normative_document"] = min(sc.scores["party_normative_document"], 2.0)
    elif party:
        sc.add("party_normative_document", 6, f"发文机关为党的组织（{party[0]}）")
    elif gov:
        sc.add("normative_document", 2.5, f"发文机关为行政机关（{gov[0]}）")
        sc.add("enforcement_decision", 0.5, f"由行政机关作出（{gov[0]}）")
        sc.add("major_decision", 0.5, f"由行政机关作出（{gov[0]}）")

    # The form of a normative document (办法, 通知, 施行日期 ...) issued by a Party organ alone makes a Party
    # normative document: the form signals count for the issuer's kind.
    if not gov and any(_PARTY_TITLE.match(t) for t in titles):
        sc.scores["party_normative_document"] += sc.scores["normative_document"]
        sc.scores["normative_document"] *= 0.3

    # 「关于……的决定」 deciding a concrete public measure: 决定 is then not the name of a normative document.
    if any(_MAJOR_DECISION_TITLE_RE.search(t) for t in titles):
        sc.scores["normative_document"] = max(0.0, sc.scores["normative_document"] - 3)

    # Working papers (meeting notices, reports, summaries, minutes, requests) are none of the reviewable
    # types even though their titles end in 「通知」 or start with 「关于」 or mention 村规民约.
    hit = next((t for t in titles if _NOT_NORMATIVE.search(t)), None)
    if hit is not None:
        for t in sc.scores:
            sc.scores[t] = min(sc.scores[t], 2.0)
        sc.reasons.setdefault("other", []).append(f"标题为会议通知、报告、总结、纪要等工作文书（「{hit[:30]}」）")

    # A contract-shaped document is not a normative document merely because its clauses say 「本协议自签订之日起施行」.
    if sc.scores["agency_contract"] >= 9 and sc.scores["normative_document"] > 0:
        sc.scores["normative_document"] *= 0.5
    # Village rules often say 「……的，由公安机关依法处理（罚款）」: enforcement vocabulary in a convention stays weak.
    if sc.scores["village_rules"] >= 9:
        sc.scores["enforcement_decision"] *= 0.5
    return sc


def _confidence(scores: dict[str, float], best: str) -> float:
    vals = {t: s for t, s in scores.items() if t != "other"}
    vals["other"] = MIN_SCORE
    mx = max(vals.values())
    exps = {t: math.exp((s - mx) / TEMPERATURE) for t, s in vals.items()}
    return round(exps[best] / sum(exps.values()), 3)


def classify(doc: Document, override: str | None = None) -> Document:
    """Return a copy of ``doc`` with doc_type, confidence and reasons. ``override`` forces the type."""
    if override:
        if override not in DOC_TYPES:
            raise LegalReviewError(f"未知的文件类型「{override}」，可选：{', '.join(DOC_TYPES)}", cause="unknown doc_type")
        return doc.model_copy(update={"doc_type": override, "doc_type_confidence": 1.0,
                                      "doc_type_reasons": ["用户指定"], "doc_type_overridden": True})
    sc = score(doc)
    ranked = sorted(((s, t) for t, s in sc.scores.items() if t != "other"), reverse=True)
    best_score, best = ranked[0]
    runner_score, runner = ranked[1]
    weak = MIN_SCORE > best_score >= WEAK_SCORE and best_score - runner_score >= WEAK_MARGIN
    if best_score < MIN_SCORE and not weak:
        reasons = list(sc.reasons.get("other", [])) or ["未发现足以判断文件类型的标题、文号、发文机关或文书格式特征"]
        if best_score > 0:
            reasons.append(f"最接近的类型：{DOC_TYPE_LABELS[best]}（得分 {best_score:.1f}）")
        return doc.model_copy(update={"doc_type": "other", "doc_type_confidence": _confidence(sc.scores, "other"),
                                      "doc_type_reasons": reasons, "doc_type_overridden": False})
    reasons = list(sc.reasons.get(best, []))
    if weak:  # an excerpt without title or issuer: only the content points at a type
        reasons.insert(0, "未见标题、文号或发文机关等明确特征，仅依据正文内容判断（证据较弱，请核对）")
    if runner_score >= MIN_SCORE:
        reasons.append(f"次可能类型：{DOC_TYPE_LABELS[runner]}（得分 {runner_score:.1f}，本类型 {best_score:.1f}）")
    return doc.model_copy(update={"doc_type": best, "doc_type_confidence": _confidence(sc.scores, best),
                                  "doc_type_reasons": reasons, "doc_type_overridden": False})
