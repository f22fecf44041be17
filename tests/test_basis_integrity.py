"""Every rule's legal basis resolves to the law corpus; named articles exist in the version in force;
quoted texts match the law text in ../shared/laws when it is present."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import yaml

from legalreview.laws import load_corpus
from legalreview.laws.numerals import article_label, cn_to_int

from conftest import ROOT, shared_path

PUNCT = re.compile(r"[\s，。；：、,.;:!?！？“”\"'‘’《》〈〉（）()\[\]【】—\-…]")


def norm(s: str) -> str:
    return PUNCT.sub("", s)


def _bases():
    for p in sorted((ROOT / "rules").rglob("*.yaml")):
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        yield from _walk(data, p.relative_to(ROOT), None)


def _walk(node, path, rule_id):
    if isinstance(node, dict):
        rid = node.get("id", rule_id) if isinstance(node.get("id"), str) else rule_id
        for k, v in node.items():
            if k == "basis" and isinstance(v, list):
                for b in v:
                    if isinstance(b, dict) and b.get("law"):
                        yield path, rid, b
            else:
                yield from _walk(v, path, rid)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, path, rule_id)


def shared_article_text(laws: Path, entry, n: int) -> str | None:
    """The article's text read from ../shared/laws (None when the file or article is absent)."""
    if not entry.source.startswith("../shared/laws/"):
        return None
    rel = entry.source[len("../shared/laws/"):].split("；")[0]
    files = sorted(laws.glob(rel)) if "*" in rel else [laws / rel]
    label = article_label(n)
    for f in files:
        if not f.is_file():
            continue
        lines = f.read_text(encoding="utf-8").splitlines()
        out = None
        for line in lines:
            s = line.strip()
            if out is None:
                if s.startswith(label + " ") or s.startswith(label + "\u3000"):
                    out = [s[len(label):].strip()]
            else:
                if re.match(r"^第[零〇一二三四五六七八九十百千]+条[ \u3000]", s) or s.startswith("#"):
                    break
                if s:
                    out.append(s)
        if out is not None:
            return "\n".join(out)
    return None


def quote_matches(quote: str, article: str) -> bool:
    """A quote may be an excerpt; 「……」 separates excerpts that must appear in order."""
    pos = 0
    target = norm(article)
    for piece in re.split(r"…+|\.\.\.+", quote):
        p = norm(piece)
        if not p:
            continue
        i = target.find(p, pos)
        if i < 0:
            return False
        pos = i + len(p)
    return True


def test_every_basis_resolves_and_articles_exist():
    corpus = load_corpus()
    today = dt.date.today()
    problems, unverifiable, missing_text = [], [], []
    n_bases = 0
    for path, rid, b in _bases():
        n_bases += 1
        law = str(b["law"]).strip("《》")
        entry = corpus.get(law)
        if entry is None:
            problems.append(f"{path} {rid}: 《{law}》 does not resolve to a corpus entry")
            continue
        if entry.repealed and entry.repealed <= today:
            problems.append(f"{path} {rid}: 《{law}》 was repealed on {entry.repealed}")
        art = b.get("article")
        if not art:
            continue
        m = re.match(r"第([零〇一二三四五六七八九十百千]+)条", str(art))
        if not m:
            problems.append(f"{path} {rid}: article {art!r} is not 「第X条」")
            continue
        n = cn_to_int(m.group(1))
        count = entry.article_count_at(today)
        if count is None:
            unverifiable.append(f"{path} {rid}: 《{law}》{art} (article count of the version in force unknown)")
        elif n > count:
            problems.append(f"{path} {rid}: 《{law}》{art} beyond the {count} articles of the version in force")
        if article_label(n) not in entry.articles and entry.verified:
            missing_text.append(f"{path} {rid}: 《{law}》{art}")
    if missing_text:  # listed for tools/build_law_corpus.py, which stores every cited article's text
        warnings.warn("article texts not stored in corpora/laws (rebuild with tools/build_law_corpus.py):\n"
                      + "\n".join(missing_text), stacklevel=1)
    if unverifiable:
        warnings.warn("bases not verifiable against the corpus:\n" + "\n".join(unverifiable), stacklevel=1)
    assert n_bases > 0
    assert not problems, "\n".join(problems)


def test_quoted_basis_texts_match_shared_laws():
    laws = shared_path("laws")
    corpus = load_corpus()
    problems, checked = [], 0
    for path, rid, b in _bases():
        if not b.get("text") or not b.get("article"):
            continue
        entry = corpus.get(str(b["law"]).strip("《》"))
        m = re.match(r"第([零〇一二三四五六七八九十百千]+)条", str(b["article"]))
        if entry is None or not m:
            continue  # reported by the test above
        n = cn_to_int(m.group(1))
        text = shared_article_text(laws, entry, n)
        if text is None:
            continue  # law not in ../shared/laws (e.g. a Zhejiang government rule): nothing to compare
        checked += 1
        if not quote_matches(str(b["text"]), text):
            problems.append(f"{path} {rid}: 《{entry.name}》{b['article']} quote not found in the law text: {b['text'][:40]}")
    assert checked > 0
    assert not problems, "\n".join(problems)


def test_quote_matching_is_strict_enough():
    art = "除法律、法规、规章外，其他规范性文件不得设定行政处罚。"
    assert quote_matches("其他规范性文件不得设定行政处罚", art)
    assert quote_matches("除法律、法规、规章外……不得设定行政处罚", art)
    assert not quote_matches("其他规范性文件可以设定行政处罚", art)
    assert not quote_matches("不得设定行政处罚……除法律", art)
