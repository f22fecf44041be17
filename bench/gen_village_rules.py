"""Generate N synthetic village rules (村规民约) for batch tests and benchmarks.

Every document is assembled from clause templates written for this generator (not taken from any
real document): a lawful skeleton (总则, 社会治安, 村风民俗, 环境卫生, 附则) plus, for a share of the
villages, unlawful clauses copied from a few "county templates" with small edits (the village's
name, an amount, a word), which is how real counties end up with the same bad clause in dozens of
villages. Output: ``<town>/<village>村村规民约.txt|.docx`` and ``manifest.json`` (not a document:
the batch scanner skips .json).

    python bench/gen_village_rules.py OUT_DIR -n 1000 [--seed 7] [--problem-rate 0.6] [--docx-rate 0.2]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

TOWN_A = "东西南北上下前后新老大小"
TOWN_B = "湖塘溪桥山林岭田坑埠浦港"
VIL_A = "金银石竹松柏梅兰桃李杨柳青白红黄长高"
VIL_B = "山溪塘岙桥湖坑田岭坞岗坪湾头家畈"

LAWFUL = {
    "总则": [
        "为推进村民自治，建设文明和谐的{village}，根据《中华人民共和国村民委员会组织法》等法律法规，结合本村实际，制定本村规民约。",
        "本村规民约适用于本村全体村民及在本村居住、生产经营的人员。",
        "村民应当遵守宪法、法律、法规和国家政策，履行法定义务，维护本村集体和村民的合法权益。",
        "村民委员会负责本村规民约的宣传和组织实施，村务监督委员会负责监督。",
    ],
    "社会治安": [
        "村民应当自觉维护社会治安，发现违法犯罪行为及时向公安机关报告。",
        "邻里之间发生纠纷，应当协商解决；协商不成的，可以申请村人民调解委员会调解，也可以依法向人民法院起诉。",
        "严禁赌博、吸毒、封建迷信等违法活动；涉嫌违法的，由公安机关依法处理。",
        "村民应当爱护公共设施，损坏公共财物的，应当依法赔偿。",
        "倡导村民参与平安巡防，共同维护本村安全稳定。",
    ],
    "村风民俗": [
        "倡导移风易俗，婚事新办、丧事简办，反对大操大办和铺张浪费。",
        "提倡尊老爱幼、邻里和睦，子女应当履行赡养父母的义务。",
        "男女平等，妇女在土地承包、集体收益分配等方面享有与男子平等的权利。",
        "倡导崇尚科学，反对迷信，积极参加文明家庭评选活动。",
        "村民婚姻自主，任何人不得干涉他人婚姻自由。",
    ],
    "环境卫生": [
        "村民应当做好房前屋后的清洁卫生，生活垃圾分类投放到指定地点。",
        "不得在河道、沟渠内倾倒垃圾和污水，保持水体清洁。",
        "村民饲养家禽家畜应当圈养，防止污染公共环境。",
        "爱护绿化，不得擅自砍伐公共林木；违反法律规定的，由有关部门依法处理。",
        "建房应当依法办理审批手续，不得违法占用耕地。",
    ],
}

# Unlawful clause templates ("county templates"): {village}, {amount}, {days} are filled per village;
# the alternatives in each list are the small edits villages make when copying.
PROBLEMS = {
    "fine": [
        "在公共场所乱倒垃圾的，由村民委员会处以{amount}元罚款。",
        "在公共场所乱倒垃圾的，由村委会处{amount}元罚款。",
    ],
    "benefits": [
        "不遵守本村规民约的，取消其当年享受的村集体经济分红。",
        "违反本村规民约的村民，取消其当年村集体福利待遇。",
    ],
    "women": [
        "出嫁女户口未迁出的，不再享受{village}集体经济收益分配。",
        "外嫁女及其子女不得参与本村集体收益分配。",
    ],
    "shaming": [
        "对偷盗集体财物的，在村务公开栏张榜公布姓名，予以曝光。",
        "对违反本村规民约的，在全村通报批评并张榜公布其姓名。",
    ],
    "utilities": [
        "拒不缴纳卫生保洁费的，村委会可以对其停水停电。",
        "拖欠村集体款项的，村委会可以停止对其供水供电。",
    ],
    "refuse_service": [
        "不履行村规民约义务的，村委会不予出具各类证明材料。",
        "对拒不整改的村民，村民委员会暂停为其办理相关证明手续。",
    ],
    "collective": [
        "未成年子女违反本村规民约的，其家庭全体成员取消当年福利。",
    ],
    "confiscation": [
        "在本村河道电鱼、毒鱼的，没收其渔具及渔获。",
    ],
    "freedom": [
        "对偷盗的人员，治保会可以将其扣留{days}天，待家属领回。",
    ],
    "petition": [
        "村民不得越级上访，违者扣除当年全部福利待遇。",
    ],
}

CHINESE_NUM = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return CHINESE_NUM[n - 1]
    if n < 20:
        return "十" + (CHINESE_NUM[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CHINESE_NUM[tens - 1] + "十" + (CHINESE_NUM[ones - 1] if ones else "")


def village_rules(rng: random.Random, village: str, town: str, problems: list[str]) -> tuple[str, list[str]]:
    """Title and paragraphs of one village's rules, with the given problem kinds mixed in."""
    title = f"{village}村规民约"
    paras = [title, f"（{rng.randint(2019, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日{town}{village}村民代表会议通过）"]
    chapters = list(LAWFUL)
    extra: dict[str, list[str]] = {c: [] for c in chapters}
    home = {"fine": "环境卫生", "utilities": "环境卫生", "women": "村风民俗", "benefits": "村风民俗",
            "shaming": "社会治安", "freedom": "社会治安", "petition": "社会治安", "confiscation": "环境卫生",
            "refuse_service": "村风民俗", "collective": "社会治安"}
    for kind in problems:
        tmpl = rng.choice(PROBLEMS[kind])
        extra[home[kind]].append(tmpl.format(village=village, amount=rng.choice([50, 100, 200, 300, 500]),
                                             days=rng.choice([1, 2, 3])))
    n = 0
    for k, chap in enumerate(chapters, 1):
        paras.append(f"第{_cn(k)}章 {chap}")
        clauses = [c.format(village=village) for c in LAWFUL[chap]]
        rng.shuffle(clauses)
        clauses = clauses[: rng.randint(len(clauses) - 1, len(clauses))]
        for c in extra[chap]:
            clauses.insert(rng.randint(0, len(clauses)), c)
        for c in clauses:
            n += 1
            paras.append(f"第{_cn(n)}条 {c}")
    paras.append(f"第{_cn(len(chapters) + 1)}章 附则")
    paras.append(f"第{_cn(n + 1)}条 本村规民约未尽事宜，按照国家法律法规和政策执行。")
    paras.append(f"第{_cn(n + 2)}条 本村规民约经村民会议讨论通过，报{town}人民政府备案，自通过之日起施行。")
    paras.append(f"{village}村民委员会")
    return title, paras


