#!/usr/bin/env python3
"""Build corpora/laws/laws.json from corpora/laws/curated.yaml and ../shared/laws (dev only).

The product never reads ../shared: this script extracts metadata (canonical names, dates of each
version, article counts) and the text of the specific articles that rules cite as their basis, and
writes one compact JSON file that ``legalreview.laws.corpus`` loads.

    .venv/bin/python tools/build_law_corpus.py            # rebuild
    .venv/bin/python tools/build_law_corpus.py --check    # rebuild in memory, report problems, exit 1 if any
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from legalreview.laws.corpus import LawEntry, key  # noqa: E402
from legalreview.laws.numerals import article_label, cn_to_int  # noqa: E402

SHARED = ROOT.parent / "shared" / "laws"
OUT = ROOT / "corpora" / "laws" / "laws.json"
CURATED = ROOT / "corpora" / "laws" / "curated.yaml"

LEVEL_MAP = {"法律": "法律", "行政法规": "行政法规", "宪法": "宪法", "司法解释": "司法解释", "部门规章": "规章", "地方性法规": "地方性法规"}
ART_RE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(?:之[一二三四五六七八九十]+)?[ \u3000]*(.*)$")
DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
STEM_RE = re.compile(r"^(?P<name>.+?)(?:\((?P<date>\d{4}-\d{2}-\d{2})\))?$")
PREFIX = "中华人民共和国"


# --------------------------------------------------------------------------- reading ../shared/laws


def parse_law_file(path: Path) -> dict:
    """Title, history lines, article count and article texts of one Markdown law file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    titles, info, body_start = [], [], 0
    for i, line in enumerate(lines):
        if "INFO END" in line:
            body_start = i + 1
            break
        if line.startswith("# "):
            titles.append(line[2:].strip())
        elif line.strip():
            if info and not DATE_RE.match(line.strip()):
                info[-1] += line.strip()
            else:
                info.append(line.strip())
    articles: dict[int, str] = {}
    current = None
    for line in lines[body_start:]:
        s = line.strip()
        m = ART_RE.match(s)
        if m and "之" not in s[: s.find("条") + 1]:
            n = cn_to_int(m.group(1))
            current = n
            articles[n] = m.group(2).strip()
            continue
        if s.startswith("#"):
            current = None
            continue
        if current is not None and s:
            articles[current] += "\n" + s
    return {"titles": titles, "info": info, "articles": articles, "path": path}


def history(info: list[str]) -> tuple[list[dict], dt.date | None]:
    """Versions (date, kind) and the entry-into-force date from the INFO block."""
    events, effective = [], None
    for line in info:
        m = DATE_RE.match(line)
        if not m:
            continue
        d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        rest = line[m.end():]
        if rest.strip().startswith("施行") or rest.strip() == "起施行":
            effective = d
            continue
        if "批准" in rest and "通过" not in rest and "公布" not in rest and "发布" not in rest:
            continue
        kind = "修订" if rest.rstrip("）)").endswith("修订") else "修正" if "修正" in rest else "制定"
        if events and events[-1]["date"] == d:
            continue
        if kind == "制定" and events and any(e["kind"] == "制定" for e in events):
            # 「通过」 followed by 「公布」 of the same version
            continue
        events.append({"date": d, "kind": kind})
    return events, effective


def shared_files() -> dict[str, list[tuple[str | None, Path]]]:
    """Name -> [(date or None, path)] for every Markdown law file under ../shared/laws."""
    out: dict[str, list] = defaultdict(list)
    for p in SHARED.rglob("*.md"):
        if p.name.startswith("_"):
            continue
        m = STEM_RE.match(p.stem)
        out[m.group("name")].append((m.group("date"), p))
    return out


def shared_rows() -> list[dict]:
    rows = []
    for db, default_level in ((SHARED / "db.sqlite3", None), (SHARED / "DLC" / "浙江地方法规" / "db.sqlite3", "地方性法规")):
        con = sqlite3.connect(db)
        con.row_factory = sqlite3.Row
        for r in con.execute("select name, level, publish, valid_from, expired from law"):
            d = dict(r)
            d["level"] = d["level"] or default_level
            d["dlc"] = default_level is not None
            rows.append(d)
        con.close()
    return rows


