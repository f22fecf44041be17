"""The rule-pack format (YAML under rules/), as pydantic models.

A *pack* file::

    pack: zhejiang/village_rules          # name; other packs refer to it in `extends`
    version: 1.0.0
    title: 浙江省村规民约审查规则
    extends: [zhejiang/common]            # packs (names under rules/ or paths) loaded first
    disable: [VR-XXX]                     # switch inherited rules off by id
    overrides:                            # change inherited rules: severity, params, enabled, doc_types...
      VR-FINE: {severity: warning, params: {max_amount: 0}}
    exception_sets:                       # named, reusable exceptions (see ExceptionSet)
      lawful_referral: {...}
    checklist: [...]                      # review items (审查要点) the rules implement, see ChecklistItem
    rules: [...]                          # see Rule

Matching semantics (implemented by ``legalreview.engine``):

* The text a matcher sees is one *unit* of the rule's ``scope``: ``clause`` (split on ，,：:；;。！？ and
  line breaks), ``sentence`` (split on 。；;！？!? and line breaks), ``paragraph`` (a source block),
  ``article`` (a structural article/clause/outline item with its sub-items; falls back to paragraph),
  or ``document``.
* All literal matching (keywords, phrases, near, regex) is done on the raw unit text with white
  space removed (documents often carry stray spaces such as 「当 年」); offsets are mapped back to the
  original text. Never on jieba token boundaries.
* A matcher tree yields *hits* (spans). ``all`` holds when every child holds (hits: union);
  ``any`` when one child holds; ``not`` when its child does not hold (no hits).
* A unit whose ``match`` holds is a *candidate*; its *anchor* is the first hit of the first positive
  matcher. ``exceptions`` are then checked (see ExceptionSet); a candidate that no exception
  suppresses becomes a Finding whose span is ``highlight``: the unit (default for clause/sentence
  scope), the sentence containing the anchor (default for paragraph/article/document scope), or the
  anchor itself (``match``).
* ``message`` and ``suggestion`` may use ``{quote}``, ``{hit}`` (anchor text), ``{detail}`` (what a
  number/citation/absent matcher reports) and ``{params.NAME}``.

Engine details (``legalreview.engine``; additive to the above):

* If the anchor is suppressed, the next hit of the same first positive matcher is tried (so
  「不得随意罚款……违者一律罚款五十元」 still reports the second 罚款). For a ``near`` hit, exceptions
  look around its later term. A unit yields at most one candidate; the same rule never reports
  overlapping spans twice.
* Exception references: a bare string is a named set (same as ``{use: NAME}``); ``heading`` is built in
  (titles, chapter/section lines, short outline headings without normative words, definitions).
* ``absent.within``: ``first_article`` = the first article (else the first paragraph after the title);
  ``tail`` = the last article and the last three paragraphs; ``title`` = the title line.
* ``number``: the group ``n`` is converted with ``legalreview.numerals.parse_number`` (「三十」, 「两千」,
  「1.5万」); a 万 right after the group multiplies by 10 000; ``unit: 万`` means the number is in 万.
  ``{detail}`` is the value with ``unit`` (「30年」).
* Rules with a ``materials`` matcher only run when a materials manifest is given; their examples are
  manifests (YAML text, see ``legalreview.materials``) checked against an empty document.
* Examples run as a one-paragraph Document of the rule's first doc_type (``legalreview rules test``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Scope = Literal["document", "article", "paragraph", "sentence", "clause"]
SeverityT = Literal["error", "warning", "info"]
DocTypeOrAll = Literal[
    "normative_document",
    "party_normative_document",
    "major_decision",
    "agency_contract",
    "enforcement_decision",
    "village_rules",
    "other",
    "*",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- matchers


class KeywordsMatcher(_Strict):
    """Any of the literal strings occurs in the unit. One Aho-Corasick automaton serves the pack."""

    keywords: list[str] = Field(min_length=1)


class PhrasesMatcher(_Strict):
    """Like ``keywords``; kept separate for multi-word phrases (also matched on raw text)."""

    phrases: list[str] = Field(min_length=1)


class RegexMatcher(_Strict):
    """Python ``re`` patterns (one or a list), validated at load: no ``\\b``/``\\w`` around Chinese,
    no nested quantifiers that can backtrack catastrophically. ``{NUM}`` expands to a Chinese/Arabic
    numeral class."""

    regex: str | list[str]


class NearSpec(_Strict):
    a: list[str] = Field(min_length=1)
    b: list[str] = Field(min_length=1)
    within: int = Field(default=20, ge=0, le=500)  # characters between the end of one and the start of the other
    ordered: bool = False  # True: a must come before b
    same: Literal["clause", "sentence", "unit"] = "sentence"


class NearMatcher(_Strict):
    """A term of ``a`` within ``within`` characters of a term of ``b`` inside the same clause/sentence."""

    near: NearSpec


class NumberSpec(_Strict):
    """A number extracted by ``pattern`` (a regex with a named group ``n`` holding Arabic or Chinese
    numerals, e.g. ``租赁期限?为?(?P<n>{NUM})年``), compared with ``value`` or ``params[param]``.
    ``unit`` converts: 万 → ×10000; 年/个月/月/日/天 are reported in ``{detail}``.

    Date spans: instead of ``n``, a group ``to`` holding an end date (「2035年12月31日」, 「2030年底」)
    and optionally a group ``from`` holding the start date; the number compared is the length of
    the span in years (``unit: 年``), months (``个月``/``月``) or days (``日``/``天``). Without ``from``
    the start is the last date before the match in the same unit (「自2025年1月1日起施行，有效期至
    ……」), else the document's own date (落款/印发日期); with neither, no hit."""

    pattern: str
    op: Literal[">", ">=", "<", "<=", "==", "!="] = ">"
    value: float | None = None
    param: str | None = None
    unit: str | None = None

    @model_validator(mode="after")
    def _value_or_param(self):
        if (self.value is None) == (self.param is None):
            raise ValueError("number matcher needs exactly one of `value` or `param`")
        if "(?P<n>" not in self.pattern and "(?P<to>" not in self.pattern:
            raise ValueError("number.pattern needs a named group (?P<n>...) holding the number, "
                             "or (?P<to>...) holding the end date of a span")
        return self


