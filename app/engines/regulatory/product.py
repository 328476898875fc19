"""The product description as rule tags, and which annex product-type categories apply to it.

Annex texts ("Rinse-off hair products", "Toothpaste", "Face and hand products", "Deodorants") and
the closed product vocabulary (app/schemas/product_description.py) are both read into the same tags,
grouped in dimensions; a category applies when every dimension it names is met by the product.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from app.engines.regulatory.models import UseCategory


class Description(Protocol):
    """The product description (app/schemas/product_description.py); values are str enums.

    Engines do not import the API schemas (layering), so the vocabulary is read by value here.
    """

    @property
    def form(self) -> str: ...
    @property
    def areas(self) -> Sequence[str]: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def presentation(self) -> str: ...
    @property
    def use(self) -> str: ...
    @property
    def population(self) -> str: ...


FORM = frozenset({"leave_on", "rinse_off"})
AREA = frozenset(
    {"face", "eye", "lip", "body", "hands", "feet", "underarm", "hair", "nail", "oral", "skin"}
    | {"intimate", "nappy"}
)
KIND = frozenset(
    {"hair_dye", "depilatory", "artificial_nail", "nail_hardener", "toothpaste", "mouthwash"}
    | {"waving", "deodorant", "bath", "shaving", "sunscreen"}
)
PRESENTATION = frozenset({"spray", "powder"})
# Kinds a user always declares; a product without them is not one. Other kinds may be implied.
_DECLARED_KINDS = frozenset(
    {"hair_dye", "depilatory", "artificial_nail", "nail_hardener", "waving"}
)

# Vocabulary value -> rule tags.
_AREA_TAGS: dict[str, frozenset[str]] = {
    "face": frozenset({"face", "skin"}),
    "eye_area": frozenset({"eye", "skin"}),
    "lips": frozenset({"lip"}),
    "body": frozenset({"body", "skin"}),
    "hands": frozenset({"hands", "skin"}),
    "feet": frozenset({"feet", "skin"}),
    "underarm": frozenset({"underarm", "skin"}),
    "hair": frozenset({"hair"}),
    "scalp": frozenset({"hair", "skin"}),
    "nails": frozenset({"nail"}),
    "oral": frozenset({"oral"}),
    "intimate_external": frozenset({"intimate", "skin"}),
    "nappy_area": frozenset({"nappy", "body", "skin"}),
}
_KIND_TAGS: dict[str, frozenset[str]] = {
    "hair_dye": frozenset({"hair_dye", "hair"}),
    "hair_waving_straightening": frozenset({"waving", "hair"}),
    "depilatory": frozenset({"depilatory", "skin"}),
    "artificial_nail_system": frozenset({"artificial_nail", "nail"}),
    "nail_hardener": frozenset({"nail_hardener", "nail"}),
    "toothpaste": frozenset({"toothpaste", "oral"}),
    "mouthwash": frozenset({"mouthwash", "oral"}),
    "sunscreen": frozenset({"sunscreen"}),
    "deodorant_antiperspirant": frozenset({"deodorant", "underarm", "skin"}),
    "lip_product": frozenset({"lip"}),
    "eye_product": frozenset({"eye"}),
    "bath_product": frozenset({"bath"}),
    "shaving_product": frozenset({"shaving"}),
}


def _v(value: object) -> str:
    return str(getattr(value, "value", value))


_KEYWORDS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(p, re.IGNORECASE), frozenset(s))
    for p, s in (
        (r"leave[\s-]*on", {"leave_on"}),
        (r"rinse[\s-]*off|hand\s*wash|shower\s*gel|\bsoaps?\b|\bbath\b", {"rinse_off"}),
        (r"\bbath\b", {"bath"}),
        (r"shampoo", {"rinse_off", "hair"}),
        (r"\bhair|scalp|eyelash|eyebrow", {"hair"}),
        (r"hair\s*dye|dyeing|oxidative", {"hair_dye", "hair"}),
        (r"waving|straighten|\bcurl", {"waving", "hair"}),
        (r"\boral|\bmouth|dental|\bteeth", {"oral"}),
        (r"tooth\s*paste", {"toothpaste", "oral"}),
        (r"mouth\s*wash", {"mouthwash", "oral"}),
        (r"\beyes?\b|eye[\s-]*(?:lash|brow|liner|shadow|make)|mascara|\beye\s", {"eye"}),
        (r"\bnails?\b|cuticle", {"nail"}),
        (r"artificial nail", {"artificial_nail", "nail"}),
        (r"nail harden", {"nail_hardener", "nail"}),
        (r"\bskin|callosit", {"skin"}),
        (r"\bbody", {"body"}),
        (r"\bhands?\b", {"hands"}),
        (r"\bfoot|\bfeet", {"feet"}),
        (r"deodorant|anti-?\s*perspirant|underarm|axilla", {"deodorant", "underarm"}),
        (r"\bface|facial", {"face"}),
        (r"\blips?\b|lipstick", {"lip"}),
        (r"depilator", {"depilatory", "skin"}),
        (r"shaving", {"shaving"}),
        (r"sun\s*(?:screen|care|protect)", {"sunscreen"}),
        (r"\bspray|aerosol", {"spray"}),
        (r"\bpowder", {"powder"}),
        (r"professional", {"professional"}),
        (r"\bothers?\s+(?:[\w-]+\s+){0,3}?(?:products?|produts|uses?)\b", {"other"}),
        # TFDA product types (zh-TW, NFKC-normalised on import)
        (r"(?<!非)立即沖洗|用後立即洗去|洗髮|沐浴|洗手|香皂|潤髮", {"rinse_off"}),
        (r"非立即沖洗", {"leave_on"}),
        (r"髮用|髮類|頭髮|洗髮|潤髮|頭皮", {"hair"}),
        (r"染髮|脫色|脫染", {"hair_dye", "hair"}),
        (r"燙髮", {"waving", "hair"}),
        (r"口腔|牙齒|牙膏|漱口", {"oral"}),
        (r"牙膏", {"toothpaste", "oral"}),
        (r"漱口水", {"mouthwash", "oral"}),
        (r"眼部|眼睛|睫毛", {"eye"}),
        (r"唇", {"lip"}),
        (r"指甲|趾甲", {"nail"}),
        (r"人造指甲", {"artificial_nail", "nail"}),
        (r"臉部|面部", {"face"}),
        (r"身體", {"body"}),
        (r"止汗|制臭", {"deodorant", "underarm"}),
        (r"噴霧", {"spray"}),
        (r"粉餅|蜜粉", {"powder"}),
        (r"除毛", {"depilatory", "skin"}),
        (r"防曬", {"sunscreen"}),
        (r"其他(?:產品|用途)", {"other"}),
    )
)
# "(口腔製劑除外)", "(噴霧劑型除外)": a TFDA exclusion aside.
_ZH_EXCLUDED = re.compile(r"\(([^()]*?)除外\)")
_ZH_NOT_TOUCHING = re.compile(r"非接觸([^之的,;。]*)")
_EXCLUSION = re.compile(
    r"\b(?:except(?:ion of)?|excluding|not to be used|other than|not intended)\b", re.IGNORECASE
)
_PARENS = re.compile(r"\([^()]*\)")
_NON_SPRAY = re.compile(r"non[\s-]*spray|not in (?:the )?form of (?:an? )?spray", re.IGNORECASE)
# "Body products, including propellant and pump spray products": an inclusion, not a condition.
_INCLUDING = re.compile(r",?\s*\bincluding\b[^\n;.]*", re.IGNORECASE)


def _keywords(text: str) -> set[str]:
    found: set[str] = set()
    for pattern, tags in _KEYWORDS:
        if pattern.search(text):
            found |= tags
    return found


@lru_cache(maxsize=4096)
def text_tags(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(tags, excluded tags) a product-type text names; asides in parentheses are dropped."""
    stripped = text or ""
    zh_excluded: set[str] = set()
    for m in _ZH_EXCLUDED.finditer(stripped):
        zh_excluded |= _keywords(m.group(1)) - {"other", "professional"}
    for m in _ZH_NOT_TOUCHING.finditer(stripped):  # "限用於非接觸眼部周圍之化粧品"
        zh_excluded |= _keywords(m.group(1)) - {"other", "professional"}
        if "黏膜" in m.group(1):
            zh_excluded |= {"oral", "eye", "lip", "intimate"}
    stripped = _ZH_NOT_TOUCHING.sub(" ", stripped)
    no_spray = bool(_NON_SPRAY.search(stripped))
    stripped = _NON_SPRAY.sub(" ", _INCLUDING.sub(" ", stripped))
    while _PARENS.search(stripped):
        stripped = _PARENS.sub(" ", stripped)
    tags: set[str] = set()
    excluded: set[str] = set()
    for line in re.split(r"[\n.;]", stripped):
        match = _EXCLUSION.search(line)
        head, tail = (line[: match.start()], line[match.end() :]) if match else (line, "")
        tags |= _keywords(head)
        excluded |= _keywords(tail) - {"other", "professional"}
    if no_spray:
        tags.discard("spray")
        excluded.add("spray")
    excluded |= zh_excluded
    if "mucous membrane" in stripped.casefold():
        excluded |= {"oral", "eye", "lip", "intimate"}
    return frozenset(tags), frozenset(excluded)


