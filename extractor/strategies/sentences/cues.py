"""Cue words: the few unambiguous words that decide a status, kind, role or product.

The 270M model answers "in_talks" for nearly every partnership and "planned" for nearly every
export (measured on the seeds), while the verbs that mark a stage are few and unambiguous.
A cue found here wins; with no cue the model's answer stands. Most tables are a `CueTable`:
ordered rules, the first matching one decides. A partnership's status is the exception: a
sentence often holds the words of several stages ("signed … the proposed venture"), so the
strongest realised stage decides (`partnership_status`). The relation rules (is a relation
stated, is it negated, which party is the brand, which company is the other's parent) read the
words between two names, never the names themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Generic, TypeVar

from extractor.strategies.sentences.candidates import title_before
from extractor.strategies.sentences.names import is_place
from extractor_schemas import (
    CompanyRole,
    ExportStatus,
    OrganizationKind,
    PartnershipKind,
    PartnershipStatus,
    ProductCategory,
)
from extractor_schemas.text import find

T = TypeVar("T")


class CueTable(Generic[T]):
    """Ordered (pattern, value) rules, matched case-insensitively."""

    def __init__(self, rules: Sequence[tuple[str, T]]) -> None:
        self._rules = [(re.compile(pattern, re.IGNORECASE), value) for pattern, value in rules]

    def first(self, text: str) -> T | None:
        return next((value for pattern, value in self._rules if pattern.search(text)), None)

    def all(self, text: str) -> list[T]:
        return [value for pattern, value in self._rules if pattern.search(text)]


EXPORT_STATUS = CueTable[ExportStatus](
    (
        (
            r"\b(already exports?|continues? to export|exported|exporting \w+ worth|earned)\b",
            ExportStatus.ONGOING,
        ),
        (
            r"\b(started|has started|have started|began|begun|for the first time)\b",
            ExportStatus.STARTED,
        ),
        (
            r"\b(plans?|planning|will|lined up|aims?|aimed|to begin|expected)\b",
            ExportStatus.PLANNED,
        ),
    )
)


PARTNERSHIP_KIND = CueTable[PartnershipKind](
    (
        # "the venture", "the JV": a venture two firms hold together is a joint one.
        (r"\b(?:joint )?venture\b|\bJV\b", PartnershipKind.JOINT_VENTURE),
        (r"\bcomponent", PartnershipKind.COMPONENT_MANUFACTURING),
        (r"\bdistribut", PartnershipKind.DISTRIBUTION),
        (
            r"\b(manufactur\w*|assembl\w*|makes?|produc\w+)\b",
            PartnershipKind.CONTRACT_MANUFACTURING,
        ),
        (r"\bstrategic partner", PartnershipKind.OTHER),
    )
)


ROLES = CueTable[CompanyRole](
    (
        (
            r"contract (manufactur|phonemak)|manufactures .* for|assembl|manufacturing partner|EMS",
            CompanyRole.CONTRACT_MANUFACTURER,
        ),
        (r"supplier", CompanyRole.SUPPLIER),
        (r"component", CompanyRole.COMPONENT_MAKER),
        (r"retail|stores", CompanyRole.RETAILER),
        (r"brand|smartphone maker|handset|phones?\b", CompanyRole.BRAND),
    )
)
ORGANIZATION_KINDS = CueTable[OrganizationKind](
    (
        (r"association|council|federation", OrganizationKind.INDUSTRY_ASSOCIATION),
        (r"exchange", OrganizationKind.STOCK_EXCHANGE),
        (r"registrar|RoC", OrganizationKind.REGISTRAR),
        (r"ministry|government|parliament", OrganizationKind.GOVERNMENT_BODY),
        (
            r"aayog|agency|authority|commission|department|bureau",
            OrganizationKind.GOVERNMENT_AGENCY,
        ),
        (r"research|analytics|insights|consult\w*", OrganizationKind.RESEARCH_FIRM),
        (r"times|news|media|press|journal|herald|daily|wire", OrganizationKind.MEDIA),
    )
)


PRODUCTS = CueTable[ProductCategory](
    (
        (
            r"\bsmartphones?\b|\bhandsets?\b|\bphones?\b|\bmobile manufacturing\b",
            ProductCategory.SMARTPHONES,
        ),
        (r"\bfeature phones?\b", ProductCategory.FEATURE_PHONES),
        (r"\bTVs?\b|\btelevisions?\b", ProductCategory.TELEVISIONS),
        (r"\baudio\b|\bheadphones?\b|\bearphones?\b|\bspeakers?\b", ProductCategory.AUDIO),
        (r"\blaptops?\b", ProductCategory.LAPTOPS),
        (r"\bservers?\b", ProductCategory.SERVERS),
        (
            r"\bappliances?\b|\brefrigerators?\b|\bwashing machines?\b|\bair conditioners?\b",
            ProductCategory.HOME_APPLIANCES,
        ),
        (r"\bcomponents?\b", ProductCategory.COMPONENTS),
    )
)


def product_categories(sentence: str) -> list[ProductCategory]:
    """Product words mapped to the closed set; "feature phones" alone is not smartphones."""
    found = PRODUCTS.all(sentence)
    if ProductCategory.FEATURE_PHONES in found and not re.search(
        r"\bsmartphones?\b", sentence, re.IGNORECASE
    ):
        found.remove(ProductCategory.SMARTPHONES)
    return found


_TO_PLACES = re.compile(
    r"\bto ((?:the )?[A-Z][\w]*(?: [A-Z][\w]*)*(?:(?:,| and| and even to)\s+(?:the )?"
    r"[A-Z][\w]*(?: [A-Z][\w]*)*)*)"
)


def destinations(sentence: str) -> list[str]:
    """Places named after "to", as written ("West Asia", "the US"); other names are not places.

    A list is of one sort: where one member is a known place, the others are places too ("to
    Nepal, Bangladesh and Sri Lanka"), so the place words need not hold every country.
    """
    places: list[str] = []
    for match in _TO_PLACES.finditer(sentence):
        parts = [p for p in re.split(r",\s*|\s+and even to\s+|\s+and\s+", match.group(1)) if p]
        if any(is_place(p) for p in parts):
            places.extend(p for p in parts if p not in places)
    return places


_TITLE_AFTER = re.compile(
    r"^,\s*(?:an? |the )?(?P<title>[a-zA-Z][\w &.-]{2,60}?)\s+(?:of|at)\s+(?P<clause>[^,.;]+)"
)
_CAPITALISED_RUN = re.compile(r"[A-Z][\w&'’-]*(?: (?:&|[A-Z][\w&'’()-]*))*")
# The organization written right before a title: "Transsion India CEO", "Dixon vice-chairman".
_ORG_BEFORE = re.compile(r"(?P<org>[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*)*) $")


# How far before a name "Xiaomi India chairman" is looked for. Searching the whole sentence before
# it tried every capitalised word as the start of the organization, each time to the name: a long
# run of capitalised words made that quadratic. No organization and title are this long.
_TITLE_REACH = 160


def person_title(sentence: str, name: str) -> tuple[str | None, str | None]:
    """Title and organization around a name: "X, managing director of Y" or "Y chairman X"."""
    found = find(sentence, name)
    if found is None:
        return None, None
    at, end = found
    # Composed, so an accented letter is one word character to the patterns ("Nestlé India").
    after = _TITLE_AFTER.match(unicodedata.normalize("NFC", sentence[end:]))
    if after:
        # The organization is the last capitalised run of the clause: "of Hisense's local
        # manufacturing partner Epack Durable" names Epack Durable.
        runs = [
            r
            for r in _CAPITALISED_RUN.findall(after.group("clause"))
            if not r.endswith(("'s", "’s"))
        ]
        return after.group("title"), runs[-1] if runs else None
    prefix = unicodedata.normalize("NFC", sentence[max(0, at - _TITLE_REACH) : at])
    before = title_before(prefix, len(prefix))
    if before is None:
        return None, None
    org = _ORG_BEFORE.search(prefix[: before[0]])
    return prefix[before[0] : before[1]], org.group("org") if org else None


# --- Relations: status, statement, negation, direction, parent ------------------------------

# Words that leave the act after them undone: "has not signed", "yet to sign", "still to be
# signed", "denied … talks", "neither … nor". Shared by the status cues and the relation rule.
_NEGATOR = re.compile(
    r"n['’]t\b|\b(?:not|no|never|neither|nor|without|denied|denies|deny|declined|declines|"
    r"ruled out|rules out|yet to|still to|to be)\b",
    re.IGNORECASE,
)
# A "not" before a focusing adverb or in an idiom denies no act: "not only makes phones for Q
# but also exports them", "not just", "no longer only" deny that the act is the only one, and
# "not least" means "notably"; the act is stated. Other negators ("yet to only") keep their
# scope.
_FOCUS_AFTER_NOT = re.compile(
    r"\s+(?:longer\s+)?(?:only|just|merely|simply|solely)\b|\s+least\b", re.IGNORECASE
)
_FOCUSABLE = re.compile(r"n['’]t|not|no|never", re.IGNORECASE)
# A negation reaches to the end of its clause: a comma, semicolon, colon, dash or a contrasting
# conjunction starts a new one ("not part of the deal, but makes phones for …").
_CLAUSE_END = re.compile(r"[,;:.!?—–]|\b(?:but|while|whereas|though|although|however)\b")
# How many words after a negator it still governs: "not in any discussion with", "no plans to
# invest in" — a long clause's far end is usually about something else.
_NEGATION_REACH = 8


def _negated_spans(text: str) -> list[tuple[int, int]]:
    """The character ranges a negator governs: its whole clause, ending at most a few words on.

    The clause's start is included: in "The JV will not take over its distribution" the
    subject's relation word is denied along with the verb.
    """
    ends = [m.end() for m in _CLAUSE_END.finditer(text)]
    spans = []
    for negator in _NEGATOR.finditer(text):
        if _FOCUSABLE.fullmatch(negator.group()) and _FOCUS_AFTER_NOT.match(text, negator.end()):
            continue
        start = max((e for e in ends if e <= negator.start()), default=0)
        rest = text[negator.end() :]
        clause = _CLAUSE_END.search(rest)
        stop = negator.end() + (clause.start() if clause else len(rest))
        words = list(re.finditer(r"\S+", text[negator.end() : stop]))
        if len(words) > _NEGATION_REACH:
            stop = negator.end() + words[_NEGATION_REACH - 1].end()
        spans.append((start, stop))
    return spans


def _realised(text: str, match: re.Match[str]) -> bool:
    """Whether a cue stands outside every negation's scope."""
    return not any(start <= match.start() < stop for start, stop in _negated_spans(text))


# A partnership's stages, strongest first. A sentence often carries words of several stages
# ("has signed … the proposed venture", "is planning to extend its partnership"), and the
# strongest realised one is the relation's stage as of the article: a completed act is not
# undone by a hedge or a proposal beside it. Ended outranks everything, because an end is
# reported only for a relation that existed; production outranks a signature, which it follows;
# a signature outranks talks, which it concludes; talks outrank looking around. Extending or
# expanding a partnership presupposes one that works now, so it is operational, as does naming
# a firm as another's manufacturing partner ("B's local manufacturing partner P").
_STATUS_CUES: tuple[tuple[PartnershipStatus, str], ...] = (
    (
        PartnershipStatus.ENDED,
        r"\b(?:ended|terminated|exited|pulled out|scrapped|called off|severed|snapped)\b",
    ),
    (
        PartnershipStatus.OPERATIONAL,
        r"\b(?:manufactures|assembles|makes|produces|supplies|builds|sources|"
        r"(?:manufactured|assembled|made|produced|built|supplied) (?:\w+ ){0,3}by|"
        r"(?:is|are|has been|have been) (?:\w+ )?(?:manufactured|assembled|made|produced|built)|"
        r"(?:has|have) (?:\w+ ){0,2}?(?:manufactured|assembled|made|produced|built|supplied)|"
        r"(?:has|have) been (?:making|manufacturing|assembling|producing|supplying|"
        r"associated|working)|"
        r"(?:started|begun|began|starts|begins) (?:making|manufacturing|assembling|producing|"
        r"supplying)|"
        r"already (?:makes|manufactures|assembles|produces|supplies|sources|include)|"
        r"customers|serves as|"
        r"['’]s (?:[\w-]+ ){0,2}(?:manufacturing partner|contract manufacturer)|"
        r"(?:extend|expand|deepen|widen|strengthen)\w* (?:its|their|the|an?)? ?(?:existing )?"
        r"(?:partnership|tie-up|alliance|association|relationship|ties))\b",
    ),
    (
        PartnershipStatus.AGREED,
        r"\b(?:entered into|enters into|inked|signed|signs|agreed|sealed|tied up|ties up|"
        r"added\s[^.;]{1,80}?\bas|roped in)\b",
    ),
    (
        PartnershipStatus.IN_TALKS,
        r"\b(?:talks|discussions?|negotiat\w+|courting|proposed|proposal|term sheet)\b",
    ),
    (PartnershipStatus.EXPLORING, r"\b(?:exploring|explores|considering|looking to|scouting)\b"),
)
_STATUS_PATTERNS = [(status, re.compile(p, re.IGNORECASE)) for status, p in _STATUS_CUES]


def partnership_status(text: str) -> PartnershipStatus | None:
    """The strongest stage a realised cue in the text states; None when no cue is realised.

    A cue inside a negation's scope ("has not signed", "definitive agreements still to be
    signed") states nothing, so the next stage's cue, or the model's answer, decides.
    """
    for status, pattern in _STATUS_PATTERNS:
        if any(_realised(text, m) for m in pattern.finditer(text)):
            return status
    return None


# Words that state a working relation between firms (work, a deal, its stages). A sentence
# naming two firms without one of them is a mere mention (guidelines §6) and is not asked about.
_RELATION = re.compile(
    r"\b(?:partner\w*|contract\w*|manufactur\w*|assembl\w*|alliance|deal|agreement|talks|"
    r"discussions?|negotiat\w+|collaborat\w*|associat\w*|invest\w*|venture|JV|tie-?up|tied up|"
    r"ties up|suppl(?:y|ies|ied|ying)|sources?|sourcing|customers?|signed|inked|courting|"
    r"makes?|made|making|produc\w+|builds?|built|distribut\w*|roped in)\b",
    re.IGNORECASE,
)


def states_relation(text: str) -> bool:
    """Whether the text states a relation between firms at all (not whether it negates it)."""
    return _RELATION.search(text) is not None


def negated_relation(text: str) -> bool:
    """Every relation word of the text stands inside a negation's scope.

    "neither A nor B will hold a stake in the other", "has no plans to invest in", "we are not in
    any discussion with", "will not take over its distribution": no relation is stated, so no
    partnership. A relation stated outside the scope ("not part of the consortium, but makes
    phones for …") still stands.
    """
    cues = list(_RELATION.finditer(text))
    return bool(cues) and not any(_realised(text, cue) for cue in cues)


def mentions(text: str, name: str) -> list[tuple[int, int]]:
    """Every span where a name occurs in the text as whole words (compared folded, as `find`).

    "Appliances" is not mentioned inside "Electroappliances".
    """
    spans, at = [], 0
    while (found := find(text[at:], name)) is not None:
        start, end = at + found[0], at + found[1]
        if not (text[start - 1 : start].isalnum() or text[end : end + 1].isalnum()):
            spans.append((start, end))
        at = start + 1
    return spans


_WORK = (
    r"(?:makes?|making|made|manufactur\w*|assembl\w*|produc\w*|builds?|building|built|"
    r"supplies|supplying|supplied)"
)
_PARTICIPLE = r"(?:made|manufactured|assembled|produced|built|supplied)"
_WORKER_NOUN = (
    r"(?:(?:contract )?manufacturers?|manufacturing partners?|suppliers?|assemblers?|vendors?|"
    r"partners?)"
)
# How the grammar between two names says who makes whose goods. Each rule reads the text
# between the first-named firm and the second and says which of the two is the brand.
# (pattern over the text between, text after the second name must match, brand is the first?)
_DIRECTION_RULES: tuple[tuple[str, str, bool], ...] = (
    # "B, which makes its phones in India through P", "B has so far made its phones … by P"
    (rf"^[^.;]{{0,40}}\b{_WORK}\s+(?:its|their)\b[^.;]{{0,100}}$", "", True),
    # "B phones are manufactured by P", "B, whose iPhones are assembled in India by P",
    # "B phones have been made at the plant of its sister company P"
    (
        rf"\b(?:is|are|was|were|be|been|being)\s+(?:\w+\s+)?{_PARTICIPLE}\b[^.;]{{0,60}}"
        r"\b(?:by|of|through|with)\s+(?:[^\s.;]+\s+){0,3}$",
        "",
        True,
    ),
    # "B's local manufacturing partner P", "B's contract manufacturer P"
    (rf"^['’]s?\s+(?:[\w-]+\s+){{0,3}}{_WORKER_NOUN},?\s+$", "", True),
    # "B has added P as a contract manufacturer", "B has signed up P for a manufacturing JV",
    # "B has tied up with P to make …"
    (
        r"\b(?:added|adds|signed up|signs up|roped in|ropes in|tied up with|ties up with|hired|"
        r"chose|picked|appointed|selected)\s+(?:[^\s.;]+\s+){0,2}$",
        rf"^[^.;]{{0,80}}?\b(?:as|for|to)\b[^.;]{{0,40}}?{_WORK}",
        True,
    ),
    # "P manufactures smartphones for Chinese firm B", "P will make phones for B"
    (rf"\b{_WORK}\b[^.;]{{0,60}}\bfor\s+(?:[^\s.;]+\s+){{0,3}}$", "", False),
    # "P's customers in mobile phones already include B"
    (r"^['’]s?\s+customers\b[^.;]{0,60}$", "", False),
)
_DIRECTION = [
    (re.compile(between, re.IGNORECASE), re.compile(after, re.IGNORECASE), first_is_brand)
    for between, after, first_is_brand in _DIRECTION_RULES
]


def _ordered(text: str, a: str, b: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The closest pair of mentions with a named first; None when either is absent."""
    pairs = [(x, y) for x in mentions(text, a) for y in mentions(text, b) if x[1] <= y[0]]
    return min(pairs, key=lambda p: p[1][0] - p[0][1]) if pairs else None


def brand_first(text: str, first: str, second: str) -> bool | None:
    """Whether the grammar makes `first` the brand of a relation between the two (None: silent).

    The brand is the firm whose goods are made; the sentence says it by who makes what "for"
    whom, by a passive "made by", by a firm making "its" goods through another, by a possessive
    "B's manufacturing partner P", or by a brand taking a maker on ("added P as …").
    """
    for x, y, x_is_first in ((first, second, True), (second, first, False)):
        pair = _ordered(text, x, y)
        if pair is None:
            continue
        between, after = text[pair[0][1] : pair[1][0]], text[pair[1][1] :]
        for rule, tail, brand_is_x in _DIRECTION:
            if rule.search(between) and tail.search(after):
                return brand_is_x == x_is_first
    return None


# A corporate tail the text adds to a name the article also uses bare: "Bhagwati Products Ltd,
# the manufacturing arm of …" is read as "Bhagwati Products, the manufacturing arm of …".
_TAIL = r"(?:\s*(?:Pvt|Private|Ltd|Limited|Inc|Corp|Co|LLC|Plc|Group)\.?)*"
_UNIT = r"(?:(?:wholly|majority|fully)[- ]owned )?(?:[\w-]+ ){0,2}?(?:subsidiary|unit|arm|division)"
# How the text between two names says the first is the other's unit (True) or its parent
# (False), and whether the unit heads the phrase ("C, a unit of P", "P's unit C": a party named
# so is C) or only describes its parent ("P, which owns the C brand": the party is P).
# (pattern over the text between, text after the second name must match, first is unit?,
# unit heads the phrase?)
_PARENT_RULES: tuple[tuple[str, str, bool, bool], ...] = (
    # "C, a wholly owned subsidiary of P", "C, the Indian unit of Taiwan's P"
    (rf"^{_TAIL},\s+(?:a|an|the|its)\s+{_UNIT}\s+of\s+(?:[^\s.;,]+\s+){{0,4}}$", "", True, True),
    # "C, the P subsidiary that assembles phones"
    (rf"^{_TAIL},\s+(?:a|an|the)\s+$", rf"^['’]?s?\s+{_UNIT}\b", True, True),
    # "C, owned by P", "C, which is majority-owned by P"
    (
        rf"^{_TAIL},?\s+(?:which is\s+|that is\s+)?(?:wholly[- ]|majority[- ]|fully[- ])?"
        r"owned\s+by\s+(?:[^\s.;,]+\s+){0,2}$",
        "",
        True,
        True,
    ),
    # "C's Chinese parent, P"
    (r"^['’]s?\s+(?:[\w-]+\s+){0,2}parent(?: company| firm)?,?\s+$", "", True, False),
    # "P's Indian unit C", "P's smartphone arm, C"
    (rf"^['’]s?\s+{_UNIT},?\s+$", "", False, True),
    # "P, which owns the C brand"
    (rf"^{_TAIL},?\s+which\s+owns\s+(?:the\s+)?$", "", False, False),
)
_PARENT = [
    (re.compile(between, re.IGNORECASE), re.compile(after, re.IGNORECASE), first_is_unit, heads)
    for between, after, first_is_unit, heads in _PARENT_RULES
]
# "its subsidiary" reaches back to the firm named before it, but not past a sentence end or
# further than a clause or two.
_PARENT_REACH = 120


def _parent_rule(text: str, first: str, second: str) -> tuple[bool, bool] | None:
    """(first is the unit, the unit heads the phrase) by the first rule that reads the text."""
    for x, y, x_is_first in ((first, second, True), (second, first, False)):
        pair = _ordered(text, x, y)
        if pair is None or pair[1][0] - pair[0][1] > _PARENT_REACH:
            continue
        between, after = text[pair[0][1] : pair[1][0]], text[pair[1][1] :]
        for rule, tail, x_is_unit, heads in _PARENT:
            if rule.search(between) and tail.search(after):
                return x_is_unit == x_is_first, heads
    return None


def parent_of(text: str, first: str, second: str) -> bool | None:
    """Whether the text makes `first` a unit of `second` (True), its parent (False), or neither.

    Read from the words between the two names: "C, a unit of P", "P's subsidiary C", "C, owned
    by P", "the local unit of P", "C's parent, P", "P, which owns C". A sister company is neither.
    """
    found = _parent_rule(text, first, second)
    return None if found is None else found[0]


def named_as_unit(text: str, unit: str, parent: str) -> bool:
    """Whether the text names `unit` as the head of a phrase that makes it `parent`'s unit.

    "a deal with C, a wholly owned subsidiary of P" names C as the party, P only to say whose C
    is; "P, which owns the C brand" names P.
    """
    return _parent_rule(text, unit, parent) == (True, True)


_ITS_UNIT = re.compile(rf"\bits\s+{_UNIT},?\s+$", re.IGNORECASE)


def its_unit(text: str, names: Sequence[str]) -> tuple[str, str] | None:
    """(parent, unit) where "its subsidiary C" names a unit of the sentence's first-named firm.

    "P … has entered into a partnership with Q through its subsidiary C": the possessive refers
    to the sentence's subject, the firm named first, not to the nearest name (Q).
    """
    spans = {name: mentions(text, name) for name in names}
    named = sorted((found[0][0], name) for name, found in spans.items() if found)
    for unit, found in spans.items():
        for start, _ in found:
            if _ITS_UNIT.search(text[:start]):
                first = next((name for at, name in named if at < start), None)
                if first is not None and not find(unit, first) and not find(first, unit):
                    return first, unit
    return None


def through(text: str, name: str) -> bool:
    """Whether the text says work is done through the named firm ("through its subsidiary X")."""
    return any(
        re.search(rf"\bthrough\s+(?:its\s+|their\s+)?(?:{_UNIT}\s+)?$", text[:start], re.I)
        for start, _ in mentions(text, name)
    )


# A sentence that speaks of a relation without naming its parties refers back to the sentence
# before: "Both companies have plans to …", "the two firms", "The partnership …", "the venture",
# "the Chinese smartphone maker inked …".
_REFERS_BACK = re.compile(
    r"\b(?:both|the two)\s+(?:companies|firms|partners|sides|groups|parties|brands|makers)\b|"
    r"\bthe\s+(?:partnership|venture|joint venture|JV|alliance|deal|tie-?up|agreement|pact|"
    r"collaboration|association|partners)\b|"
    # A firm described, not named, as the one taking a relation's step: "the Chinese smartphone
    # maker inked a contract with …" (a bare "the company said" refers to no relation).
    r"\bthe\s+(?:[\w-]+\s+){1,3}(?:company|firm|maker|manufacturer|brand)\s+"
    r"(?:(?:has|have|had|also|then)\s+)*(?:inked|signed|entered|agreed|tied|partnered|teamed|"
    r"roped|added|chose|picked|hired)\b",
    re.IGNORECASE,
)


def refers_back(text: str) -> bool:
    """Whether the text names a relation's parties only by reference ("both companies")."""
    return _REFERS_BACK.search(text) is not None


_LIST_ITEM = r"[A-Z][\w&.'’-]*(?:\s+(?:\(\w+\)|[A-Z(][\w&.'’()-]*))*(?:\s*\([^)]*\))?"
_LIST_SEP = r"\s*(?:,\s*(?:and\s+)?|\band\s+|&\s+)"
_LIST = re.compile(rf"{_LIST_ITEM}(?:{_LIST_SEP}{_LIST_ITEM})+")


def listed_as_peers(text: str, a: str, b: str) -> bool:
    """Whether a and b are two members of one list of three or more names ("A, B, C and D").

    A list of peers ("brands such as A, B, C and D", "projects proposed by A, B, C and D") names
    firms side by side; it states no relation between two of its members (guidelines §6).
    """
    for found in _LIST.finditer(text):
        if len(re.split(_LIST_SEP, found.group())) < 3:
            continue
        inside = [
            any(found.start() <= at and end <= found.end() for at, end in mentions(text, name))
            for name in (a, b)
        ]
        if all(inside):
            return True
    return False


def coordinated(text: str, name: str, names: Sequence[str]) -> list[str]:
    """The names the text joins to `name` by "and" or commas ("for Xiaomi and Motorola",
    "A, B and C"), `name` among them, in the text's order; just `name` when it stands alone.

    A coordination distributes over the rest of the clause: "Padget assembles phones for Xiaomi
    and Motorola" states the same relation with each. Only `names` (the sentence's firms) count,
    and two names count as joined only when nothing but a separator stands between them.
    """
    # The longest name at a position first; a shorter one inside it ("Xiaomi" of "Xiaomi
    # India") is skipped below.
    spans = sorted(
        ((at, end, n) for n in dict.fromkeys([name, *names]) for at, end in mentions(text, n)),
        key=lambda span: (span[0], -span[1]),
    )
    chains: list[list[tuple[int, int, str]]] = []
    for span in spans:
        last = chains[-1][-1] if chains else None
        if last is not None and re.fullmatch(_LIST_SEP, text[last[1] : span[0]]):
            chains[-1].append(span)
        elif last is None or span[0] >= last[1]:
            chains.append([span])
    for chain in chains:
        members = list(dict.fromkeys(n for _, _, n in chain))
        if name in members and len(members) > 1:
            return members
    return [name]


# A subject's export verb: "X exported", "X has been exporting", "X will start exporting",
# "X, which makes …, started exporting", "X also exports"; "X shipped … to" is an export where
# the sentence names a destination abroad (the caller checks that).
_EXPORT_VERB = re.compile(
    r"^(?:,[^.;,]{1,120},)?\s+(?:(?:also|has|have|had|been|will|would|now|already|plans? to|"
    r"started|starts|began|begins|begin|start|to)\s+){0,4}"
    r"(?:export(?:s|ed|ing)?|ship(?:s|ped|ping)?)\b",
    re.IGNORECASE,
)
_EXPORTS_OF = re.compile(r"\bexports\s+(?:by|of|from)\s+$", re.IGNORECASE)


def exporters(text: str, names: Sequence[str]) -> list[str]:
    """The firms a sentence says export, by grammar: the subject of an export verb ("Samsung
    exported handsets", "Realme, which makes …, started exporting") or what "exports by"
    names. The 270M model is asked for one exporter per sentence and picks among all firms."""
    found = []
    for name in names:
        for at, end in mentions(text, name):
            if _EXPORT_VERB.match(text[end:]) or _EXPORTS_OF.search(text[max(0, at - 20) : at]):
                found.append(name)
                break
    return found


# --- Facility: where a partnership's work is done ---------------------------------------------

# A site of work, as opposed to the firm's base ("Noida-based" names where the firm sits, not
# where this work is done). "unit" is also a subsidiary ("Transsion's Indian unit", "valued its
# Indian unit at USD 4.5 billion"), so only a place before it names a site ("its Tirupati unit");
# the place checks below reject a demonym or a firm's name there.
_SITE = r"(?:facilit(?:y|ies)|plants?|factor(?:y|ies)|campus(?:es)?|sites?)"
_PLACE_WORD = r"[A-Z][\w-]*"
_PLACE_RUN = rf"{_PLACE_WORD}(?: {_PLACE_WORD})*"
# "its facility in Noida", "a new facility at Bhiwadi in Rajasthan", "an assembly line at
# Sri City", "a facility on Dixon's campus in Noida": the town follows the site.
_SITE_IN = re.compile(
    rf"\b(?:{_SITE}|lines?)\s+(?:of its own\s+)?(?:in|at)\s+(?P<place>{_PLACE_RUN})"
)
# "the Greater Noida plant of Oppo", "its two Noida units", "Dixon's Tirupati unit": the town
# names the site.
_PLACE_SITE = re.compile(rf"(?<![\w'’-])(?P<place>{_PLACE_RUN})\s+(?:{_SITE}|units?)\b")
# Words that start a capitalised run without naming a place: a sentence's first word, a
# determiner, a month or day ("a plant in March").
_NOT_PLACE_WORD = re.compile(
    r"(?:the|its|their|his|her|our|a|an|this|that|these|those|all|both|"
    r"jan\w*|feb\w*|march|april|may|june|july|aug\w*|sept?\w*|oct\w*|nov\w*|dec\w*|"
    r"\w+day|\w*(?:ian|ese|ish)|fy\d*)",
    re.IGNORECASE,
)
# A country or continent says where in the world, not the town or site (guidelines §6).
_REGION = re.compile(
    r"(?:india|china|vietnam|the us|us|usa|uk|europe|asia|africa|america|indonesia|japan|"
    r"korea|south korea|taiwan|bangladesh|nepal|sri lanka|thailand|malaysia)",
    re.IGNORECASE,
)


def _place(run: str) -> str | None:
    """The town a capitalised run names, its leading determiners dropped; None for no town."""
    words = run.split()
    while words and _NOT_PLACE_WORD.fullmatch(words[0]):
        words.pop(0)
    place = " ".join(words)
    if not place or _REGION.fullmatch(place) or any(ch.isdigit() for ch in place):
        return None
    return None if any(_NOT_PLACE_WORD.fullmatch(w) for w in words) else place


def _owner(place: str, firms: Sequence[str]) -> bool:
    """Whether a name before a site is a firm's ("from Dixon plants"): whose site, not where."""
    return any(mentions(firm, place) or mentions(place, firm) for firm in firms)


def facility_location(text: str, firms: Sequence[str]) -> str | None:
    """The town or site where the text says work is done: "its plant in Bhiwadi, Rajasthan" →
    "Bhiwadi", "the Greater Noida plant of Oppo" → "Greater Noida"; None when none is stated.

    The state after the town is left out ("Bhiwadi, Rajasthan", "Bhiwadi in Rajasthan"): the
    run of capitalised words stops at the comma or the "in". A name after "in"/"at" is a place;
    a name before the site may be its owner's, and is then not one.
    """
    found = sorted(
        [(m.start("place"), m.group("place"), False) for m in _SITE_IN.finditer(text)]
        + [(m.start("place"), m.group("place"), True) for m in _PLACE_SITE.finditer(text)]
    )
    for _, run, may_be_owner in found:
        place = _place(run)
        if place is not None and not (may_be_owner and _owner(place, firms)):
            return place
    return None


# --- Not a partnership: a stake traded, one name phrase --------------------------------------

# A stake changing hands: "proposed to sell a 40 per cent stake to a consortium …", "will
# acquire a 26% stake in". Selling or buying equity is not working together (guidelines §6).
_STAKE_TRADE = re.compile(
    r"\b(?:sell|sells|selling|sold|sale|buy|buys|buying|bought|acquir\w+|pick\w* up|"
    r"divest\w*|offload\w*)\b[^.;]{0,40}?\bstake\b|\bstake\s+sale\b",
    re.IGNORECASE,
)
# The relation words that only a deal needs, not a working relation: a stake sale is "a deal"
# with "investors" and "in talks", and states no work, venture or partnership.
_DEAL_ONLY = re.compile(
    r"deal|agreement|talks|discussions?|negotiat\w+|invest\w*|signed|inked|courting",
    re.IGNORECASE,
)


def stake_trade_only(text: str, names: Sequence[str]) -> bool:
    """Whether the text trades a stake and states no work between firms beside it.

    "Vivo has proposed to sell a 40 per cent stake to a consortium led by Sahyadri Capital
    Partners, in a deal …" is no partnership; "will acquire a 26% stake in P as part of a
    manufacturing partnership" is one. The firms' own names ("… Capital Partners") are not
    relation words.
    """
    if not _STAKE_TRADE.search(text):
        return False
    named = [span for name in names for span in mentions(text, name)]
    words = [
        m
        for m in _RELATION.finditer(text)
        if not any(start <= m.start() < end for start, end in named)
    ]
    return all(_DEAL_ONLY.fullmatch(m.group()) for m in words)


def one_phrase(text: str, a: str, b: str) -> bool:
    """Whether the two names stand side by side as one phrase: a description and the name it
    describes ("Mumbai-based family office Shrivardhan Capital"), one firm, not two parties."""
    spans = [sorted((x, y)) for x in mentions(text, a) for y in mentions(text, b)]
    return any(
        first[1] <= second[0] and not text[first[1] : second[0]].strip() for first, second in spans
    )