def write_doc(path: Path, paragraphs: list[str], fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        import docx

        d = docx.Document()
        for p in paragraphs:
            d.add_paragraph(p)
        d.save(str(path))
    else:
        path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")


def names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (town, village) pairs, 25 villages a town (a village name may recur in another
    town, as it does in real counties); towns get a 「第N」 prefix past 144 towns."""
    towns = [a + b + "镇" for a in TOWN_A for b in TOWN_B]
    rng.shuffle(towns)
    seen: set[tuple[str, str]] = set()
    out = []
    while len(out) < n:
        k = len(out) // 25
        town = towns[k % len(towns)] if k < len(towns) else f"{towns[k % len(towns)][:-1]}{k // len(towns) + 1}镇"
        v = rng.choice(VIL_A) + rng.choice(VIL_B) + ("" if rng.random() < 0.7 else rng.choice(VIL_B)) + "村"
        if (town, v) in seen:
            continue
        seen.add((town, v))
        out.append((town, v))
    return out


def generate(out_dir: str | Path, n: int, *, seed: int = 7, problem_rate: float = 0.6, docx_rate: float = 0.2,
             nested: bool = True) -> list[dict]:
    """Write n village rules under out_dir; return the manifest (file, village, problems)."""
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    manifest = []
    kinds = list(PROBLEMS)
    for town, village in names(rng, n):
        problems = sorted(rng.sample(kinds, rng.randint(1, 4))) if rng.random() < problem_rate else []
        _, paras = village_rules(rng, village, town, problems)
        fmt = "docx" if rng.random() < docx_rate else "txt"
        rel = (f"{town}/" if nested else "") + f"{village}村规民约.{fmt}"
        write_doc(out_dir / rel, paras, fmt)
        manifest.append({"file": rel, "village": village, "town": town, "problems": problems})
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--problem-rate", type=float, default=0.6)
    ap.add_argument("--docx-rate", type=float, default=0.2)
    ap.add_argument("--flat", action="store_true", help="no town sub-folders")
    a = ap.parse_args()
    m = generate(a.out_dir, a.n, seed=a.seed, problem_rate=a.problem_rate, docx_rate=a.docx_rate, nested=not a.flat)
    print(f"wrote {len(m)} documents to {a.out_dir}")


if __name__ == "__main__":
    main()