def product_tags(desc: Description) -> frozenset[str]:
    """Tags of the product under check."""
    form = _v(desc.form)
    tags: set[str] = {form}
    for area in desc.areas:
        tags |= _AREA_TAGS.get(_v(area), frozenset())
    kind = _v(desc.kind) if desc.kind is not None else None
    if kind is not None:
        tags |= _KIND_TAGS.get(kind, frozenset())
    presentation = _v(desc.presentation)
    if presentation in ("pump_spray", "propellant_spray"):
        tags.add("spray")
    if presentation == "loose_powder":
        tags.add("powder")
    if _v(desc.use) == "professional":
        tags.add("professional")
    if _v(desc.population) != "general":
        tags.add("children")
    return frozenset(tags)


@dataclass(frozen=True, slots=True)
class CategoryTags:
    label: str
    tags: frozenset[str]
    excluded: frozenset[str]


def category_tags(category: UseCategory) -> CategoryTags:
    tags, excluded = text_tags(category.product_type_text)
    if "professional" in category.scopes:
        tags |= {"professional"}
    return CategoryTags(category.label, tags, excluded)


def _alternatives(category: UseCategory) -> list[CategoryTags]:
    """A list of product types in one cell ("Toothpastes; Hand soaps; ...") is one option each."""
    items = [x for x in re.split(r";|\n", category.product_type_text) if x.strip()]
    if len(items) < 2 or any(_EXCLUSION.search(x) for x in items):
        return [category_tags(category)]
    whole = category_tags(category)
    out = []
    for item in items:
        tags, excluded = text_tags(item)
        if "professional" in whole.tags:
            tags |= {"professional"}
        out.append(CategoryTags(category.label, tags, excluded))
    return out


