"""Readers on real files: .docx written with python-docx (tables, tracked changes, hyperlinks, fields),
GBK / UTF-16 / UTF-8-BOM text, Markdown, a hand-made PDF with a Chinese text layer, hostile and broken
inputs, and every document of ../shared/eval/dev."""

from __future__ import annotations

import copy
import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from legalreview.errors import ConversionError, InputError
from legalreview.ingest import detect_format, from_text, limits, load
from legalreview.ingest.docx import iter_paragraphs, paragraph_segments

from conftest import shared_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --------------------------------------------------------------------------- helpers


def _run(text: str, tag: str = "w:t"):
    r = etree.SubElement(etree.Element(qn("w:dummy")), qn("w:r"))
    t = etree.SubElement(r, qn(tag))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _tracked_docx(path: Path) -> None:
    """A document with a title, a tracked insertion, a tracked deletion, a hyperlink, a tab, a line
    break, a field code, a table with a nested table, and a final paragraph."""
    d = docx.Document()
    d.add_paragraph("某某村村规民约")
    p = d.add_paragraph("第一条 村民")
    ins = etree.SubElement(p._p, qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "审查员"})
    ins.append(_run("应当"))
    dele = etree.SubElement(p._p, qn("w:del"), {qn("w:id"): "2", qn("w:author"): "审查员"})
    dele.append(_run("必须无条件", "w:delText"))
    p._p.append(_run("遵守法律。"))
    p2 = d.add_paragraph("详见")
    link = etree.SubElement(p2._p, qn("w:hyperlink"), {qn("r:id"): "rId99"})
    link.append(_run("县政府网站"))
    r = _run("")
    r.remove(r[0])
    etree.SubElement(r, qn("w:tab"))
    p2._p.append(r)
    p2._p.append(_run("第二行前"))
    r = _run("")
    r.remove(r[0])
    etree.SubElement(r, qn("w:br"))
    p2._p.append(r)
    p2._p.append(_run("第二行"))
    fld = _run(" PAGE ", "w:instrText")
    p2._p.append(fld)
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "表决人数"
    inner = t.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "嵌套单元格"
    d.add_paragraph("第二条 本规约自通过之日起施行。")
    d.save(str(path))


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds ``lines`` (non-embedded STSong-Light CID font)."""
    content = "BT /F1 14 Tf 50 780 Td 18 TL\n" + "".join(
        "<" + s.encode("utf-16-be").hex().upper() + "> Tj T*\n" for s in lines) + "ET"
    cb = content.encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(cb) + cb + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


def _docx_with_document_xml(tmp_path: Path, name: str, xml: bytes, extra: dict | None = None) -> Path:
    """A real python-docx package whose word/document.xml is replaced by ``xml`` (plus ``extra`` members)."""
    base = tmp_path / "_base.docx"
    docx.Document().save(str(base))
    path = tmp_path / name
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in (extra or {}):
                continue
            data = xml if info.filename == "word/document.xml" else src.read(info.filename)
            dst.writestr(info.filename, data)
        for k, v in (extra or {}).items():
            dst.writestr(k, v)
    return path


def _assert_blocks(doc) -> None:
    pos = 0
    for i, b in enumerate(doc.blocks):
        assert b.index == i
        assert b.start == pos, (i, b.start, pos)
        pos = b.end + 1
    assert doc.blocks[-1].end == len(doc.text)


# --------------------------------------------------------------------------- docx


def test_docx_tracked_changes_tables_hyperlinks(tmp_path):
    path = tmp_path / "规约.docx"
    _tracked_docx(path)
    doc = load(path, structure=False)
    texts = [doc.text[b.start:b.end] for b in doc.blocks]
    assert "应当" in doc.text and "必须无条件" not in doc.text and "PAGE" not in doc.text
    assert "县政府网站" in doc.text
    assert texts[0] == "某某村村规民约"
    assert texts[1] == "第一条 村民应当遵守法律。"
    assert texts[2] == "详见县政府网站\t第二行前\n第二行"
    assert "表决人数" in texts and "嵌套单元格" in texts
    assert texts[-1] == "第二条 本规约自通过之日起施行。"
    assert doc.text == "\n".join(texts)
    _assert_blocks(doc)
    in_table = {doc.text[b.start:b.end] for b in doc.blocks if b.in_table}
    assert {"表决人数", "嵌套单元格"} <= in_table and "某某村村规民约" not in in_table
    assert [b.source for b in doc.blocks] == [f"docx:p:{i}" for i in range(len(doc.blocks))]
    assert doc.source_format == "docx"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_iter_paragraphs_and_segments_map_back_to_runs(tmp_path):
    """The annotator's view (python-docx element tree) yields the same paragraphs and text, and every
    w:t segment is a real w:t whose run can be split."""
    path = tmp_path / "a.docx"
    _tracked_docx(path)
    doc = load(path, structure=False)
    body = docx.Document(str(path)).element.body
    paras = list(iter_paragraphs(body))
    assert len(paras) == len(doc.blocks)
    for p, b in zip(paras, doc.blocks):
        segs = paragraph_segments(p)
        assert "".join(s for _, s in segs) == doc.text[b.start:b.end]
        for el, s in segs:
            if el is None:
                assert s in ("\t", "\n", "-")
            else:
                assert el.tag == f"{{{W}}}t" and el.getparent().tag == f"{{{W}}}r" and el.text == s
    # the inserted run lives inside w:ins: the annotator can still find it
    seg_el = next(el for el, s in paragraph_segments(paras[1]) if s == "应当")
    assert seg_el.getparent().getparent().tag == f"{{{W}}}ins"


def test_misnamed_docx_is_sniffed(tmp_path):
    src = tmp_path / "a.docx"
    _tracked_docx(src)
    odd = tmp_path / "其实是word.txt"
    odd.write_bytes(src.read_bytes())
    doc = load(odd)
    assert doc.source_format == "docx" and doc.title == "某某村村规民约"


def test_docx_style_names_recorded(tmp_path):
    d = docx.Document()
    d.add_paragraph("关于印发某某办法的通知", style="Title")
    d.add_paragraph("正文")
    path = tmp_path / "s.docx"
    d.save(str(path))
    doc = load(path, structure=False)
    assert doc.blocks[0].style == "Title"


# --------------------------------------------------------------------------- text


SAMPLE = "某某村村规民约\r\n第一条 村民应当遵守法律法规。\r\n第二条 禁止在河道倾倒垃圾。\r\n"


@pytest.mark.parametrize("encoding,expect", [("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-16", "utf-16"),
                                             ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_text_encodings(tmp_path, encoding, expect):
    path = tmp_path / f"规约_{encoding}.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    doc = load(path)
    assert doc.encoding == expect
    assert doc.text == SAMPLE.replace("\r\n", "\n")
    assert "\r" not in doc.text and "\ufeff" not in doc.text
    assert doc.title == "某某村村规民约"
    assert [n.location for n in doc.walk() if n.kind == "article"] == ["第一条", "第二条"]
    assert [b.source for b in doc.blocks][:2] == ["line:0", "line:1"]
    _assert_blocks(doc)


def test_gbk_only_characters_decode_as_gb18030(tmp_path):
    text = "第一条 镕铧村（䶮字）村民𠀀应当遵守。\n"
    path = tmp_path / "x.txt"
    path.write_bytes(text.encode("gb18030"))
    assert load(path, structure=False).text == text


def test_utf16_without_bom_and_old_mac_newlines(tmp_path):
    p1 = tmp_path / "le.txt"
    p1.write_bytes(SAMPLE.encode("utf-16-le"))
    assert load(p1, structure=False).text == SAMPLE.replace("\r\n", "\n")
    p2 = tmp_path / "cr.txt"
    p2.write_bytes("甲\r乙\r\n丙".encode())
    assert load(p2, structure=False).text == "甲\n乙\n丙"


def test_markdown_kept_verbatim(tmp_path):
    md = "# 某某镇实施方案\n\n一、总体要求\n\n（一）目标。**到年底**完成。\n"
    path = tmp_path / "a.md"
    path.write_text(md, encoding="utf-8")
    doc = load(path)
    assert doc.text == md and doc.source_format == "md"
    assert any(n.location == "一、（一）" for n in doc.walk())


def test_nul_bytes_removed_when_few_refused_when_many(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("第一条 村民\x00应当遵守。".encode())
    doc = load(p, structure=False)
    assert "\x00" not in doc.text and doc.warnings
    p2 = tmp_path / "b.txt"
    p2.write_bytes(b"\x00\x01\x02\x03" * 500 + "文字".encode())
    with pytest.raises(InputError):
        load(p2)


def test_from_text_normalizes():
    doc = from_text("甲\r\n乙")
    assert doc.text == "甲\n乙" and len(doc.blocks) == 2


# --------------------------------------------------------------------------- pdf


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "规约.pdf"
    path.write_bytes(make_pdf(["某某村村规民约", "第一条 村民应当遵守法律法规。", "第二条 本规约自通过之日起施行。"]))
    doc = load(path)
    assert doc.source_format == "pdf"
    assert doc.title == "某某村村规民约"
    assert [n.location for n in doc.walk() if n.kind == "article"] == ["第一条", "第二条"]
    assert doc.blocks[0].source == "pdf:0:0"
    _assert_blocks(doc)


def test_pdf_without_text_is_a_scan(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="扫描件") as e:
        load(path)
    assert "扫描件.pdf" in str(e.value)


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "坏.pdf"
    path.write_bytes(make_pdf(["第一条"])[:60])
    with pytest.raises(InputError):
        load(path)


# --------------------------------------------------------------------------- broken and hostile inputs


@pytest.mark.parametrize("name,data", [
    ("空.txt", b""),
    ("空白.txt", b"  \n\r\n\t "),
    ("空.docx", b""),
    ("不是zip.docx", "这不是Word文件".encode()),
    ("图片.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    ("未知.xyz", "第一条".encode()),
])
def test_bad_inputs_raise_input_error(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as e:
        load(path)
    assert name in str(e.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="不存在"):
        load(tmp_path / "无.docx")
    with pytest.raises(InputError, match="文件夹"):
        load(tmp_path)


def test_zip_without_document_xml(tmp_path):
    path = tmp_path / "空壳.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(InputError, match="document.xml"):
        load(path)


def test_malformed_document_xml(tmp_path):
    path = _docx_with_document_xml(tmp_path, "坏XML.docx", b"<w:document xmlns:w='%s'><w:body><w:p>" % W.encode())
    with pytest.raises(InputError, match="XML"):
        load(path)


def test_entity_expansion_dtd_refused(tmp_path):
    """A billion-laughs document.xml is refused without expanding anything."""
    lol = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b']>\n<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
           b'</w:body></w:document>')
    path = _docx_with_document_xml(tmp_path, "实体炸弹.docx", lol)
    with pytest.raises(InputError, match="DTD") as e:
        load(path)
    assert "实体炸弹.docx" in str(e.value)
    # an external entity (XXE) is refused the same way
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    path2 = _docx_with_document_xml(tmp_path, "xxe.docx", xxe)
    with pytest.raises(InputError, match="DTD"):
        load(path2)


def test_zip_bomb_refused_from_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>'
    path = _docx_with_document_xml(tmp_path, "炸弹.docx", xml.encode(),
                                   {"word/media/pad.bin": b"\x00" * (2 * 1024 * 1024)})
    with pytest.raises(InputError, match="压缩炸弹"):
        load(path)


def test_max_input_size(tmp_path, monkeypatch):
    path = tmp_path / "大.txt"
    path.write_bytes("第一条 村民应当遵守。\n".encode() * 100)
    with pytest.raises(InputError, match="过大"):
        load(path, max_bytes=1000)
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1000)
    with pytest.raises(InputError, match="过大"):
        load(path)


def test_detect_format_magic(tmp_path):
    assert detect_format(Path("a.doc"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 10) == "doc"
    assert detect_format(Path("a.wps"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 10) == "wps"
    assert detect_format(Path("a.txt"), b"{\\rtf1\\ansi hello}") == "rtf"
    assert detect_format(Path("a.bin"), b"%PDF-1.4\n") == "pdf"
    assert detect_format(Path("a"), "第一条".encode()) == "txt"


def test_legacy_without_libreoffice_says_how_to_convert(tmp_path, monkeypatch):
    from legalreview.ingest import convert

    monkeypatch.setattr(convert, "find_soffice", lambda: None)
    path = tmp_path / "旧格式.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ConversionError, match="另存为") as e:
        load(path)
    assert "旧格式.doc" in str(e.value)


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice not installed")
def test_rtf_converted_with_libreoffice(tmp_path):
    rtf = "{\\rtf1\\ansi\\ansicpg936\\uc1 {\\fonttbl{\\f0 SimSun;}}\\f0 " + "".join(
        f"\\u{ord(c)}?" if ord(c) > 127 else c for c in "第一条 村民应当遵守法律。") + "\\par }"
    path = tmp_path / "规约.rtf"
    path.write_text(rtf, encoding="ascii")
    doc = load(path)
    assert doc.source_format == "rtf"
    assert "第一条 村民应当遵守法律。" in doc.text
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- CLI and shared corpus


@pytest.mark.parametrize("name,data", [("坏文件.docx", b"PK\x03\x04garbage"), ("空文件.txt", b""),
                                       ("表格.xlsx", b"PK\x03\x04")])
def test_cli_bad_file_exits_2_without_traceback(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(path)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2, r.stderr
    out = r.stdout + r.stderr
    assert name in out
    assert "Traceback" not in out


def test_every_dev_document_loads():
    docs = sorted(shared_path("eval", "dev", "docs").iterdir())
    assert docs
    for p in docs:
        doc = load(p)
        assert doc.text.strip(), p
        assert doc.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
        for n in doc.walk():
            assert 0 <= n.start <= n.end <= len(doc.text), (p.name, n.location)


def test_samples_load():
    root = Path(__file__).resolve().parent.parent
    docs = [p for p in (root / "corpora" / "samples").iterdir() if p.suffix in (".txt", ".docx", ".md")]
    for p in sorted(docs) + sorted((root / "examples").glob("*.docx")):
        doc = load(p)
        assert doc.title, p
        assert doc.outline, p


def test_deepcopy_safe_segments(tmp_path):
    """Segments refer to the live tree: copying the paragraph gives independent elements."""
    path = tmp_path / "a.docx"
    _tracked_docx(path)
    body = docx.Document(str(path)).element.body
    p = list(iter_paragraphs(body))[1]
    q = copy.deepcopy(p)
    assert [s for _, s in paragraph_segments(q)] == [s for _, s in paragraph_segments(p)]


@pytest.mark.parametrize("depth,ok", [(40, True), (300, False)])
def test_nested_tables(tmp_path, depth, ok):
    inner = "<w:p><w:r><w:t>最深处</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl><w:p/>"
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>标题</w:t></w:r></w:p>{inner}</w:body></w:document>'
    path = _docx_with_document_xml(tmp_path, "嵌套.docx", xml.encode())
    if ok:
        doc = load(path)
        assert "最深处" in doc.text and doc.blocks[1].in_table
    else:
        with pytest.raises(InputError, match="嵌套过深"):
            load(path)


def test_content_controls_moves_and_simple_fields(tmp_path):
    xml = (f'<w:document xmlns:w="{W}"><w:body>'
           '<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件里的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>'
           '<w:p><w:r><w:t>甲</w:t></w:r><w:sdt><w:sdtContent><w:r><w:t>乙</w:t></w:r></w:sdtContent></w:sdt>'
           '<w:moveFrom w:id="1" w:author="a"><w:r><w:t>旧位置</w:t></w:r></w:moveFrom>'
           '<w:moveTo w:id="2" w:author="a"><w:r><w:t>新位置</w:t></w:r></w:moveTo>'
           '<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>'
           '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>今天</w:t></w:r>'
           '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
           '<w:r><w:noBreakHyphen/><w:t>丙</w:t></w:r></w:p>'
           '<w:sectPr/></w:body></w:document>')
    path = _docx_with_document_xml(tmp_path, "控件.docx", xml.encode())
    doc = load(path, structure=False)
    assert doc.text == "控件里的段落\n甲乙新位置3今天-丙"
    assert [b.source for b in doc.blocks] == ["docx:p:0", "docx:p:1"]


NUMBERING = f"""<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def test_word_auto_numbering_becomes_structure(tmp_path):
    """Articles numbered by a Word list (「第%1条」, chineseCounting) keep their text as typed, but the
    rendered label drives the structure."""

    def p(text, num=None, lvl=0):
        ppr = (f'<w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'
               if num else "")
        return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"

    body = (p("某某村村规民约") + p("村民应当遵守法律法规。", 1) + p("有下列行为之一的，予以批评教育：", 1)
            + p("乱倒垃圾的；", 1, 1) + p("乱搭乱建的。", 1, 1) + p("要点", 2) + p("本规约自通过之日起施行。", 1))
    xml = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    path = _docx_with_document_xml(tmp_path, "自动编号.docx", xml.encode(), {"word/numbering.xml": NUMBERING})
    doc = load(path)
    assert "第一条" not in doc.text  # the label is not inserted into the text
    assert [b.list_label for b in doc.blocks] == [None, "第一条", "第二条", "（一）", "（二）", None, "第三条"]
    arts = [n for n in doc.walk() if n.kind == "article"]
    assert [a.location for a in arts] == ["第一条", "第二条", "第三条"]
    # the bulleted paragraph has no label: it is the second 款 of 第二条
    assert doc.location_of(doc.text.index("乱搭乱建")) == "第二条第一款第（二）项"
    assert doc.location_of(doc.text.index("要点")) == "第二条第二款"
    assert doc.text[arts[0].start:arts[0].end] == "村民应当遵守法律法规。"


def test_utf8_with_a_truncated_character_stays_utf8(tmp_path):
    good = ("某某村村规民约\n第一条 村民应当遵守法律法规。\n" * 20).encode()
    path = tmp_path / "截断.txt"
    path.write_bytes(good + "第二条".encode()[:-1])
    doc = load(path, structure=False)
    assert doc.encoding == "utf-8"
    assert doc.text.startswith("某某村村规民约\n第一条") and doc.text.endswith("第二\ufffd")
    assert doc.warnings


def test_short_gbk_with_one_chinese_word_is_not_mistaken_for_utf8(tmp_path):
    path = tmp_path / "短.txt"
    path.write_bytes("Article 1 of the rules: 村规".encode("gbk"))
    doc = load(path, structure=False)
    assert doc.encoding == "gb18030" and doc.text.endswith("村规")


def test_corrupt_doc_fails_conversion_cleanly(tmp_path):
    path = tmp_path / "损坏.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 3000)
    with pytest.raises(ConversionError, match="另存为") as e:
        load(path)
    assert "损坏.doc" in str(e.value)
