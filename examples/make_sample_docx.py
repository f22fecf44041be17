"""Generate the bundled sample Word documents (run from the repository root):

    python examples/make_sample_docx.py

* ``examples/村规民约示例.docx``: the README demo input, a fictional village's rules (25 articles,
  a vote table) with about eight unlawful or questionable clauses among many lawful ones;
* ``corpora/samples/村规民约.docx``: ``corpora/samples/村规民约.txt`` as a Word document.

Everything here is invented for the project; no sentence comes from a real document.
The output is deterministic apart from the timestamps python-docx writes into docProps.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent

TITLE = "青溪县云岭镇石门村村规民约"
SUBTITLE = "（2024年9月10日石门村村民会议表决通过）"
PREAMBLE = ("为加强村民自我管理、自我教育、自我服务，维护本村生产生活秩序，推进移风易俗和美丽乡村建设，"
            "根据《中华人民共和国村民委员会组织法》和有关法律法规，结合本村实际，制定本村规民约。")

# (chapter, [articles]); problems are marked in the comments (category used by `legalreview eval`).
CHAPTERS: list[tuple[str, list[str]]] = [
    ("第一章 总则", [
        "本村规民约适用于本村村民以及在本村居住、生产经营的其他人员。",
        "村民依法享有宪法和法律规定的各项权利，同时应当履行相应的义务。本村规民约的内容不得与宪法、法律、法规和国家政策相抵触。",
    ]),
    ("第二章 社会治安", [
        "村民应当自觉遵守法律法规，维护社会治安秩序，发现违法犯罪线索及时向公安机关报告。",
        "严禁赌博、吸毒、贩毒。发现上述行为的，村民委员会应当及时报告公安机关，由公安机关依法处理。",
        # restrict_personal_freedom
        "对在本村偷盗财物被当场抓获的，村治保会可将其扣留在村委会，待其家属交纳赔偿后方可放人。",
        "村民之间发生矛盾纠纷，可以申请村人民调解委员会调解，也可以依法向人民法院提起诉讼。",
    ]),
    ("第三章 村容村貌与环境保护", [
        "村民应当落实门前“三包”责任，生活垃圾分类投放至指定收集点。",
        # fine_by_village
        "在公共场所乱扔垃圾、乱倒污水的，由村委会每次罚款五十元；屡教不改的，加倍处罚。",
        # cut_utilities
        "拒不缴纳卫生保洁费的农户，村委会有权停止对其供水供电，直至缴清为止。",
        "倡导村民植树种花、美化庭院，积极参与“美丽庭院”创建活动。",
        "禁止在河道、山塘倾倒垃圾和废弃物，禁止电鱼、毒鱼、炸鱼。违反的，报请有关部门依法处理。",
        "村民新建、改建住宅应当依法申请宅基地审批，不得占用永久基本农田。",
    ]),
    ("第四章 婚姻家庭与移风易俗", [
        "提倡婚事新办、丧事简办，不大操大办，不索要高价彩礼。",
        "家庭成员之间应当互相尊重、平等相待，禁止家庭暴力。子女应当履行赡养老人的义务。",
        # marriage_birth_interference
        "本村青年与外地人员登记结婚前，须向村委会报告并经村委会同意。",
        "提倡文明祭扫，禁止在林区、田间焚烧纸钱、燃放鞭炮。",
    ]),
    ("第五章 集体收益与村民福利", [
        "村集体经济收益的分配方案，由村民会议讨论决定，并在村务公开栏公布。",
        # women_rights / deprive_benefits
        "本村出嫁女户口未迁出的，不再参与集体经济收益分配和征地补偿款分配；离婚妇女不享受村民福利待遇。",
        # refuse_service + collective_punishment
        "对违反本村规民约、经教育不改的村民，村委会不予出具各类证明材料，其子女入学、参军政审不予盖章。",
        # public_shaming
        "违反本村规民约情节严重的，在村务公开栏和村广播中点名通报曝光。",
        "本村年满八十周岁的老年人，每人每年享受村集体发放的尊老金六百元。",
    ]),
    ("第六章 附则", [
        # confiscation
        "在村集体山林内乱砍滥伐的，没收其砍伐工具和林木，并由村委会收取赔偿金。",
        "本村规民约由村民委员会负责解释，未尽事宜按照国家法律法规执行。",
        "本村规民约的修改，应当经村民会议讨论通过，并报云岭镇人民政府备案。",
        "本村规民约自村民会议表决通过之日起施行。",
    ]),
]

VOTE_TABLE = [
    ["会议名称", "应到人数", "实到人数", "赞成", "反对", "弃权"],
    ["石门村村民会议", "312", "246", "231", "6", "9"],
]
ISSUER = "石门村村民委员会"
DATE = "2024年9月12日"


def _cn(n: int) -> str:
    from legalreview.numerals import int_to_cn

    return int_to_cn(n)


def _fonts(doc) -> None:
    st = doc.styles["Normal"]
    st.font.name = "仿宋_GB2312"
    st.font.size = Pt(16)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")


def build_example(out: Path) -> None:
    doc = Document()
    _fonts(doc)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(TITLE)
    r.bold = True
    r.font.size = Pt(22)
    doc.add_paragraph(SUBTITLE).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(PREAMBLE)
    n = 0
    for chapter, articles in CHAPTERS:
        doc.add_paragraph(chapter).alignment = WD_ALIGN_PARAGRAPH.CENTER
        for art in articles:
            n += 1
            doc.add_paragraph(f"第{_cn(n)}条 {art}")
    doc.add_paragraph("附件：村民会议表决情况")
    table = doc.add_table(rows=len(VOTE_TABLE), cols=len(VOTE_TABLE[0]))
    table.style = "Table Grid"
    for i, row in enumerate(VOTE_TABLE):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    doc.add_paragraph("")
    doc.add_paragraph(ISSUER).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(DATE).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))


def build_from_text(src: Path, out: Path) -> None:
    doc = Document()
    _fonts(doc)
    for line in src.read_text(encoding="utf-8").split("\n"):
        doc.add_paragraph(line)
    doc.save(str(out))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    build_example(ROOT / "examples" / "村规民约示例.docx")
    build_from_text(ROOT / "corpora" / "samples" / "村规民约.txt", ROOT / "corpora" / "samples" / "村规民约.docx")
    print("written: examples/村规民约示例.docx, corpora/samples/村规民约.docx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
