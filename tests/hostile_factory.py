"""Hostile and broken input files for tests/test_hostile.py (issue 9), all written into a folder the
test owns (tmp_path). Nothing here reads ../shared: every file is built from scratch.

``make_documents(folder)`` writes the hostile documents and returns ``{file name: Expect}``;
``make_rule_packs(folder)`` writes the hostile rule packs and returns ``{file name: Expect}``.
An ``Expect`` says what the library must do with the file: ``"ok"`` (a correct review), ``"error"``
(the library's own InputError/RuleError naming the file), or ``"either"`` (a review or the library's
error; e.g. random bytes that may or may not decode to text).
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path
from typing import Literal

Expect = Literal["ok", "error", "either"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" ContentType="application/octet-stream"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)

#: A short lawful-looking village convention (our own wording) used as the body of valid files.
CONVENTION_LINES = [
    "东岙村村规民约",
    "第一条 为加强村民自治，根据有关法律法规，结合本村实际，制定本村规民约。",
    "第二条 村民应当遵守宪法、法律、法规和国家政策。",
    "第三条 村民应当爱护公共设施，保持村庄环境整洁。",
    "第四条 本村规民约经村民会议讨论通过，报镇人民政府备案后施行。",
]
#: A clause our packs must flag (a village may not fine): used to check hostile-but-valid files are
#: still reviewed correctly, not merely survived.
FINE_CLAUSE = "第五条 村民乱倒垃圾的，由村委会罚款二百元。"


def p_xml(text: str) -> str:
    from xml.sax.saxutils import escape

    return f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>"


def document_xml(body: str, *, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')


def docx_bytes(document: str | bytes, extra: dict[str, bytes] | None = None,
               compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal .docx package around ``document`` (word/document.xml), with optional extra members."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def convention_docx_bytes(lines: list[str] | None = None) -> bytes:
    return docx_bytes(document_xml("".join(p_xml(t) for t in (lines or CONVENTION_LINES + [FINE_CLAUSE]))))


def write_zero_member_docx(path: Path, total_bytes: int, members: int = 1) -> None:
    """A valid docx plus ``members`` members of zeros summing to ``total_bytes`` uncompressed
    (streamed, so building it never holds the bomb in memory)."""
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("word/document.xml", document_xml("".join(p_xml(t) for t in CONVENTION_LINES)))
        per = total_bytes // members
        for m in range(members):
            with zf.open(f"word/media/pad{m}.bin", "w", force_zip64=True) as fh:
                left = per
                while left > 0:
                    n = min(left, len(chunk))
                    fh.write(chunk[:n])
                    left -= n


def lying_directory_docx(path: Path, comment_bytes: int, claimed_size: int) -> None:
    """A docx whose zip directory understates word/document.xml's uncompressed size (a bomb that
    lies to the directory check): ``comment_bytes`` of 'x' in an XML comment, deflated to about
    1/1000, streamed so that building it never holds the bomb in memory."""
    head = document_xml("".join(p_xml(t) for t in CONVENTION_LINES)).encode().replace(b"</w:body>", b"<!--")
    tail = b"--></w:body></w:document>"
    chunk = b"x" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        with zf.open("word/document.xml", "w") as fh:  # < 2 GB: no zip64 extra, 4-byte sizes
            fh.write(head)
            for _ in range(comment_bytes >> 20):
                fh.write(chunk)
            fh.write(tail)
    real_size = len(head) + (comment_bytes >> 20 << 20) + len(tail)
    path.write_bytes(_patch_claimed_size(path.read_bytes(), b"word/document.xml", real_size, claimed_size))


def _patch_claimed_size(blob: bytes, name: bytes, real_size: int, claimed_size: int) -> bytes:
    data = bytearray(blob)
    real = real_size.to_bytes(4, "little")
    fake = claimed_size.to_bytes(4, "little")
    # local header: sig(4) ver(2) flag(2) meth(2) time(2) date(2) crc(4) csize(4) usize(4) nlen(2) xlen(2) name
    # central header: sig(4) vmade(2) vneed(2) flag(2) meth(2) time(2) date(2) crc(4) csize(4) usize(4) ...
    for sig, usize_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            if data[pos + name_at:pos + name_at + len(name)] == name:
                assert data[pos + usize_at:pos + usize_at + 4] == real
                data[pos + usize_at:pos + usize_at + 4] = fake
            pos += 4
    return bytes(data)


def billion_laughs_xml() -> str:
    ents = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                      for i in range(1, 10)]
    prolog = f"<!DOCTYPE w:document [{''.join(ents)}]>"
    return document_xml(p_xml("第一条 村民应当遵守法律。") + "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>",
                        prolog=prolog)


def xxe_xml(target: str = "file:///etc/passwd") -> str:
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>'
    return document_xml(p_xml("第一条 村民应当遵守法律。") + "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>",
                        prolog=prolog)


def nested_tables_xml(depth: int) -> str:
    inner = p_xml("第一条 村民应当遵守法律。")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    return document_xml(inner + p_xml("第二条 村民应当爱护公共设施。"))


def long_line_text(n_bytes: int = 2 * 1024 * 1024) -> str:
    """One line of about ``n_bytes`` UTF-8 bytes: run-on clauses with no newline at all, one of them
    unlawful, and a long stretch with no punctuation (worst case for sentence splitting)."""
    unit = "村民应当爱护公共设施保持村庄环境整洁" * 3 + "，"
    head = "东岙村村规民约 第一条 " + FINE_CLAUSE[4:]
    body_chars = n_bytes // 3
    no_punct = "甲乙丙丁戊己庚辛壬癸" * 20_000  # 200,000 characters without a single separator
    rest = body_chars - len(head) - len(no_punct)
    return head + unit * (rest // len(unit)) + no_punct


def many_articles_text(n: int = 20_000) -> str:
    from cn2an import an2cn

    lines = ["东岙村村规民约"]
    for i in range(1, n + 1):
        lines.append(f"第{an2cn(i)}条 村民应当遵守第{i}项公共秩序要求，爱护公共设施。")
    lines.append(f"第{an2cn(n + 1)}条 村民乱倒垃圾的，由村委会罚款二百元。")
    return "\n".join(lines) + "\n"


def mixed_script_text() -> str:
    """Private-use, mixed-script, invisible and combining characters inside real clauses."""
    return "\n".join([
        "东岙村村规民约\ue000\uf8ff",
        "第一条 村民应当遵守\u202e法律\u202c法规。\u200b\u200d\ufeff",
        "第二条 Сельский кодекс مرحبا ืעברית 村民应当爱护公共设施。🏠👨‍👩‍👧",
        "第三条 村民乱倒垃圾的，由村委会罚\u0301款二百元。",
        "第四条 村民乱倒垃圾的，由村委会罚款二百元。\U000f0000\U0010fffd",
        "（一）\u00a0\u3000\u2028\u2029第五条\x0b\x0c\x1c",
    ]) + "\n"


def fullwidth_digits_text() -> str:
    return "\n".join([
        "东岙村村规民约",
        "第１条 村民应当遵守法律法规。",
        "第２条 村民应当爱护公共设施。",
        "第１０条 村民乱倒垃圾的，由村委会罚款２００元。",
        "第１１条 本村规民约自２０２６年１月１日起施行。",
    ]) + "\n"


def styles_xxe_xml(target: str = "file:///etc/passwd") -> str:
    return (f'<?xml version="1.0"?><!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "{target}">]>'
            f'<w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="a">'
            f'<w:name w:val="&xxe;"/></w:style></w:styles>')


def hostile_zip(path: Path, outside: Path) -> dict[str, str]:
    """A .zip input for ``legalreview batch`` with zip-slip paths (``..``, absolute), a symlink member,
    a bomb member and one ordinary convention. ``outside`` names a file the archive tries to write.
    Returns {member: expected fate} (``reviewed`` or ``refused``)."""
    import stat

    fates = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("东岙村/村规民约.docx", convention_docx_bytes())
        fates["东岙村/村规民约.docx"] = "reviewed"
        rel_escape = os.path.relpath(outside, path.parent)
        for name in ("../../" + outside.name + ".txt", "../" * 12 + rel_escape.lstrip("./"), str(outside)):
            zf.writestr(name, "\n".join(CONVENTION_LINES))
            fates[name] = "refused"
        link = zipfile.ZipInfo("东岙村/密码.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        fates["东岙村/密码.txt"] = "refused"
        with zf.open("东岙村/炸弹.txt", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(120):
                fh.write(chunk)
        fates["东岙村/炸弹.txt"] = "refused"
    return fates


def looping_pdf() -> bytes:
    """A PDF whose page tree contains itself (/Kids of the root /Pages points back at the root)."""
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 712 Td (Hello) Tj ET\nendstream",
    ])


def pdf_bomb(mb: int = 600) -> bytes:
    """A one-page PDF whose FlateDecode content stream inflates to ``mb`` MB of spaces (~0.6 MB on disk)."""
    import zlib

    co = zlib.compressobj(9)
    comp = co.compress(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n")
    spaces = b" " * (1 << 20)
    comp += b"".join(co.compress(spaces) for _ in range(mb)) + co.flush()
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def pdf_bytes(objs: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_documents(folder: Path, *, symlink: bool = True) -> dict[str, Expect]:
    """Write every hostile document into ``folder`` (created) and return what each must yield."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(20261126)
    exp: dict[str, Expect] = {}

    def put(name: str, data: bytes | str, expect: Expect) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        exp[name] = expect

    # zip bombs: high ratio (60 MB of zeros in ~60 KB) and large total (5 members, 250 MB)
    write_zero_member_docx(folder / "压缩炸弹_高压缩比.docx", 60 * 1024 * 1024)
    exp["压缩炸弹_高压缩比.docx"] = "error"
    write_zero_member_docx(folder / "压缩炸弹_总量大.docx", 250 * 1024 * 1024, members=5)
    exp["压缩炸弹_总量大.docx"] = "error"
    # a 512 MB document.xml (0.5 MB on disk) whose directory entry claims 4 KB: must never be inflated
    lying_directory_docx(folder / "压缩炸弹_目录造假.docx", 1 << 29, 4096)
    exp["压缩炸弹_目录造假.docx"] = "error"
    # the format sniffer opens the zip before the bomb check: a 300 MB "mimetype" member (honest sizes)
    mime = folder / "mimetype炸弹.docx"
    write_zero_member_docx(mime, 0)
    with zipfile.ZipFile(mime, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("mimetype", "w", force_zip64=True) as fh:
            for _ in range(300):
                fh.write(b"\0" * (1 << 20))
    exp["mimetype炸弹.docx"] = "error"
    put("实体膨胀.docx", docx_bytes(billion_laughs_xml()), "error")
    put("外部实体XXE.docx", docx_bytes(xxe_xml()), "error")
    put("表格嵌套200层.docx", docx_bytes(nested_tables_xml(200)), "error")
    put("单行2MB.txt", long_line_text(), "ok")
    put("两万条.txt", many_articles_text(), "ok")
    put("含NUL字节.txt", "\n".join(CONVENTION_LINES[:3]) + "\0\n" + FINE_CLAUSE + "\0\n", "ok")
    put("几乎全是NUL.txt", b"\0" * 4000 + "第一条 村民".encode(), "error")
    put("私用区与混合文字.txt", mixed_script_text(), "ok")
    put("全角数字条号.txt", fullwidth_digits_text(), "ok")
    put("正文XML不完整.docx", docx_bytes(document_xml(p_xml("第一条 村民"))[:-40]), "error")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("readme.txt", "这不是 Word 文件")
    put("压缩包不是Word.docx", zbuf.getvalue(), "error")
    good = convention_docx_bytes()
    put("截断的Word.docx", good[: len(good) // 2], "error")
    put("PDF头加乱码.pdf", b"%PDF-1.7\n" + rnd.randbytes(20_000), "error")
    put("空文件.docx", b"", "error")
    put("空文件.txt", b"", "error")
    put("GBK文本冒充Word.docx", "\n".join(CONVENTION_LINES).encode("gbk"), "error")
    put("随机字节.txt", rnd.randbytes(50_000), "either")
    put("正常村规民约.docx", good, "ok")
    # a valid body with an XXE in the optional styles part: reviewed, the entity never resolved
    put("样式表含XXE.docx", docx_bytes(document_xml("".join(p_xml(t) for t in CONVENTION_LINES + [FINE_CLAUSE])),
                                   {"word/styles.xml": styles_xxe_xml().encode()}), "ok")
    put("PDF页面树循环.pdf", looping_pdf(), "either")
    put("PDF解压炸弹.pdf", pdf_bomb(), "either")
    if symlink:  # batch never follows them; review reads a link the user named explicitly
        os.symlink("/etc/passwd", folder / "指向passwd的链接.txt")
        exp["指向passwd的链接.txt"] = "either"
        os.symlink("/etc", folder / "指向etc的目录链接")
        exp["指向etc的目录链接"] = "error"
    return exp


# --------------------------------------------------------------------------- rule packs

RULE_TEMPLATE = """\
pack: hostile/{name}
version: "1"
description: 恶意构造的规则包（测试用）
rules:
  - id: HOSTILE-{upper}
    title: 测试规则
    doc_types: [village_rules]
    severity: warning
    category: other
    checklist_item: CONTENT-CONFORM
    scope: sentence
    match:
      regex: {regex}
    basis:
      - law: 《中华人民共和国村民委员会组织法》
        article: 第二十七条
    why: 测试用的规则。
    message: 测试用的规则。
    suggestion: 测试用的规则。
    examples:
      positive: {positive}
      negative: {negative}
"""


def rule_pack(name: str, regex: str, positive: list[str] | None = None, negative: list[str] | None = None) -> str:
    """A one-rule pack around ``regex``. Its examples run when the pack loads (user packs are strict),
    so a pathological negative example makes the regex backtrack at load time already."""
    import json

    return RULE_TEMPLATE.format(name=name, upper=name.upper().replace("_", "-"), regex=json.dumps(regex),
                                positive=json.dumps(positive or ["村民乱倒垃圾的罚款"], ensure_ascii=False),
                                negative=json.dumps(negative or ["村民应当爱护公共设施"], ensure_ascii=False))


def yaml_alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["哈哈哈哈哈哈哈哈"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    lines.append(f"pack: hostile/bomb\nversion: '1'\nrules: *a{levels}")
    return "\n".join(lines) + "\n"


def make_rule_packs(folder: Path, sentinel: Path) -> dict[str, Expect]:
    """Hostile rule packs. ``sentinel`` is a path that must never be created (the !!python tags try)."""
    folder.mkdir(parents=True, exist_ok=True)
    exp: dict[str, Expect] = {}

    def put(name: str, text: str, expect: Expect) -> None:
        (folder / name).write_text(text, encoding="utf-8")
        exp[name] = expect

    put("catastrophic_nested.yaml", rule_pack("nested", "(a+)+$"), "error")
    put("catastrophic_star.yaml", rule_pack("star", "(.*)*罚款"), "error")
    evil = "村" * 40 + "！"
    put("catastrophic_alternation.yaml", rule_pack("alt", "^(村|村)+$", ["村村村"], [evil]), "error")
    put("catastrophic_overlap.yaml",
        rule_pack("overlap", "(村民|村|民)*罚款$", ["村民罚款"], ["村民" * 40 + "罚款！"]), "error")
    put("catastrophic_optional.yaml", rule_pack("optional", "^(村村?)+$", ["村村村"], [evil]), "error")
    put("polynomial.yaml", rule_pack("poly", ".*村.*村.*村.*村.*罚款罚款", ["村村村村罚款罚款"], ["村" * 3000]),
        "error")
    put("huge_alternation.yaml",
        rule_pack("huge", "(?:" + "|".join(f"禁止事项{i}号" for i in range(60_000)) + ")罚款",
                  ["禁止事项59999号罚款"], ["禁止事项号罚款"]), "either")
    put("extends_parent_passwd.yaml", "pack: hostile/p\nversion: '1'\nextends: [../../etc/passwd]\nrules: []\n",
        "error")
    put("extends_abs_passwd.yaml", "pack: hostile/a\nversion: '1'\nextends: [/etc/passwd]\nrules: []\n", "error")
    put("extends_traversal_yaml.yaml",
        "pack: hostile/t\nversion: '1'\nextends: [../../../../../../../../etc/shadow.yaml]\nrules: []\n", "error")
    put("python_tag.yaml",
        "pack: !!python/object/apply:os.system [\"touch " + str(sentinel) + "\"]\nversion: '1'\nrules: []\n",
        "error")
    put("python_object.yaml",
        "pack: hostile/o\nversion: '1'\nrules:\n  - !!python/object/new:pathlib.Path [\"" + str(sentinel) + "\"]\n",
        "error")
    put("alias_bomb.yaml", yaml_alias_bomb(), "error")
    # the same bomb where the schema accepts anything (params): loads unless refused before expansion
    bomb = "    params:\n" + "".join(f"      {ln}\n" for ln in yaml_alias_bomb().splitlines()[:-1])
    put("alias_bomb_params.yaml",
        rule_pack("params", "罚款", ["村民罚款"], ["村民"]).replace("    examples:", bomb + "    examples:"), "error")
    return exp