class NumberMatcher(_Strict):
    number: NumberSpec


class AbsentSpec(_Strict):
    """Holds when none of ``keywords``/``regex`` occurs ``within`` the given part of the document.
    ``anchor`` (optional matcher) tells where to report the finding (e.g. the 施行 sentence);
    otherwise the title (or the first paragraph)."""

    keywords: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    within: Literal["document", "unit", "first_article", "title", "tail"] = "document"
    anchor: Matcher | None = None

    @model_validator(mode="after")
    def _something(self):
        if not self.keywords and not self.regex:
            raise ValueError("absent needs `keywords` or `regex`")
        return self


class AbsentMatcher(_Strict):
    absent: AbsentSpec


class CitationSpec(_Strict):
    """Delegates to the citation checker (``legalreview.laws``): holds for citations in the unit
    whose status is one of ``checks``."""

    checks: list[
        Literal[
            "repealed",
            "unknown",
            "ambiguous",
            "article_out_of_range",
            "stale_article",
            "non_canonical",
            "lower_level_basis",
            "not_yet_in_force",
        ]
    ] = Field(min_length=1)


class CitationMatcher(_Strict):
    citation: CitationSpec


class FuzzySpec(_Strict):
    """rapidfuzz similarity (``partial_ratio``) of the unit to any template ≥ ``threshold``.
    ``prefilter``: literal strings of which one must occur before scoring (keeps cost low)."""

    templates: list[str] = Field(min_length=1)
    threshold: float = Field(default=85, ge=50, le=100)
    prefilter: list[str] = Field(default_factory=list)


class FuzzyMatcher(_Strict):
    fuzzy: FuzzySpec


class TokensMatcher(_Strict):
    """spaCy ``Matcher`` patterns (list of patterns, each a list of token dicts) run on a
    ``spacy.blank("zh")`` + jieba Doc of the unit. For word-level cases only."""

    tokens: list[list[dict[str, Any]]] = Field(min_length=1)


class MaterialsSpec(_Strict):
    """Procedure checks against the review request's materials manifest. ``require``: kinds that must
    be present (起草说明, 征求意见, 专家论证, 风险评估, 公平竞争审查, 集体讨论, 村民会议表决, 乡镇审核...).
    ``min_days``: {kind: N} the item's period must last at least N calendar days
    (``working_days`` for working days). Without a manifest the rule's checklist item is 需人工核查."""

    require: list[str] = Field(default_factory=list)
    min_days: dict[str, int] = Field(default_factory=dict)
    working_days: dict[str, int] = Field(default_factory=dict)


class MaterialsMatcher(_Strict):
    materials: MaterialsSpec


class RefMatcher(_Strict):
    """Reuse a named matcher from the pack's ``matchers:`` table."""

    ref: str


class AllMatcher(_Strict):
    all: list[Matcher] = Field(min_length=1)


class AnyMatcher(_Strict):
    any: list[Matcher] = Field(min_length=1)


class NotMatcher(_Strict):
    not_: Matcher = Field(alias="not")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Matcher = Annotated[
    Union[
        KeywordsMatcher,
        PhrasesMatcher,
        RegexMatcher,
        NearMatcher,
        NumberMatcher,
        AbsentMatcher,
        CitationMatcher,
        FuzzyMatcher,
        TokensMatcher,
        MaterialsMatcher,
        RefMatcher,
        AllMatcher,
        AnyMatcher,
        NotMatcher,
    ],
    Field(union_mode="left_to_right"),
]


