"""The 合法性审查意见书 (.docx) a reviewer edits and signs.

Content: 发文字号, title 「关于《…》的合法性审查意见书」, 主送 (送审单位); 一、基本情况; 二、审查依据;
三、审查意见 (grouped by severity, each item 原文条款 → 存在问题 → 法律依据 → 修改建议, then the
waived items); 四、审查结论 and follow-ups; 五、其他建议, 「以上意见供参考。」 and a draft note; the
signature block (审查人, 审查机构, 成文日期); 附件：审查要点清单 (a table with the status per item).

Layout per GB/T 9704 (see ``docxutil``): A4, margins 37/28/26/35 mm, title 22 pt 方正小标宋简体,
body 16 pt 仿宋_GB2312 with a 2-character indent, headings 黑体 / 楷体_GB2312, fixed line pitch,
「— 1 —」 page numbers. Every paragraph uses a named style (公文标题, 一级标题, 二级标题, 三级标题,
正文, 主送, 落款, 附件标题, 表格文字, 表格标题, 说明) so a user can restyle; ``template=`` opens a user
.docx as the base document (its body is cleared, its styles and page setup are kept, styles it lacks
are added with the defaults above).

Options come from keyword arguments, then the YAML ``config`` file, then defaults::

    body: XX镇人民政府            # 审查机构
    reviewer: 张三                 # 审查人
    addressee: XX村民委员会        # 送审单位 (default: the document's issuer)
    doc_number: X司审〔2026〕3号   # 发文字号
    conclusion: 修改后合法         # override the derived conclusion (a key of `conclusions` or literal text)
    conclusions: {合法: "…", 修改后合法: "…", 不合法: "…"}   # wording map, merged over the defaults
    template: 模板.docx            # relative to the config file
    submitted: 2026-11-20          # 送审日期
    materials: [起草说明, 征求意见情况]
    other_suggestions: ["…"]       # 其他建议 (one paragraph each)
    author: legalreview            # core properties author
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from ..dates import as_date
from ..errors import InputError, OutputError
from ..fsutil import atomic_path, check_output_path
from ..models import DOC_TYPE_LABELS, ReviewReport
from ..segment import one_line
from . import docxutil as du

REVIEW_RULE = "《浙江省行政合法性审查工作规定》"

DEFAULT_CONCLUSIONS: dict[str, str] = {
    "合法": "制定主体、内容和程序未发现违反法律、法规、规章和国家政策规定的情形，审查结论为：合法。",
    "修改后合法": "部分内容需要修改完善，审查结论为：修改后合法。请按照本意见修改完善后按程序办理。",
    "不合法": "存在违反法律、法规、规章和国家政策规定的内容，审查结论为：不合法。请按照本意见修改后重新报送审查。",
}

SEVERITY_GROUPS = (
    ("error", "违法问题（必须修改）"),
    ("warning", "建议修改的问题"),
    ("info", "提示事项"),
)

FOLLOW_UPS: dict[str, str] = {
    "village_rules": "村规民约修改完善后，应当提交村民会议讨论决定，并报乡镇人民政府备案。",
    "normative_document": "行政规范性文件应当经集体审议决定，按规定统一登记、统一编号、统一公布，并在公布后按规定报送备案。",
    "party_normative_document": "党内规范性文件应当按规定履行前置审核、审议批准和备案程序。",
    "major_decision": "重大行政决策应当依法履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。",
    "agency_contract": "合同文本修改完善后方可签订；签订后应当按规定归档，履行中发生变更的应当重新审查。",
    "enforcement_decision": "重大行政执法决定应当经机关负责人集体讨论决定，并依法告知当事人陈述、申辩和救济权利。",
}

CONFIG_KEYS = {"body", "reviewer", "addressee", "doc_number", "conclusion", "conclusions", "template", "submitted",
               "materials", "other_suggestions", "author", "date", "attachments"}

STYLE_TITLE = "公文标题"
STYLE_H1 = "一级标题"
STYLE_H2 = "二级标题"
STYLE_H3 = "三级标题"
STYLE_BODY = "正文"
STYLE_ADDRESSEE = "主送"
STYLE_DOCNUM = "发文字号"
STYLE_SIGN = "落款"
STYLE_ATTACH_HEAD = "附件标题"
STYLE_TABLE = "表格文字"
STYLE_TABLE_HEAD = "表格标题"
STYLE_NOTE = "说明"
STYLE_PAGE = "页码"


# --------------------------------------------------------------------------- options


def load_config(path: str | Path | None) -> dict[str, Any]:
    """Read the opinion config YAML (or JSON). Unknown keys are an error (typos would be silent)."""
    if path is None:
        return {}
    p = Path(path)
    if not p.exists():
        raise InputError("意见书配置文件不存在", path=p, cause="config file not found")
    try:
        import yaml

        data = yaml.safe_load(p.read_text(encoding="utf-8-sig")) or {}
    except Exception as e:  # yaml.YAMLError, UnicodeDecodeError
        raise InputError("意见书配置文件无法解析（应为 YAML）", path=p, cause=repr(e)) from e
    if not isinstance(data, dict):
        raise InputError("意见书配置文件应为「键: 值」形式", path=p, cause="config root is not a mapping")
    unknown = sorted(set(data) - CONFIG_KEYS)
    if unknown:
        raise InputError(f"意见书配置文件含未知配置项：{'、'.join(map(str, unknown))}；可用项：{'、'.join(sorted(CONFIG_KEYS))}",
                         path=p, cause=f"unknown keys {unknown}")
    if data.get("template"):
        t = Path(str(data["template"]))
        data["template"] = t if t.is_absolute() else p.parent / t
    if data.get("conclusions") is not None and not isinstance(data["conclusions"], dict):
        raise InputError("conclusions 应为「结论: 措辞」的映射", path=p, cause="conclusions is not a mapping")
    return data


def _as_date(value, what: str) -> dt.date | None:
    return as_date(value, what, InputError)


def cn_date(d: dt.date) -> str:
    """成文日期 in Arabic numerals: 2026年11月26日."""
    return f"{d.year}年{d.month}月{d.day}日"


def _material_names(materials) -> list[str]:
    """Names of the submitted materials: a list of names, or a materials manifest (path, dict, list of
    items or ``Materials``; see ``legalreview.materials``) shown as 「征求意见（2026年3月1日至3月31日）」."""
    if materials is None:
        return []
    if isinstance(materials, (list, tuple)) and all(isinstance(m, str) for m in materials):
        return list(materials)
    from ..materials import load_materials

    manifest = load_materials(materials)
    names = []
    for item in manifest.items if manifest else []:
        when = ""
        if item.start and item.end:
            when = f"（{cn_date(item.start)}至{cn_date(item.end)}）"
        elif item.start:
            when = f"（{cn_date(item.start)}）"
        names.append(f"{item.kind}{when}")
    return names


def _pick(key: str, explicit, cfg: dict, default=None):
    if explicit is not None:
        return explicit
    v = cfg.get(key)
    return default if v is None or v == "" else v


# --------------------------------------------------------------------------- document setup


def _indent_chars(style, chars: int = 2) -> None:
    """First-line indent in characters (w:firstLineChars) with a point fallback for old readers."""
    style.paragraph_format.first_line_indent = Pt(du.BODY_PT * chars)
    ind = style.element.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def _setup_styles(document, *, from_template: bool) -> dict[str, Any]:
    keep = from_template

    if not from_template:
        normal = document.styles["Normal"]
        du.set_font(normal, du.FONT_BODY, du.BODY_PT)
        du.exact_line_pitch(normal.paragraph_format)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        du.strip_theme_fonts(document)
        du.set_default_language(document)

    def body_like(style):
        du.exact_line_pitch(style.paragraph_format)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        style.paragraph_format.widow_control = True

    def indented(style):
        body_like(style)
        _indent_chars(style)

    def title(style):
        body_like(style)
        du.exact_line_pitch(style.paragraph_format, 35)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.space_after = Pt(du.LINE_PITCH_PT)
        style.paragraph_format.keep_with_next = True

    def centered(style):
        body_like(style)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def heading(style):
        indented(style)
        style.paragraph_format.keep_with_next = True

    def sign(style):
        body_like(style)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        style.paragraph_format.right_indent = Pt(du.BODY_PT * 4)  # 成文日期右空四字
        style.paragraph_format.keep_with_next = True

    def table_text(style):
        style.paragraph_format.line_spacing = 1.0
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.first_line_indent = Pt(0)

    def table_head(style):
        table_text(style)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def note(style):
        body_like(style)
        _indent_chars(style)

    def page(style):
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    base = "Normal"
    spec = [
        (STYLE_TITLE, du.FONT_TITLE, du.TITLE_PT, False, title),
        (STYLE_DOCNUM, du.FONT_BODY, du.BODY_PT, False, centered),
        (STYLE_ADDRESSEE, du.FONT_BODY, du.BODY_PT, False, body_like),
        (STYLE_BODY, du.FONT_BODY, du.BODY_PT, False, indented),
        (STYLE_H1, du.FONT_H1, du.BODY_PT, False, heading),
        (STYLE_H2, du.FONT_H2, du.BODY_PT, False, heading),
        (STYLE_H3, du.FONT_BODY, du.BODY_PT, True, heading),
        (STYLE_SIGN, du.FONT_BODY, du.BODY_PT, False, sign),
        (STYLE_ATTACH_HEAD, du.FONT_H1, du.BODY_PT, False, body_like),
        (STYLE_TABLE, du.FONT_BODY, 12, False, table_text),
        (STYLE_TABLE_HEAD, du.FONT_H1, 12, False, table_head),
        (STYLE_NOTE, du.FONT_H2, 14, False, note),
        (STYLE_PAGE, du.FONT_PAGE, du.PAGE_NUMBER_PT, False, page),
    ]
    styles = {}
    for name, font, size, bold, conf in spec:
        styles[name] = du.ensure_paragraph_style(document, name, base=base, font=font, size_pt=size, bold=bold,
                                                 configure=conf, keep_existing=keep)
    return styles


def _new_document(template: Path | None):
    if template is not None:
        t = Path(template)
        if not t.exists():
            raise InputError("意见书模板文件不存在", path=t, cause="template not found")
        try:
            document = docx.Document(str(t))
        except Exception as e:
            raise InputError("意见书模板无法打开（应为 .docx）", path=t, cause=repr(e)) from e
        du.clear_body(document)
        return document, True
    return docx.Document(), False


# --------------------------------------------------------------------------- content


class _Writer:
    def __init__(self, document, styles):
        self.d = document
        self.s = styles

    def p(self, text: str = "", style: str = STYLE_BODY, *, bold_prefix: str | None = None):
        par = self.d.add_paragraph(style=self.s[style])
        if bold_prefix:
            r = par.add_run(bold_prefix)
            r.bold = True
        if text:
            par.add_run(text)
        return par

    def blank(self, style: str = STYLE_BODY):
        return self.d.add_paragraph(style=self.s[style])


def _one_line(s: str, limit: int = 300) -> str:
    s = " ".join(s.split("\n")).strip()
    return s if len(s) <= limit else s[: limit - 1] + "……"


def _law_sort_key(name: str) -> tuple[int, str]:
    n = name.strip("《》")
    if n.startswith("中华人民共和国宪法") or n == "宪法":
        return (0, "")
    if n.startswith("中华人民共和国") and n.endswith("法"):
        return (1, "")
    if n.startswith("浙江省"):
        return (4, "")
    if n.endswith("条例") and not n.startswith(("浙江", "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华",
                                               "衢州", "舟山", "台州", "丽水")):
        return (2, "")
    return (3, "")


def _article_number(article: str) -> tuple[int, str]:
    m = re.match(r"第([零〇一二三四五六七八九十百千]+)条", article)
    if not m:
        return (10**6, article)
    try:
        import cn2an

        return (int(cn2an.cn2an(m.group(1), "smart")), article)
    except (ValueError, KeyError):
        return (10**6, article)


def review_bases(report: ReviewReport) -> list[tuple[str, list[str]]]:
    """Every law cited by the unwaived findings (deduplicated, by rank: constitution, laws,
    regulations, rules, Zhejiang), each with its cited articles; the review rule last."""
    laws: dict[str, list[str]] = {}
    for f in report.active_findings:
        for b in f.basis:
            law = b.law.strip()
            if not law.startswith("《"):
                law = f"《{law}》"
            arts = laws.setdefault(law, [])
            if b.article and b.article not in arts:
                arts.append(b.article)
    laws = {k: sorted(v, key=_article_number) for k, v in laws.items()}
    ordered = sorted(laws.items(), key=lambda kv: _law_sort_key(kv[0]))  # stable: keeps first-cited order
    ordered = [(k, v) for k, v in ordered if k != REVIEW_RULE]
    ordered.append((REVIEW_RULE, laws.get(REVIEW_RULE, [])))
    return ordered


def _basis_sentence(f, seen: dict[tuple[str, str], str] | None = None, label: str = "") -> str:
    """The finding's bases with their quoted text. With ``seen``, a provision already quoted under
    an earlier item is referred to, not quoted again (a village's rules often break one provision
    ten times; quoting it ten times made the opinion twice as long)."""
    parts = []
    for b in f.basis:
        s = f"{b.law}{b.article or ''}"
        key = (b.law, b.article) if seen is not None and b.article else None
        if b.text and key in (seen or {}):
            s += f"（条文见{seen[key]}）"  # type: ignore[index]
        elif b.text:
            s += f"规定：「{b.text.strip().rstrip('。；;，,')}」"
            if key is not None:
                seen[key] = label  # type: ignore[index]
        parts.append(s)
    return "；".join(parts) + "。" if parts else "（未列明依据，请审查人员补充。）"


def _end(s: str) -> str:
    s = s.strip()
    return s if not s or s[-1] in "。！？；.」）)" else s + "。"


def write_opinion(report: ReviewReport, path: str | Path, *, config: str | Path | dict | None = None,
                  reviewer: str | None = None, body: str | None = None, addressee: str | None = None,
                  template: str | Path | None = None, doc_number: str | None = None,
                  conclusion: str | None = None, date: dt.date | str | None = None,
                  materials: Any = None, **options) -> Path:
    """Write the 合法性审查意见书 draft for ``report`` to ``path`` (.docx, atomically). Returns the path."""
    out = Path(path)
    if out.suffix.lower() != ".docx":
        raise OutputError("审查意见书只能保存为 .docx 文件", path=out, cause="opinion must be .docx")
    if report.document.path:
        check_output_path(out, [report.document.path], force=True)
    cfg = dict(config) if isinstance(config, dict) else load_config(config)
    unknown = sorted(set(options) - CONFIG_KEYS)
    if unknown:
        raise TypeError(f"write_opinion() got unexpected options {unknown}")
    cfg.update({k: v for k, v in options.items() if v is not None})

    d = report.document
    body_name = _pick("body", body, cfg, "（审查机构）")
    reviewer_name = _pick("reviewer", reviewer, cfg, "（审查人）")
    addressee_name = _pick("addressee", addressee, cfg, d.issuer or "（送审单位）")
    number = _pick("doc_number", doc_number, cfg)
    the_date = _as_date(_pick("date", date, cfg), "成文") or dt.date.today()
    submitted = _as_date(cfg.get("submitted"), "送审")
    mats = _material_names(_pick("materials", materials, cfg))
    tpl = _pick("template", template, cfg)
    wording = dict(DEFAULT_CONCLUSIONS)
    wording.update({str(k): str(v) for k, v in (cfg.get("conclusions") or {}).items()})
    concl_key = _pick("conclusion", conclusion, cfg, report.summary.conclusion)
    extra_attachments = [str(a) for a in (cfg.get("attachments") or [])]
    others = [str(s) for s in (cfg.get("other_suggestions") or [])]

    document, from_template = _new_document(Path(tpl) if tpl else None)
    styles = _setup_styles(document, from_template=from_template)
    section = document.sections[-1]
    if not from_template:
        du.setup_gbt9704_section(section)
    if not du.footer_has_page_field(section):
        du.add_page_number_footer(section, styles[STYLE_PAGE])
    cp = document.core_properties
    doc_title = (d.title or (Path(d.path).stem if d.path else "送审文件")).strip().strip("《》")
    cp.title = f"关于《{doc_title}》的合法性审查意见书"
    cp.author = str(cfg.get("author") or body_name)
    cp.comments = "legalreview 辅助生成的审查意见书草稿，须经审查人员复核后定稿"

    w = _Writer(document, styles)
    if number:
        w.p(str(number), STYLE_DOCNUM)
    _title(w, doc_title)
    w.p(f"{addressee_name}：", STYLE_ADDRESSEE)
    ref = f"《{doc_title}》" + (f"（{d.doc_number}）" if d.doc_number else "")
    when = f"于{cn_date(submitted)}" if submitted else ""
    w.p(f"你单位{when}报送的{ref}收悉。根据{REVIEW_RULE}等规定，{body_name}对该文件进行了合法性审查，现提出审查意见如下：")

    _section_basic(w, report, doc_title, mats, submitted)
    _section_bases(w, report)
    _section_opinions(w, report)
    _section_conclusion(w, report, doc_title, concl_key, wording, addressee_name)
    closing = _section_other(w, others)

    # 附件说明 (one blank line after the body, indented 2 characters), then the signature block
    w.blank()
    attachments = ["审查要点清单", *extra_attachments]
    if len(attachments) == 1:
        w.p(f"附件：{attachments[0]}")
    else:
        w.p(f"附件：1. {attachments[0]}")
        for i, a in enumerate(attachments[1:], 2):
            par = w.p(f"{i}. {a}")
            par.paragraph_format.first_line_indent = Pt(du.BODY_PT * 5)
    w.blank()
    w.blank()
    w.p(f"审查人：{reviewer_name}", STYLE_SIGN)
    w.p(str(body_name), STYLE_SIGN)
    dated = w.p(cn_date(the_date), STYLE_SIGN)
    # GB/T 9704: the signature block never stands alone on a page; keep it with the closing lines
    _keep_together(document, closing, dated)

    _attachment_checklist(w, report)

    with atomic_path(out) as tmp:
        document.save(str(tmp))
    return out


TITLE_CHARS_PER_LINE = 20  # 156 mm type area / 22 pt


def _title(w: _Writer, doc_title: str) -> None:
    """The title; when it does not fit one line, break before 「的合法性审查意见书」 (GB/T 9704: break
    multi-line titles at a meaningful point, not mid-word)."""
    head, tail = f"关于《{doc_title}》", "的合法性审查意见书"
    par = w.p("", STYLE_TITLE)
    if len(head) + len(tail) <= TITLE_CHARS_PER_LINE:
        par.add_run(head + tail)
        return
    par.add_run(head).add_break()
    par.add_run(tail)


def _section_basic(w: _Writer, report: ReviewReport, doc_title: str, mats: list[str], submitted) -> None:
    d = report.document
    s = report.summary
    w.p("一、基本情况", STYLE_H1)
    label = DOC_TYPE_LABELS.get(d.doc_type, d.doc_type)
    meta = []
    if d.issuer:
        meta.append(f"制定主体为{d.issuer}")
    if d.doc_number:
        meta.append(f"文号为{d.doc_number}")
    if d.date:
        meta.append(f"落款日期为{cn_date(d.date)}")
    w.p(f"送审文件为《{doc_title}》，经识别属于{label}。" + ("，".join(meta) + "。" if meta else ""))
    if submitted:
        w.p(f"送审日期：{cn_date(submitted)}。")
    if mats:
        w.p("随文报送的材料有：" + "、".join(mats) + "。")
    else:
        w.p("送审时未提供送审材料清单，起草说明、征求意见、集体讨论等程序性材料需审查人员另行核查。")
    reviewed = report.reviewed_at.date() if report.reviewed_at else None
    roots = [p for p in report.rule_packs if "/" not in p.name] or report.rule_packs[-1:]
    tail = "，使用规则包" + "、".join(f"{p.name}（{p.version}）" for p in roots) if roots else ""
    when = f"于{cn_date(reviewed)}" if reviewed else ""
    counts = [f"{label}{n}项" for label, n in (("违法问题", s.errors), ("建议修改的问题", s.warnings),
                                               ("提示事项", s.infos)) if n]
    found = "共发现" + "、".join(counts) if counts else "未发现违法或需要修改的问题"
    w.p(f"本次审查{when}完成{tail}，对照审查要点{len(report.checklist)}项逐项审查，{found}"
        + (f"，另有{s.waived}项经审查认为不构成问题" if s.waived else "") + "。")


def _section_bases(w: _Writer, report: ReviewReport) -> None:
    w.p("二、审查依据", STYLE_H1)
    w.p("本次审查依据以下法律、法规、规章和规定：")
    for i, (law, arts) in enumerate(review_bases(report), 1):
        suffix = f"（{'、'.join(arts)}）" if arts else ""
        role = "（合法性审查工作规则）" if law == REVIEW_RULE else ""
        w.p(f"{i}. {law}{suffix}{role}；" if i < len(review_bases(report)) else f"{i}. {law}{suffix}{role}。")


def _section_opinions(w: _Writer, report: ReviewReport) -> None:
    w.p("三、审查意见", STYLE_H1)
    active = report.active_findings
    if not active:
        w.p("经审查，未发现送审文件存在违反法律、法规、规章和国家政策规定的内容。")
    cn = "一二三四五六七八九十"
    group_no = 0
    quoted: dict[tuple[str, str], str] = {}
    for sev, label in SEVERITY_GROUPS:
        items = [f for f in active if f.severity == sev]
        if not items:
            continue
        group_no += 1
        w.p(f"（{cn[group_no - 1]}）{label}", STYLE_H2)
        for i, f in enumerate(items, 1):
            w.p(f"{i}. {f.title}", STYLE_H3)
            w.p(f"「{_one_line(one_line(report.document.text, f.start, f.end))}」（{f.location}）", bold_prefix="原文条款：")
            w.p(_end(f.message), bold_prefix="存在问题：")
            w.p(_basis_sentence(f, quoted, f"（{cn[group_no - 1]}）第{i}项"), bold_prefix="法律依据：")
            w.p(_end(f.suggestion) or "请审查人员提出修改意见。", bold_prefix="修改建议：")
    waived = [f for f in report.findings if f.waived]
    if waived:
        group_no += 1
        w.p(f"（{cn[group_no - 1]}）经审查认为不构成问题的事项", STYLE_H2)
        for i, f in enumerate(waived, 1):
            reason = f.waiver.reason if f.waiver else "（未记录理由）"
            who = ""
            if f.waiver and (f.waiver.reviewer or f.waiver.date):
                who = "（" + "，".join(x for x in (f.waiver.reviewer, f.waiver.date and cn_date(f.waiver.date)) if x) + "）"
            w.p(f"{i}. {f.location}「{_one_line(f.quote, 120)}」（{f.title}）经审查认为不构成问题，理由：{_end(reason)}{who}")


def _section_conclusion(w: _Writer, report: ReviewReport, doc_title: str, concl_key: str, wording: dict[str, str],
                        addressee: str) -> None:
    w.p("四、审查结论", STYLE_H1)
    phrase = wording.get(concl_key)
    if phrase is None:
        phrase = f"审查结论为：{_end(concl_key)}"
    w.p(f"综上，《{doc_title}》{phrase}")
    follow = []
    if report.active_findings:
        follow.append(f"请{addressee}对照本意见第三部分逐项修改，并对采纳情况作出说明。")
    manual = [c.title for c in report.checklist if c.status == "需人工核查"]
    if manual:
        follow.append("下列事项无法仅凭文本判断，需结合送审材料核查：" + "；".join(manual) + "。")
    f_type = FOLLOW_UPS.get(report.document.doc_type)
    if f_type:
        follow.append(f_type)
    for i, s in enumerate(follow, 1):
        w.p(f"{i}. {s}" if len(follow) > 1 else s)


def _section_other(w: _Writer, others: Iterable[str]):
    w.p("五、其他建议", STYLE_H1)
    others = list(others)
    if others:
        for s in others:
            w.p(_end(s))
    else:
        w.p("建议在修改时统一法律、法规名称和条款序号的引用方式，使用规范全称；文件定稿后保留修改说明备查。")
    closing = w.p("以上意见供参考。")
    w.p("（本意见书由 legalreview 依据规则辅助生成，为供审查人员判断的草稿；所列问题、依据和结论须经审查人员"
        "逐项复核、修改并签署后方可使用。）", STYLE_NOTE)
    return closing


def _keep_together(document, first, last) -> None:
    """keep_with_next on every paragraph from ``first`` up to (not including) ``last``."""
    body = document.element.body
    on = False
    for p_el in body.iterchildren(qn("w:p")):
        if p_el is first._p:
            on = True
        if p_el is last._p:
            break
        if on:
            from docx.text.paragraph import Paragraph

            Paragraph(p_el, first._parent).paragraph_format.keep_with_next = True


def _attachment_checklist(w: _Writer, report: ReviewReport) -> None:
    par = w.p("", STYLE_ATTACH_HEAD)
    par.paragraph_format.page_break_before = True
    par.add_run("附件")
    w.p("审查要点清单", STYLE_TITLE)
    if not report.checklist:
        w.p("本次审查未生成审查要点清单（规则包未定义审查要点），请审查人员按审查工作规定逐项核查。")
        return
    titles = {f.id: f.title for f in report.findings}
    table = w.d.add_table(rows=1, cols=4)
    try:
        table.style = w.d.styles["Table Grid"]
    except KeyError:  # a template without the built-in table style: draw borders ourselves
        _borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Pt(36), Pt(180), Pt(72), Pt(154))  # sums to the 156 mm type area
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(width.pt * 20)))
    head = table.rows[0]
    du.repeat_table_header(head)
    for cell, text, width in zip(head.cells, ("序号", "审查要点", "审查结果", "说明"), widths):
        du.set_cell_text(cell, text, w.s[STYLE_TABLE_HEAD])
        du.set_cell_shading(cell, "D9D9D9")
        cell.width = width
    for i, c in enumerate(report.checklist, 1):
        row = table.add_row()
        related = [titles[fid] for fid in c.finding_ids if fid in titles]
        note = "；".join(x for x in (c.note, "相关问题：" + "、".join(dict.fromkeys(related)) if related else "") if x)
        for cell, text, width in zip(row.cells, (str(i), c.title, c.status, note), widths):
            du.set_cell_text(cell, text, w.s[STYLE_TABLE], bold=True if (text == c.status and c.status == "不符合") else None)
            cell.width = width
        row.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        row.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _borders(table) -> None:
    from docx.oxml import OxmlElement

    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)



def write_template(path: str | Path) -> Path:
    """Write a blank opinion template: GB/T 9704 page setup, page-number footer and every named style
    (with one sample paragraph each) for a user to restyle in Word and pass back as ``template=``."""
    out = Path(path)
    document, _ = _new_document(None)
    styles = _setup_styles(document, from_template=False)
    du.setup_gbt9704_section(document.sections[-1])
    du.add_page_number_footer(document.sections[-1], styles[STYLE_PAGE])
    w = _Writer(document, styles)
    for name in (STYLE_DOCNUM, STYLE_TITLE, STYLE_ADDRESSEE, STYLE_BODY, STYLE_H1, STYLE_H2, STYLE_H3, STYLE_SIGN,
                 STYLE_ATTACH_HEAD, STYLE_NOTE):
        w.p(f"样式「{name}」示例：修改本样式即可改变意见书中所有同类段落（生成意见书时本页内容会被清除）。", name)
    with atomic_path(out) as tmp:
        document.save(str(tmp))
    return out