def best_status(category: UseCategory, product: frozenset[str]) -> tuple[str, CategoryTags]:
    """Status of the category's best-fitting alternative."""
    rank = {"yes": 0, "maybe": 1, "no": 2}
    scored = [(status(t, product), t) for t in _alternatives(category)]
    return min(scored, key=lambda st: (rank[st[0]], -len(st[1].tags & product)))


def status(cat: CategoryTags, product: frozenset[str]) -> str:
    """'yes', 'maybe' (the description does not say) or 'no'."""
    if cat.excluded & product:
        return "no"
    if "professional" in cat.tags and "professional" not in product:
        return "no"
    tags = cat.tags - {"other", "professional"}
    if not tags:
        return "yes" if not cat.label else "maybe"
    verdict = "yes"
    for dimension in (FORM, AREA, PRESENTATION):
        wanted = tags & dimension
        if wanted and not wanted & product:
            return "no"
    wanted_kind = tags & KIND
    if wanted_kind and not wanted_kind & product:
        if wanted_kind & _DECLARED_KINDS or product & KIND:
            return "no"
        verdict = "maybe"  # e.g. "toothpaste" for an oral product of undeclared kind
    return verdict


def applicable(
    categories: Iterable[UseCategory], product: frozenset[str]
) -> tuple[list[UseCategory], bool]:
    """Categories that apply, and whether the choice is certain (else: strictest of them).

    Most specific definite matches win; "maybe" ones are always added (strictest-limit rule, spec
    06 §5 rule 6); "other products" categories apply only when no specific one does.
    """
    cats = list(categories)
    scored = [(c, *best_status(c, product)) for c in cats]
    specific = [(c, st, t) for c, st, t in scored if "other" not in t.tags]
    fallback = [(c, t) for c, _, t in scored if "other" in t.tags]
    definite = [(c, t) for c, st, t in specific if st == "yes"]
    maybe = [c for c, st, _ in specific if st == "maybe"]
    if "professional" in product and any("professional" in t.tags for _, t in definite):
        definite = [(c, t) for c, t in definite if "professional" in t.tags]
    if definite:
        best = max(len(t.tags & product) for _, t in definite)
        chosen = [c for c, t in definite if len(t.tags & product) == best]
        return chosen + maybe, not maybe
    others = [
        c
        for c, t in fallback
        if status(CategoryTags(t.label, t.tags - {"other"}, t.excluded), product) != "no"
    ]
    return maybe + others, not maybe