# --------------------------------------------------------------------------- exceptions


class ExceptionSet(_Strict):
    """An exception that suppresses a candidate finding.

    ``where`` says where ``match`` must hold:
      * ``before_anchor``: a hit ends at most ``window`` characters before the anchor, in the same
        clause (negation governing the match: 「不得…罚款」, 「严禁…」);
      * ``clause`` / ``sentence`` / ``unit``: anywhere in the anchor's clause / sentence / the unit
        (lawful referral 「由公安机关依法处理」, advisory wording 「倡导」);
      * ``around_anchor``: within ``window`` characters either side of the anchor;
      * ``document``: anywhere in the document.
    ``heading: true`` instead suppresses a unit that is a heading or definition, not an operative clause.
    """

    description: str = ""
    match: Matcher | None = None
    where: Literal["before_anchor", "around_anchor", "clause", "sentence", "unit", "document"] = "clause"
    window: int = Field(default=12, ge=0, le=200)
    heading: bool = False

    @model_validator(mode="after")
    def _something(self):
        if self.match is None and not self.heading:
            raise ValueError("exception needs `match` or `heading: true`")
        return self


class NamedException(_Strict):
    """Use a named exception set of the pack (or an inherited one): ``{use: negation}``."""

    use: str


ExceptionRef = Annotated[Union[str, NamedException, ExceptionSet], Field(union_mode="left_to_right")]


# --------------------------------------------------------------------------- rules


class BasisSpec(_Strict):
    """One legal basis of a rule. ``when`` (a regex, optional) limits it to findings whose matched
    text or detail it matches: e.g. 民法典 第一千二百六十条 only for the nine laws it repealed."""

    law: str = Field(pattern=r"^《.+》$")
    article: str | None = Field(default=None, pattern=r"^第[零〇一二三四五六七八九十百千]+条")
    text: str | None = None
    when: str | None = None

    @field_validator("when")
    @classmethod
    def _when_is_regex(cls, v: str | None) -> str | None:
        if v is not None:
            from .matchers import CompileError, compile_regex

            try:
                compile_regex(v)
            except CompileError as e:
                raise ValueError(str(e)) from e
        return v


class Examples(_Strict):
    positive: list[str] = Field(min_length=1)
    negative: list[str] = Field(min_length=1)


class Rule(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,7}(-[A-Z0-9]+)+$")  # e.g. VR-FINE, ND-VALIDITY, CT-GUARANTEE
    title: str = Field(min_length=2)
    doc_types: list[DocTypeOrAll] = Field(min_length=1)
    severity: SeverityT
    category: str = Field(min_length=2)  # e.g. fine_by_village, tax_rebate_promise, cites_repealed_law
    checklist_item: str | None = None
    scope: Scope = "sentence"
    highlight: Literal["unit", "sentence", "match"] | None = None
    match: Matcher
    exceptions: list[ExceptionRef] = Field(default_factory=list)
    basis: list[BasisSpec] = Field(min_length=1)
    why: str = ""  # 为什么这是问题 (rules show)
    message: str = Field(min_length=4)
    suggestion: str = Field(min_length=4)
    examples: Examples
    enabled: bool = True
    params: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)


class RuleOverride(_Strict):
    severity: SeverityT | None = None
    enabled: bool | None = None
    params: dict[str, Any] | None = None
    doc_types: list[DocTypeOrAll] | None = None
    message: str | None = None
    suggestion: str | None = None


class ChecklistItem(_Strict):
    """A review item (审查要点). ``manual: true`` items cannot be decided from the text alone; without
    materials their status is 需人工核查."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,11}(-[A-Z0-9]+)*$")  # e.g. PROCEDURE, CT-TERMS
    title: str
    doc_types: list[DocTypeOrAll] = Field(min_length=1)
    manual: bool = False
    basis: list[BasisSpec] = Field(default_factory=list)
    description: str = ""


class PackFile(_Strict):
    pack: str = Field(pattern=r"^[a-z0-9_\-]+(/[a-z0-9_\-]+)*$")
    version: str = "0.1.0"
    title: str = ""
    description: str = ""
    extends: list[str] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)
    enable: list[str] = Field(default_factory=list)
    overrides: dict[str, RuleOverride] = Field(default_factory=dict)
    matchers: dict[str, Matcher] = Field(default_factory=dict)
    exception_sets: dict[str, ExceptionSet] = Field(default_factory=dict)
    checklist: list[ChecklistItem] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: list[Rule]) -> list[Rule]:
        seen: set[str] = set()
        for r in rules:
            if r.id in seen:
                raise ValueError(f"duplicate rule id {r.id}")
            seen.add(r.id)
        return rules


for _m in (AbsentSpec, AllMatcher, AnyMatcher, NotMatcher, ExceptionSet, PackFile, Rule):
    _m.model_rebuild()
