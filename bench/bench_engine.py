"""Benchmark of the rule engine: a generated ~16,000-character normative document against the full
default pack, cold (fresh process: imports + pack compile + first document) and warm (per document),
plus how warm matching time grows with the number of rules (synthetic keyword rules layered on top).

    .venv/bin/python bench/bench_engine.py [--repeat 20] [--chars 16000]

Writes bench/results/engine.json and prints a table. Timings vary ±30 % on the 2-core VM.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

# Invented sentences (lawful and unlawful wording mixed), not taken from any real document.
SENTENCES = [
    "各村（社区）应当建立健全环境卫生长效管理机制，明确专人负责日常保洁。",
    "对乱堆乱放、私搭乱建的，由镇综合行政执法队依法处理。",
    "违反本办法规定乱倒垃圾的，处以五百元罚款。",
    "对拒不整改的经营户，可以暂扣其营业执照。",
    "镇财政每年安排专项资金二百万元，用于农村人居环境整治奖补。",
    "申请补助的单位应当提交申请书、实施方案、验收报告等材料，并经村民代表会议讨论通过。",
    "鼓励社会资本参与农村生活垃圾分类处理设施建设和运营。",
    "对在本镇新设立的企业，按其缴纳税收地方留成部分的百分之五十给予奖励。",
    "本镇范围内的建筑垃圾清运业务统一由镇城建公司承担，其他单位不得承接。",
    "有关部门应当在收到申请之日起二十个工作日内作出决定。",
    "不得要求申请人提供法律、法规规定以外的证明材料。",
    "依照《中华人民共和国固体废物污染环境防治法》第一百一十一条的规定予以处罚。",
    "各行政村应当于每季度末将工作台账报镇农业农村办公室备案。",
    "对连续两次考核不合格的村，取消其当年度评先评优资格，并扣发村干部绩效报酬。",
    "镇人民政府负责组织实施本办法，镇农业农村办公室负责具体解释工作。",
    "村民委员会不得收取任何费用，不得以罚代管。",
    "倡导村民移风易俗，红白喜事从简办理。",
    "对违反规定的个人，在全镇范围内通报批评并在公示栏公布其姓名。",
    "本办法所称农村人居环境，是指农村居民生产生活所依存的自然环境和人工环境。",
    "项目实施单位应当签订目标责任书，逾期未完成的，按合同约定承担违约责任。",
]


def make_document(chars: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    from legalreview.numerals import int_to_cn

    lines = ["某镇人民政府关于印发《某镇农村人居环境长效管理办法》的通知", "某政发〔2026〕12号",
             "各村（社区）、镇属各单位：", "现将《某镇农村人居环境长效管理办法》印发给你们，请认真贯彻执行。",
             "某镇农村人居环境长效管理办法"]
    article = 0
    chapter = 0
    size = sum(len(x) + 1 for x in lines)
    while size < chars - 60:
        if article % 8 == 0:
            chapter += 1
            lines.append(f"第{int_to_cn(chapter)}章 第{int_to_cn(chapter)}部分规定")
        article += 1
        body = "".join(rnd.choice(SENTENCES) for _ in range(rnd.randint(1, 3)))
        lines.append(f"第{int_to_cn(article)}条 {body}")
        size += len(lines[-1]) + 1
    lines.append(f"第{int_to_cn(article + 1)}条 本办法自2026年3月1日起施行，有效期十年。")
    lines += ["某镇人民政府", "2026年2月1日"]
    return "\n".join(lines) + "\n"


def synthetic_overlay(n: int, folder: Path, seed: int = 3) -> Path | None:
    """A pack of ``n`` keyword rules with invented 3-character terms (most never occur)."""
    if n == 0:
        return None
    rnd = random.Random(seed)
    pool = "规划建设管理环境卫生垃圾分类保洁农村人居整治奖补资金项目验收考核村民代表会议集体经济合作社"
    lines = ["pack: bench/synthetic", "version: 0.0.1", "rules:"]
    for i in range(n):
        terms = ["".join(rnd.choice(pool) for _ in range(3)) for _ in range(3)]
        lines += [f"  - id: BENCH-R{i}", "    title: 合成规则", "    doc_types: [normative_document]",
                  "    severity: info", "    category: other", "    scope: sentence",
                  f"    match: {{keywords: [{', '.join(terms)}]}}", "    exceptions: [{use: negation}]",
                  "    basis: [{law: 《中华人民共和国立法法》}]", "    message: 合成规则命中{hit}",
                  "    suggestion: 仅用于测速。", "    examples: {positive: [x], negative: [y]}"]
    p = folder / f"synthetic_{n}.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def prepared(text: str):
    from legalreview.classify import classify
    from legalreview.ingest import from_text
    from legalreview.structure import parse

    return classify(parse(from_text(text)), override="normative_document")


def cold_one(doc_path: str) -> dict:
    """Run in a fresh process: imports, pack compile, first document."""
    t0 = time.perf_counter()
    from legalreview import engine
    from legalreview.pipeline import review

    t1 = time.perf_counter()
    pack = engine.load_pack(None)
    t2 = time.perf_counter()
    report = review(doc_path, doc_type="normative_document", rules=pack)
    t3 = time.perf_counter()
    return {"import_ms": (t1 - t0) * 1e3, "compile_ms": (t2 - t1) * 1e3, "first_doc_ms": (t3 - t2) * 1e3,
            "findings": len(report.findings), "rules": len(pack.compiled)}


def median_ms(fn, repeat: int) -> tuple[float, float]:
    """(median, best) milliseconds; the best is the steadier number on a shared, loaded machine."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--chars", type=int, default=16000)
    ap.add_argument("--cold-one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_one:
        print(json.dumps(cold_one(args.cold_one)))
        return

    text = make_document(args.chars)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        doc_path = tmpdir / "bench_normative.txt"
        doc_path.write_text(text, encoding="utf-8")

        colds = []
        for _ in range(3):
            t = time.perf_counter()
            out = subprocess.run([sys.executable, __file__, "--cold-one", str(doc_path)], capture_output=True,
                                 text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["wall_ms"] = (time.perf_counter() - t) * 1e3
            colds.append(row)
        cold = {k: statistics.median(r[k] for r in colds) for k in colds[0]}

        from legalreview import engine
        from legalreview.pipeline import review

        doc = prepared(text)
        pack = engine.load_pack(None)
        warm_engine = median_ms(lambda: engine.run(doc, pack, as_of=None), args.repeat)
        warm_review = median_ms(lambda: review(doc_path, doc_type="normative_document", rules=pack), args.repeat)
        n_findings = len(engine.run(doc, pack).findings)
        warm_engine = {"median": warm_engine[0], "best": warm_engine[1]}
        warm_review = {"median": warm_review[0], "best": warm_review[1]}

        scaling = []
        for n in (0, 300, 1000, 3000):
            overlay = synthetic_overlay(n, tmpdir)
            t = time.perf_counter()
            p = engine.load_pack([overlay] if overlay else None, strict=False)
            compile_ms = (time.perf_counter() - t) * 1e3
            ms, best = median_ms(lambda p=p: engine.run(doc, p), max(5, args.repeat // 2))
            scaling.append({"extra_rules": n, "rules": len(p.compiled), "compile_ms": compile_ms, "run_ms": ms,
                            "run_best_ms": best})

    import os

    result = {"python": platform.python_version(), "machine": platform.machine(), "doc_chars": len(text),
              "load_average": os.getloadavg()[0],
              "rules": len(pack.compiled), "findings": n_findings, "cold": cold,
              "warm_engine_ms": warm_engine, "warm_review_ms": warm_review, "scaling": scaling}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "engine.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")

    print(f"规则引擎基准：{len(text)} 字的规范性文件，默认规则包 {len(pack.compiled)} 条规则，{n_findings} 处问题")
    print(f"（测量时系统负载 {result['load_average']:.1f}，2 核；冷启动取 3 次中位数）")
    print(f"{'项目':<28}{'中位 ms':>10}{'最快 ms':>10}")
    for label, v, b in [("冷启动：导入", cold["import_ms"], None), ("冷启动：规则包编译", cold["compile_ms"], None),
                        ("冷启动：首份文件（全流程）", cold["first_doc_ms"], None),
                        ("冷启动：进程总耗时", cold["wall_ms"], None),
                        ("热：规则匹配（每份）", warm_engine["median"], warm_engine["best"]),
                        ("热：全流程审查（每份）", warm_review["median"], warm_review["best"])]:
        print(f"{label:<28}{v:>10.1f}" + (f"{b:>10.1f}" if b is not None else ""))
    print(f"\n{'规则数':>8}{'编译 ms':>12}{'匹配 ms（中位）':>16}{'最快':>10}")
    for row in scaling:
        print(f"{row['rules']:>8}{row['compile_ms']:>12.1f}{row['run_ms']:>16.1f}{row['run_best_ms']:>10.1f}")


if __name__ == "__main__":
    main()
