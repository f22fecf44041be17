"""Shared-template clause clustering (共性条款).

Village rules of one county are mostly copied from a template, so the same unlawful clause turns up
in dozens of villages with small edits (the village's name, a changed amount). ``cluster_clauses``
groups near-identical clauses across documents so that a reviewer decides once:
「该条款出现在 37 个村的村规民约中」.

Method: normalize (white space, numbering, punctuation, the document's own village name), merge
exact duplicates, then compare candidate pairs only, found by prefix filtering on character bigrams
(rarest first): two texts whose ``rapidfuzz.fuzz.ratio`` is ≥ t share at least
``max_len - 1 - 2·d`` bigrams (d = indel distance ≤ (1 - t/100)·(len₁ + len₂)), so indexing the
rarest ``⌈α·n⌉ + 1`` bigrams of each text (α = 4·(1 - t/100)) finds every such pair without scoring
all n² pairs. Candidates are verified with ``fuzz.ratio`` and joined with union-find.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

DEFAULT_THRESHOLD = 90.0
MIN_CHARS = 6  # shorter clauses (「附则」, 「第一章 总则」) are not worth clustering

_NUMBERING = re.compile(
    r"^(?:第[零〇一二两三四五六七八九十百千0-9０-９]+[章节条款项目]|[（(][零〇一二三四五六七八九十0-9０-９]+[）)]"
    r"|[零〇一二三四五六七八九十]+[、.．]|[0-9０-９]+[、.．)）])"
)
_PUNCT = re.compile(r"[\s，。；：、！？“”‘’（）()《》〈〉【】\[\],.;:!?\"'…—\-·]+")


def display_form(text: str) -> str:
    """A clause as shown to the reviewer: white space collapsed, its own numbering (「第十六条」) dropped."""
    t = re.sub(r"\s+", "", text)
    return _NUMBERING.sub("", t, count=1) or t


def normalize(text: str, village: str | None = None) -> str:
    """Comparison form of a clause: no white space, leading numbering or punctuation; the
    document's own village name (「东山村」) becomes 「本村」 so that copies from one template match."""
    t = re.sub(r"\s+", "", text)
    for _ in range(2):
        t2 = _NUMBERING.sub("", t)
        if t2 == t:
            break
        t = t2
    if village and len(village) >= 2:
        t = t.replace(village, "本村")
        short = village[:-1] if village.endswith("村") and len(village) >= 3 else None
        if short:
            t = t.replace(short + "村", "本村")
    return _PUNCT.sub("", t)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        p = self.parent
        while p[i] != i:
            p[i] = p[p[i]]
            i = p[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_similar(texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[list[int]]:
    """Groups (lists of indices into ``texts``) of texts linked by ``fuzz.ratio ≥ threshold``
    (single linkage). Identical texts are always grouped. Singletons are included."""
    n = len(texts)
    uf = _UnionFind(n)
    first: dict[str, int] = {}
    uniq: list[int] = []
    for i, t in enumerate(texts):
        j = first.setdefault(t, i)
        if j != i:
            uf.union(i, j)
        else:
            uniq.append(i)
    if threshold < 100 and len(uniq) > 1:
        alpha = min(1.0, 4.0 * (1.0 - threshold / 100.0))
        grams = {i: {texts[i][k:k + 2] for k in range(max(1, len(texts[i]) - 1))} for i in uniq}
        df: Counter[str] = Counter()
        for g in grams.values():
            df.update(g)
        index: dict[str, list[int]] = defaultdict(list)
        for i in uniq:
            ordered = sorted(grams[i], key=lambda g: (df[g], g))
            for g in ordered[: min(len(ordered), int(alpha * len(ordered)) + 1)]:
                index[g].append(i)
        min_len_ratio = threshold / (200.0 - threshold)
        for posting in index.values():
            if len(posting) < 2:
                continue
            for a_pos, a in enumerate(posting):
                ta = texts[a]
                for b in posting[a_pos + 1:]:
                    if uf.find(a) == uf.find(b):
                        continue
                    tb = texts[b]
                    la, lb = len(ta), len(tb)
                    if min(la, lb) < min_len_ratio * max(la, lb):
                        continue
                    if fuzz.ratio(ta, tb, score_cutoff=threshold):
                        uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[uf.find(i)].append(i)
    return list(groups.values())


@dataclass
class ClauseRef:
    """One clause of one document: ``doc`` is the document's key (its relative path)."""

    doc: str
    text: str
    location: str = ""
    village: str | None = None
    rule_ids: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    flagged: bool = True


@dataclass
class Cluster:
    id: int
    representative: str
    members: list[ClauseRef] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        return sorted({m.doc for m in self.members})

    @property
    def n_docs(self) -> int:
        return len({m.doc for m in self.members})

    @property
    def variants(self) -> int:
        """Distinct wordings, ignoring numbering, punctuation and the villages' own names."""
        return len({normalize(m.text, m.village) for m in self.members})

    @property
    def rule_ids(self) -> list[str]:
        return sorted({r for m in self.members for r in m.rule_ids})

    @property
    def categories(self) -> list[str]:
        return sorted({c for m in self.members for c in m.categories})

    @property
    def flagged(self) -> bool:
        return any(m.flagged for m in self.members)


def cluster_clauses(refs: Sequence[ClauseRef], threshold: float = DEFAULT_THRESHOLD, min_docs: int = 2) -> list[Cluster]:
    """Clusters of near-identical clauses that occur in at least ``min_docs`` documents, largest
    first. The representative is the most frequent wording."""
    keep = [(r, normalize(r.text, r.village)) for r in refs]
    keep = [(r, n) for r, n in keep if len(n) >= MIN_CHARS]
    groups = group_similar([n for _, n in keep], threshold)
    clusters = []
    for g in groups:
        members = [keep[i][0] for i in g]
        if len({m.doc for m in members}) < min_docs:
            continue
        wording = Counter(display_form(m.text) for m in members).most_common(1)[0][0]
        clusters.append(Cluster(id=0, representative=wording, members=members))
    clusters.sort(key=lambda c: (-c.n_docs, c.representative))
    for k, c in enumerate(clusters, 1):
        c.id = k
    return clusters


def describe(cluster: Cluster, doc_type: str | None = None) -> str:
    """「该条款出现在 37 个村的村规民约中」 (village rules) or 「该条款出现在 5 份文件中」."""
    if doc_type == "village_rules":
        # one village = one name in one folder (two towns may each have a 「新村」)
        villages = {(m.doc.rpartition("/")[0], m.village) if m.village else m.doc for m in cluster.members}
        return f"该条款出现在 {len(villages)} 个村的村规民约中"
    return f"该条款出现在 {cluster.n_docs} 份文件中"