def _date(s) -> dt.date | None:
    if not s:
        return None
    if isinstance(s, dt.date):
        return s
    return dt.date.fromisoformat(str(s)[:10])


def issuer_for(level: str, name: str, info: list[str]) -> str:
    text = " ".join(info)
    if level == "司法解释":
        return "最高人民法院、最高人民检察院" if "最高人民检察院" in name[:20] else "最高人民法院"
    if level == "行政法规":
        return "中共中央、国务院" if "中共中央" in text else "国务院"
    if level in ("法律", "宪法"):
        if re.search(r"全国人民代表大会第.次会议|全国人民代表大会第..次会议", text) and "常务委员会" not in text.split("修")[0]:
            return "全国人民代表大会"
        return "全国人民代表大会常务委员会"
    if level == "地方性法规":
        m = re.match(r"^(.+?(?:省|市|自治州|县))", name)
        return f"{m.group(1)}人民代表大会常务委员会" if m else "浙江省人民代表大会常务委员会"
    if level == "规章":
        return "国务院部门"
    return ""


# --------------------------------------------------------------------------- rules' bases


def rule_bases() -> dict[str, set[int]]:
    """Law name (as written in 《》) -> article numbers cited in every rule pack's basis."""
    out: dict[str, set[int]] = defaultdict(set)
    for p in (ROOT / "rules").rglob("*.yaml"):
        try:
            data = yaml.load(p.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            continue
        for b in _walk_bases(data):
            law = str(b.get("law", "")).strip("《》")
            art = b.get("article")
            if not law:
                continue
            out[law]
            if art:
                m = re.match(r"第([零〇一二三四五六七八九十百千]+)条", str(art))
                if m:
                    out[law].add(cn_to_int(m.group(1)))
    return out


def _walk_bases(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "basis" and isinstance(v, list):
                for b in v:
                    if isinstance(b, dict):
                        yield b
            else:
                yield from _walk_bases(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_bases(v)


# --------------------------------------------------------------------------- build


def build() -> tuple[list[dict], list[str]]:
    problems: list[str] = []
    files = shared_files()
    rows = shared_rows()
    curated = yaml.load(CURATED.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    cited = rule_bases()
    extra = yaml.load((ROOT / "corpora" / "laws" / "cited_articles.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    # group shared rows by name; keep laws, regulations, Zhejiang local regulations, rules, interpretations
    by_name: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["level"] not in LEVEL_MAP or r["name"].startswith("《"):
            continue
        by_name[r["name"]].append(r)

    entries: dict[str, dict] = {}
    parsed_cache: dict[Path, dict] = {}

    def parsed(p: Path) -> dict:
        if p not in parsed_cache:
            parsed_cache[p] = parse_law_file(p)
        return parsed_cache[p]

    # the Civil Code is split into books
    civil = SHARED / "民法典"
    for name, rs in sorted(by_name.items()):
        level = LEVEL_MAP[rs[0]["level"]]
        if name.startswith("民法典 ") or name.startswith("宪法修正案"):
            continue
        if name == "宪法":
            paths = [(None, SHARED / "宪法" / "宪法.md")]
        else:
            paths = files.get(name, [])
        if not paths:
            continue
        # Marked expired in ../shared/laws with no date: often a newer version exists that the snapshot
        # lacks, sometimes a real repeal. Keep the name (so a citation resolves instead of being called
        # unknown) but no article count and no repeal; curated.yaml carries the repeals that are known.
        stale = all(r["expired"] for r in rs)
        paths = sorted(paths, key=lambda t: t[0] or "")
        latest = parsed(paths[-1][1])
        title = latest["titles"][0] if latest["titles"] else name
        canonical = title.replace(" ", "")
        events, eff = history(latest["info"])
        versions = []
        for ev in events:
            versions.append({"date": ev["date"], "effective": None, "kind": ev["kind"], "articles": None, "verified": True})
        # article counts for the versions held as files
        for date_s, p in paths:
            pf = parsed(p)
            d = _date(date_s) or (events[-1]["date"] if events else None)
            row = next((r for r in rs if r["publish"] == date_s), None)
            v = next((v for v in versions if v["date"] == d), None)
            if v is None and d is not None:
                # the file is dated by its promulgation (公布), the history by its adoption (通过)
                earlier = [x for x in versions if x["date"] is not None and x["date"] < d]
                if earlier and (d - earlier[-1]["date"]).days <= 120:
                    v = earlier[-1]
                    v["date"] = d  # a version is dated by its promulgation, as the file name is
            if v is None:
                v = {"date": d, "effective": None, "kind": "修正" if versions else "制定", "articles": None, "verified": True}
                versions.append(v)
            v["articles"] = max(pf["articles"]) if pf["articles"] else None
            if row and row["valid_from"]:
                v["effective"] = _date(row["valid_from"])
        if eff and versions:
            versions[-1]["effective"] = versions[-1]["effective"] or eff
        versions = [v for v in versions if v["date"]]
        versions.sort(key=lambda v: v["date"])
        arts = latest["articles"]
        # where ../shared/laws holds an earlier text too, find where each of its articles went
        for date_s, p in paths[:-1]:
            d = _date(date_s)
            v = next((x for x in versions if x["date"] == d), None)
            if v is None:
                continue
            moved = renumbering(parsed(p)["articles"], arts)
            if moved:
                v["moved"] = {article_label(a): article_label(b) for a, b in sorted(moved.items())}
                if len(moved) > 0.2 * len(parsed(p)["articles"]):
                    nxt = next((x for x in versions if x["date"] > d), None)
                    if nxt is not None:
                        nxt["renumbered"] = True
        if stale:
            for v in versions:
                v["articles"] = None
                v["verified"] = False
        entries[canonical] = {
            "id": canonical,
            "name": canonical,
            "short_names": [name] if canonical != name else [],
            "aliases": [],
            "level": level,
            "issuer": issuer_for(level, canonical, latest["info"]),
            "doc_number": _doc_number(latest["info"]),
            "promulgated": versions[0]["date"] if versions else None,
            "effective": versions[0]["effective"] if versions else None,
            "versions": versions,
            "repealed": None,
            "replaced_by": None,
            "repeal_basis": None,
            "source": f"../shared/laws/{paths[-1][1].relative_to(SHARED)}",
            "verified": not stale,
            "articles": {},
            "_all_articles": arts,
            "history_complete": bool(events),
            "note": "../shared/laws 将该文本标为失效（可能已被新版本取代或已废止），现行状态与条文数未能核实。" if stale else None,
            "_shared_name": name,
        }
    # 民法典
    arts: dict[int, str] = {}
    for p in sorted(civil.glob("*.md")):
        if p.name.startswith("_"):
            continue
        arts.update(parsed(p)["articles"])
    entries["中华人民共和国民法典"] = {
        "id": "中华人民共和国民法典", "name": "中华人民共和国民法典", "short_names": ["民法典"], "aliases": [],
        "level": "法律", "issuer": "全国人民代表大会", "doc_number": None,
        "promulgated": dt.date(2020, 5, 28), "effective": dt.date(2021, 1, 1),
        "versions": [{"date": dt.date(2020, 5, 28), "effective": dt.date(2021, 1, 1), "kind": "制定", "articles": max(arts), "verified": True}],
        "repealed": None, "replaced_by": None, "repeal_basis": None,
        "source": "../shared/laws/民法典/*.md", "verified": True, "articles": {}, "_all_articles": arts, "_shared_name": "民法典",
    }

    by_short = {e["_shared_name"]: e for e in entries.values()}

    # merge curated facts
    for c in curated:
        name = c["name"]
        target = c.get("match") or (name[len(PREFIX):] if name.startswith(PREFIX) else name)
        e = None
        if not c.get("id"):
            e = entries.get(name) or by_short.get(target)
        if e is None:
            eid = c.get("id", name)
            if eid in entries:
                problems.append(f"curated entry {eid} collides with a shared entry")
                continue
            e = {"id": eid, "name": name, "short_names": [], "aliases": [], "level": c.get("level", "法律"), "issuer": "",
                 "doc_number": None, "promulgated": None, "effective": None, "versions": [], "repealed": None,
                 "replaced_by": None, "repeal_basis": None, "source": "curated.yaml", "verified": c.get("verified", False),
                 "articles": {}, "_all_articles": {}, "_shared_name": None}
            entries[eid] = e
            if c.get("match") or name.startswith(PREFIX) and not c.get("repealed"):
                problems.append(f"curated entry {name}: not found in ../shared/laws (kept, verified={e['verified']})")
        else:
            if e["name"] != name:
                # the canonical name is the shared file's title unless curated says otherwise
                e["aliases"].append(e["name"])
                e["name"] = name
        for k in ("level", "issuer", "doc_number", "repealed", "replaced_by", "repeal_basis", "note"):
            if c.get(k) is not None:
                e[k] = c[k]
        for k in ("promulgated", "effective"):
            if c.get(k) is not None:
                e[k] = _date(c[k])
        if c.get("source"):
            e["source"] = c["source"]
        if "verified" in c and e["_shared_name"] is None:
            e["verified"] = c["verified"]
        for k in ("short_names", "aliases"):
            for s in c.get(k, []):
                if s not in e[k]:
                    e[k].append(s)
        for cv in c.get("versions", []):
            d = _date(cv["date"])
            v = next((v for v in e["versions"] if v["date"] == d), None)
            if v is None:
                v = {"date": d, "effective": None, "kind": cv.get("kind", "修正"), "articles": None, "verified": cv.get("verified", False)}
                e["versions"].append(v)
                if e["_shared_name"] and cv.get("articles") is None and d >= dt.date(2015, 1, 1):
                    problems.append(f"{name}: version {d} not in ../shared/laws history")
            if cv.get("effective"):
                if v["effective"] and v["effective"] != _date(cv["effective"]):
                    problems.append(f"{name}: version {d} effective {v['effective']} (shared) vs {cv['effective']} (curated)")
                v["effective"] = v["effective"] or _date(cv["effective"])
            if cv.get("articles") is not None:
                if v["articles"] is not None and v["articles"] != cv["articles"]:
                    problems.append(f"{name}: version {d} has {v['articles']} articles in ../shared/laws, curated says {cv['articles']}")
                else:
                    v["articles"] = cv["articles"]
                    v["verified"] = cv.get("verified", False)
            if cv.get("renumbered"):
                v["renumbered"] = True
            if cv.get("verified") is False and v["articles"] is None:
                v["verified"] = False
            v["kind"] = cv.get("kind", v["kind"])
        if c.get("versions") and any(cv.get("kind") == "制定" for cv in c["versions"]):
            e["history_complete"] = True
        e["versions"].sort(key=lambda v: v["date"])
        if e["versions"]:
            e["promulgated"] = e["promulgated"] or e["versions"][0]["date"]

    # auto-detect renumbering between two versions held in ../shared/laws
    for e in entries.values():
        pass

    # repeals: confirm against the successor's own text
    names_index = {}
    for e in entries.values():
        names_index.setdefault(e["name"], e)
    for e in list(entries.values()):
        if not e.get("repealed") or not e.get("replaced_by"):
            continue
        succ = names_index.get(e["replaced_by"])
        if succ is None:
            problems.append(f"{e['name']}: replaced_by {e['replaced_by']} is not a corpus entry")
            continue
        short = e["name"][len(PREFIX):] if e["name"].startswith(PREFIX) else e["name"]
        short = short.replace("（试行）", "")
        found = None
        for n, t in sorted(succ["_all_articles"].items()):
            if "废止" in t and short in t:
                found = n
                break
        if found is None and succ.get("_shared_name"):
            # an earlier text of the successor (反间谍法 2014 repealed the 1993 国家安全法)
            for date_s, p in sorted(files.get(succ["_shared_name"], []), key=lambda t: t[0] or ""):
                for n, t in sorted(parsed(p)["articles"].items()):
                    if "废止" in t and short in t:
                        e["repeal_basis"] = f"《{succ['name']}》（{date_s or ''}文本）{article_label(n)}"
                        e["verified"] = True
                        found = -1
                        break
                if found == -1:
                    break
            if found == -1:
                continue
        if found is not None:
            basis = f"《{succ['name']}》{article_label(found)}"
            if e.get("repeal_basis") and e["repeal_basis"] != basis:
                problems.append(f"{e['name']}: repeal_basis {e['repeal_basis']} corrected to {basis}")
            e["repeal_basis"] = basis
            e["verified"] = True
            succ["articles"][found] = succ["_all_articles"][found]
        elif e.get("repeal_basis"):
            problems.append(f"{e['name']}: repeal not confirmed by the text of {succ['name']} (verified=false)")
            e["repeal_basis"] = None
            e["verified"] = False

    # article texts for every basis cited by the rules
    all_keys = {}
    for e in entries.values():
        for n in [e["name"], *e["short_names"], *e["aliases"]]:
            all_keys.setdefault(key(n), e)
    for law, arts in cited.items():
        e = all_keys.get(key(law))
        if e is None:
            problems.append(f"rule basis 《{law}》 does not resolve to a corpus entry")
            continue
        for n in arts:
            if n in e["_all_articles"]:
                e["articles"][n] = e["_all_articles"][n]
            elif e["_shared_name"]:
                problems.append(f"rule basis 《{law}》第{n}条: no such article in ../shared/laws")
            else:
                problems.append(f"rule basis 《{law}》第{n}条: article text not available (entry not in ../shared/laws)")

    for law, arts in extra.items():
        e = all_keys.get(key(law))
        if e is None:
            problems.append(f"cited_articles.yaml: 《{law}》 is not a corpus entry")
            continue
        for n in arts:
            if n in e["_all_articles"]:
                e["articles"][n] = e["_all_articles"][n]
            else:
                problems.append(f"cited_articles.yaml: 《{law}》第{n}条 not found in ../shared/laws")
    # entries whose repeal is not confirmed by a successor's text stay unverified
    for e in entries.values():
        if e.get("repealed") and not e.get("repeal_basis"):
            e["verified"] = False

    out = []
    for e in sorted(entries.values(), key=lambda e: e["id"]):
        e = {k: v for k, v in e.items() if not k.startswith("_")}
        e["articles"] = {article_label(n): t for n, t in sorted(e["articles"].items())}
        LawEntry.model_validate(e)  # fail early on bad data
        out.append(e)
    return out, problems


def renumbering(old: dict[int, str], new: dict[int, str]) -> dict[int, int]:
    """Old article number -> new article number, for articles whose text survived (similarity >= 80)
    under another number. Articles that kept their number or vanished are left out."""
    from rapidfuzz import fuzz, process

    new_items = list(new.items())
    texts = [t for _, t in new_items]
    out = {}
    for n, t in old.items():
        if n in new and fuzz.ratio(t, new[n]) >= 80:
            continue
        best = process.extractOne(t, texts, scorer=fuzz.ratio, score_cutoff=80)
        if best is not None:
            m = new_items[best[2]][0]
            if m != n:
                out[n] = m
    return out


def snapshot_date() -> dt.date:
    """The latest promulgation date in ../shared/laws metadata: how recent the national part is."""
    con = sqlite3.connect(SHARED / "db.sqlite3")
    (d,) = con.execute("select max(publish) from law where publish like '____-__-__'").fetchone()
    con.close()
    return dt.date.fromisoformat(d)


def _doc_number(info: list[str]) -> str | None:
    for line in info:
        m = re.search(r"(?:中华人民共和国)?国务院令第\s*(\d+)\s*号", line)
        if m:
            return f"国务院令第{m.group(1)}号"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    if not SHARED.exists():
        print("../shared/laws not found", file=sys.stderr)
        return 2
    entries, problems = build()
    for p in problems:
        if not a.quiet:
            print("NOTE:", p)
    if not a.check:
        OUT.write_text(
            json.dumps({"format": 1, "generated_from": "corpora/laws/curated.yaml + ../shared/laws",
                        "snapshot": snapshot_date().isoformat(), "entries": entries},
                       ensure_ascii=False, default=str, separators=(",", ":")),
            encoding="utf-8",
        )
        print(f"wrote {OUT.relative_to(ROOT)}: {len(entries)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
