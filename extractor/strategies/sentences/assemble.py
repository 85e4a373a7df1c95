"""From per-sentence findings to one schema record, merging repeats across sentences.

Names found in several sentences become one company, its shorter forms becoming aliases
("Xiaomi" of "Xiaomi Corp"), so the record holds each entity once. Roles and countries come
from words right next to the name in the text ("Chinese firm X", "contract manufacturers like X").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from extractor.isolate import MainArticle
from extractor.strategies.sentences.answers import DealAnswer
from extractor.strategies.sentences.candidates import is_title_word
from extractor.strategies.sentences.cues import (
    EXPORT_STATUS,
    ORGANIZATION_KINDS,
    PARTNERSHIP_KIND,
    ROLES,
    brand_first,
    coordinated,
    destinations,
    exporters,
    facility_location,
    its_unit,
    listed_as_peers,
    named_as_unit,
    negated_relation,
    one_phrase,
    parent_of,
    partnership_status,
    person_title,
    product_categories,
    stake_trade_only,
    states_relation,
    through,
)
from extractor.strategies.sentences.extract import ArticleFindings, SentenceFindings
from extractor.strategies.sentences.names import core_name, occurs, same_person
from extractor.strategies.sentences.preextract import (
    Amount,
    metric_for,
    modality_of,
    period_of,
)
from extractor_schemas import (
    Article,
    ArticleRecord,
    Company,
    CompanyRole,
    Equivalent,
    ExportActivity,
    ExportStatus,
    Figure,
    FigureUnit,
    Organization,
    OrganizationKind,
    Partnership,
    Person,
    Program,
    Quote,
)
from extractor_schemas.text import find, fold

_COUNTRY_WORDS = {
    "Chinese": "CN",
    "China's": "CN",
    "Indian": "IN",
    "India's": "IN",
    "US": "US",
    "American": "US",
    "South Korean": "KR",
    "Korean": "KR",
    "Japanese": "JP",
    "Taiwanese": "TW",
    "Vietnamese": "VN",
    "Beijing-based": "CN",
}
_FROM_COUNTRY = re.compile(r"\bfrom (India|China|Vietnam|the US|Indonesia)\b")
_COUNTRY_CODES = {"India": "IN", "China": "CN", "Vietnam": "VN", "the US": "US", "Indonesia": "ID"}


def _merge_names(names: Iterable[str]) -> dict[str, list[str]]:
    """Canonical (longest) name → other forms of the same firm.

    Another form is a leading part of the name ("Xiaomi" of "Xiaomi Corp") or has the same core
    once corporate suffixes and a country tail are dropped ("Xiaomi India", "Xiaomi Corp").
    """
    canonical: dict[str, list[str]] = {}
    for name in sorted(dict.fromkeys(names), key=len, reverse=True):
        owner = next((c for c in canonical if _same_firm(c, name)), None)
        if owner is None:
            canonical[name] = []
        elif name != owner and name not in canonical[owner]:
            canonical[owner].append(name)
    return canonical


def _same_firm(longer: str, shorter: str) -> bool:
    a, b = fold(longer), fold(shorter)
    return a == b or a.startswith(b + " ") or core_name(longer) == core_name(shorter)


def _resolver(groups: dict[str, list[str]]) -> dict[str, str]:
    """Each form of a company, folded, to its canonical name; look names up with `fold`."""
    return {fold(form): name for name, forms in groups.items() for form in [name, *forms]}


def _near(sentence: str, form: str, before: int = 40) -> str:
    found = find(sentence, form)
    return sentence[max(0, found[0] - before) : found[0]] if found else ""


def _country(sentences: list[str], forms: list[str]) -> str | None:
    for sentence in sentences:
        for form in forms:
            prefix = _near(sentence, form, 30)
            for word, code in _COUNTRY_WORDS.items():
                if re.search(rf"\b{re.escape(word)}\b[\w\s-]{{0,25}}$", prefix):
                    return code
    return None


def _windows(sentences: list[str], forms: list[str], width: int = 50) -> str:
    """The words around each mention: a role cue elsewhere in the sentence is someone else's."""
    parts = []
    for sentence in sentences:
        for form in forms:
            found = find(sentence, form)
            if found:
                parts.append(sentence[max(0, found[0] - width) : found[1] + width])
    return " … ".join(parts)


def _roles(sentences: list[str], forms: list[str]) -> list[CompanyRole]:
    context = _windows(sentences, forms)
    return [ROLES.first(context) or CompanyRole.OTHER]


def _named_in(s: SentenceFindings, resolve: dict[str, str]) -> list[str]:
    """The sentence's company names, and every other form of the article's companies in it.

    The model lists a sentence's names one call at a time and misses some ("… through its
    subsidiary Padget Electronics" without Padget); a firm it named elsewhere in the article is
    still named here, and the relation rules read it.
    """
    found = {fold(n) for n in s.companies}
    others = [form for form in resolve if form not in found and occurs(form, s.text)]
    return list(dict.fromkeys([*s.companies, *others]))


def _parents(findings: ArticleFindings, resolve: dict[str, str]) -> dict[str, str]:
    """Each unit's parent, by canonical names, from the first sentence that says so.

    "X, a unit of Y", "Y's subsidiary X", "X, owned by Y" (`cues.parent_of`). Forms of one firm
    ("the local unit of Chinese smartphone maker Oppo" in Oppo Mobiles India's article) are one
    company, so never its own parent.
    """
    parents: dict[str, str] = {}
    for s in findings.sentences:
        forms = _named_in(s, resolve)
        said: list[tuple[str, str]] = []  # (parent form, unit form)
        for i, a in enumerate(forms):
            for b in forms[i + 1 :]:
                a_is_unit = parent_of(s.text, a, b)
                if a_is_unit is not None:
                    said.append((b, a) if a_is_unit else (a, b))
        if (its := its_unit(s.text, forms)) is not None:
            said.append(its)
        for parent_form, unit_form in said:
            parent, unit = resolve[fold(parent_form)], resolve[fold(unit_form)]
            if parent != unit and parents.get(parent) != unit:
                parents.setdefault(unit, parent)
    return parents


def _without_non_firms(findings: ArticleFindings) -> ArticleFindings:
    """The findings without the company names that name a person or a place of the article.

    A name the model listed as a firm in one sentence is still a person where a title stands
    beside it in another ("… Sunita Das said", "additional secretary Sunita Das"), and a word of
    a full personal name is that person named again ("Sethi" after "Kunal Sethi, managing
    director"), not a firm. A town where the article says work is done ("its facility in
    Dehradun", `cues.facility_location`) is a place. A deal or export answer naming one of them
    then names no firm.
    """
    firms = list(dict.fromkeys(c for s in findings.sentences for c in s.companies))
    not_firms = (
        {fold(n) for s in findings.sentences for n in s.titled}
        | {fold(n) for s in findings.sentences for pair in s.institutions for n in pair if n}
        | _person_words(findings)
        | {fold(p) for s in findings.sentences if (p := facility_location(s.text, firms))}
    )
    sentences = [
        replace(s, companies=[c for c in s.companies if fold(c) not in not_firms])
        for s in findings.sentences
    ]
    return replace(findings, sentences=sentences)


def _companies(findings: ArticleFindings) -> tuple[list[Company], dict[str, str]]:
    groups = _merge_names(n for s in findings.sentences for n in s.companies)
    resolve = _resolver(groups)
    parents = _parents(findings, resolve)
    companies = []
    for name, aliases in groups.items():
        forms = [name, *aliases]
        mine = [s for s in findings.sentences if any(f in s.companies for f in forms)]
        texts = [s.text for s in mine]
        companies.append(
            Company(
                name=name,
                aliases=aliases,
                country=_country(texts, forms),
                roles=_roles(texts, forms),
                parent=parents.get(name),
                evidence=mine[0].text,
            )
        )
    return companies, resolve


def _named(
    findings: ArticleFindings, kind: str, companies: dict[str, str] | None = None
) -> dict[str, SentenceFindings]:
    """First sentence for each distinct name of a kind (people, organizations, programs).

    A name that is also one of the article's companies is left to `companies`: the model lists
    "Dixon" as an organization in one sentence and a company in another.
    """
    first: dict[str, SentenceFindings] = {}
    for sentence in findings.sentences:
        for name in getattr(sentence, kind):
            if companies is None or fold(name) not in companies:
                first.setdefault(name, sentence)
    return first


def _org_kind(name: str) -> OrganizationKind:
    return ORGANIZATION_KINDS.first(name) or OrganizationKind.OTHER


def _person(name: str, sentence: str, resolve: dict[str, str]) -> Person:
    title, organization = person_title(sentence, name)
    if organization is not None:
        organization = resolve.get(fold(organization), organization)
    return Person(name=name, title=title, organization=organization, evidence=sentence)


def _organizations(findings: ArticleFindings, resolve: dict[str, str]) -> list[Organization]:
    """One record per body, its bracketed short form an alias ("MeitY"), never a record of its
    own where the model listed the short form alone."""
    short: dict[str, list[str]] = {}
    for s in findings.sentences:
        for name, form in s.institutions:
            if form and form not in short.setdefault(name, []):
                short[name].append(form)
    aliases = {fold(a) for forms in short.values() for a in forms}
    firms = {core_name(c) for c in resolve.values()}
    person_words = _person_words(findings)
    return [
        Organization(name=n, aliases=short.get(n, []), kind=_org_kind(n), evidence=s.text)
        for n, s in _named(findings, "organizations", resolve).items()
        if fold(n) not in aliases and not _not_a_body(n, firms, person_words)
    ]


def _person_words(findings: ArticleFindings) -> set[str]:
    """Each word, folded, of the article's personal names: "Sethi" or "Lall" alone is that
    person named again, neither a firm nor a body."""
    return {fold(w) for s in findings.sentences for p in s.people for w in p.split()}


def _not_a_body(name: str, firms: set[str], person_words: set[str]) -> bool:
    """A name the model gave as an organization that the article shows is something else: one
    of its firms (by `core_name`: "Dixon Technologies" of "Dixon Technologies (India)"), a word
    of a person's name ("Lall"), or a title ("Dixon vice-chairman")."""
    return (
        core_name(name) in firms
        or fold(name) in person_words
        or any(is_title_word(w) for w in name.split())
    )


def _people(findings: ArticleFindings, resolve: dict[str, str]) -> list[Person]:
    """One record per person: "Atul Lall" is "Atul B Lall" when the article names him so too
    (`names.same_person`), and the fuller form, as the article writes it, is kept."""
    named = _named(findings, "people", resolve)
    return [
        _person(name, s.text, resolve)
        for name, s in named.items()
        if not any(other != name and same_person(name, other) for other in named)
    ]


def _parties(
    deal: DealAnswer, s: SentenceFindings, resolve: dict[str, str], parents: dict[str, str]
) -> tuple[str, str] | None:
    """Brand and partner of a sentence's deal answer, by canonical names; None for no relation.

    The grammar decides direction where it says it (`cues.brand_first`), else the model's answer
    stands. Two members of one list of peers are no relation. Work done "through its subsidiary
    X" has X as the party (guidelines §6), as does a deal "with X, a wholly owned subsidiary of
    Y": the statement names X as the party and Y only to say whose X is. A unit and its parent
    are one group, not partners (that is `Company.parent`).
    """
    text = s.deal_evidence or s.text
    brand_form, partner_form = deal.brand, deal.partner
    if brand_first(text, brand_form, partner_form) is False:
        brand_form, partner_form = partner_form, brand_form
    named = _named_in(s, resolve)
    if listed_as_peers(text, brand_form, partner_form) or one_phrase(
        text, brand_form, partner_form
    ):
        return None
    if fold(brand_form) not in resolve or fold(partner_form) not in resolve:
        return None  # the answer names a person as a party (`_without_non_firms`)
    brand, partner = resolve[fold(brand_form)], resolve[fold(partner_form)]
    units = [
        resolve[fold(c)]
        for c in named
        if through(text, c)
        or any(named_as_unit(text, c, form) for form in (brand_form, partner_form))
    ]
    brand, partner = (
        next((u for u in units if parents.get(u) == party), party) for party in (brand, partner)
    )
    if brand == partner or parents.get(brand) == partner or parents.get(partner) == brand:
        return None
    return brand, partner


def _partnerships(
    findings: ArticleFindings, resolve: dict[str, str], parents: dict[str, str]
) -> list[Partnership]:
    # One record per pair of firms and kind: a restatement with the parties the other way round
    # is the same relation (the model's direction varies where the grammar is silent), and the
    # first statement keeps it.
    seen: dict[tuple[frozenset[str], str], Partnership] = {}
    for s in findings.sentences:
        if s.deal is None:
            continue
        # A mere mention (no relation word) or a negated relation is no partnership. The stating
        # sentence decides it and the kind, stage and products; a run-back over the sentence
        # before (`deal_evidence`) only supplies the parties.
        if not states_relation(s.text) or negated_relation(s.text):
            continue
        # A stake sold or bought, with no work stated beside it, is no partnership (§6).
        if stake_trade_only(s.text, _named_in(s, resolve)):
            continue
        for deal in _coordinated_deals(s.deal, s, resolve):
            parties = _parties(deal, s, resolve, parents)
            if parties is not None:
                _add_partnership(seen, parties, deal, s, resolve)
    return list(seen.values())


def _coordinated_deals(
    deal: DealAnswer, s: SentenceFindings, resolve: dict[str, str]
) -> list[DealAnswer]:
    """The model's one pair, and each pair a coordination adds (`cues.coordinated`):
    "Padget assembles phones for Xiaomi and Motorola" is Padget's work for each. Where the two
    parties are joined to each other ("Xiaomi and Dixon signed …"), the answer stands alone."""
    text = s.deal_evidence or s.text
    named = _named_in(s, resolve)
    brands, partners = (coordinated(text, form, named) for form in (deal.brand, deal.partner))
    if set(brands) & set(partners):
        return [deal]
    return [deal.model_copy(update={"brand": b, "partner": p}) for b in brands for p in partners]


def _add_partnership(
    seen: dict[tuple[frozenset[str], str], Partnership],
    parties: tuple[str, str],
    deal: DealAnswer,
    s: SentenceFindings,
    resolve: dict[str, str],
) -> None:
    """Records one stated relation, keyed by its pair and the kind the record will carry, so two
    sentences never give the same partnership twice.

    A sentence that refers back ("The partners plan to invest …") names its relation's kind in
    the sentence it refers to ("… of the venture"), which outranks the model.
    """
    brand, partner = parties
    evidence = s.deal_evidence or s.text
    kind = PARTNERSHIP_KIND.first(s.text) or PARTNERSHIP_KIND.first(evidence) or deal.kind
    site = facility_location(evidence, list(resolve.values()))
    key = (frozenset((brand, partner)), kind.value)
    if key in seen:
        # A restatement may be the one that says where the work is done (guidelines §6).
        if seen[key].facility_location is None and site is not None:
            seen[key] = seen[key].model_copy(update={"facility_location": site})
        return
    seen[key] = Partnership(
        brand=brand,
        partner=partner,
        kind=kind,
        status=partnership_status(s.text) or deal.status,
        products=product_categories(s.text),
        facility_location=site,
        evidence=evidence,
    )


def _exports(findings: ArticleFindings, resolve: dict[str, str]) -> list[ExportActivity]:
    """One record per exporter: the firm the model chose, and each firm the grammar makes the
    subject of an export verb (`cues.exporters`), the first sentence that says so keeping it."""
    seen: dict[str, ExportActivity] = {}
    for s in findings.sentences:
        chosen = resolve.get(fold(s.export.exporter)) if s.export is not None else None
        by_grammar = [resolve[fold(n)] for n in exporters(s.text, _named_in(s, resolve))]
        places = destinations(s.text)
        if s.export is not None and not places:
            places = [d for d in s.export.destinations if d.strip() and occurs(d, s.text)]
        origin = _FROM_COUNTRY.search(s.text)
        origin_code = _COUNTRY_CODES[origin.group(1)] if origin else "IN"
        # Goods shipped from a country do not go to it ("exports from India … to India").
        places = [p for p in places if _COUNTRY_CODES.get(p) != origin_code]
        status = EXPORT_STATUS.first(s.text) or (
            s.export.status if s.export is not None else ExportStatus.ONGOING
        )
        # A ship verb is an export only where the goods go abroad.
        said = [e for e in by_grammar if places or "export" in s.text.lower()]
        for exporter in dict.fromkeys([*([chosen] if chosen else []), *said]):
            seen.setdefault(
                exporter,
                ExportActivity(
                    exporter=exporter,
                    origin_country=origin_code,
                    destinations=places,
                    products=product_categories(s.text),
                    status=status,
                    evidence=s.text,
                ),
            )
    return list(seen.values())


def _equivalent(conversion: Amount) -> Equivalent:
    """A stated conversion, as the figure keeps it (find_amounts only takes currency amounts)."""
    assert conversion.currency is not None, f"conversion {conversion.raw!r} has no currency"
    return Equivalent(value=conversion.value, currency=conversion.currency, raw=conversion.raw)


# A figure as the merge of restatements sees it: what was measured, and about whom (None when
# the sentence names no company).
_Stated = tuple[tuple[str, float, str, str | None], str | None]


def _restates(figure: _Stated, earlier: Iterable[_Stated]) -> bool:
    """Whether a figure of a later sentence says again what an earlier one said.

    Guidelines: a figure restated later (the same number about the same thing) is recorded once,
    and the first statement keeps it ("A 49% stake …" in a quotation after "to sell a 49% stake").
    The same measure with the same subject is a restatement; so is one whose sentence names no
    firm, since it can only be about what the article already gave. Counts are the exception: a
    bare "three" says nothing of what it counts, so only the same subject makes it the same.
    Two figures of one sentence are two facts ("each will hold 50%"), so callers pass earlier
    sentences only.
    """
    (measure, subject) = figure
    for other_measure, other_subject in earlier:
        if other_measure != measure:
            continue
        if subject == other_subject and subject is not None:
            return True
        unnamed = subject is None or other_subject is None
        if unnamed and measure[2] != FigureUnit.COUNT.value:
            return True
    return False


def _figures(findings: ArticleFindings, resolve: dict[str, str]) -> list[Figure]:
    figures = []
    stated: list[_Stated] = []  # the figures of the sentences before this one
    for s in findings.sentences:
        subject = resolve.get(fold(s.companies[0])) if s.companies else None
        here: list[_Stated] = []
        for amount in s.amounts:
            metric = metric_for(amount, s.text, s.amounts, s.span.start)
            measure = (metric.value, amount.value, amount.unit.value, amount.currency)
            if _restates((measure, subject), stated):
                continue
            here.append((measure, subject))
            figures.append(
                Figure(
                    metric=metric,
                    subject=subject or s.text.split(",")[0][:80],
                    value=amount.value,
                    unit=amount.unit,
                    currency=amount.currency,
                    raw=amount.raw,
                    period=period_of(s.text),
                    modality=modality_of(s.text),
                    equivalents=[_equivalent(e) for e in amount.equivalents],
                    evidence=s.text,
                )
            )
        stated.extend(here)
    return figures


def _program_core(name: str) -> str:
    """A program's name with its short form for the words it stands for, folded:
    "production-linked incentive (PLI) scheme for X" and "PLI scheme for X" are one."""
    return fold(re.sub(r"(?:[a-z][\w-]*\s+)+\(([A-Z][\w&.-]+)\)", r"\1", name))


def _named_again(name: str, cores: dict[str, str]) -> bool:
    """Whether another program name is this one's longer form (or its longer spelling)."""
    core = cores[name]
    return any(
        other != name
        and (
            cores[other].startswith(core + " ") or (cores[other] == core and len(other) > len(name))
        )
        for other in cores
    )


def _programs(findings: ArticleFindings, resolve: dict[str, str]) -> list[Program]:
    """One record per program; a shorter mention of a longer-named one ("the PLI scheme" of
    "the PLI scheme for IT hardware") is that one named again."""
    programs = []
    named = _named(findings, "programs")
    cores = {name: _program_core(name) for name in named}
    for name, s in named.items():
        if _named_again(name, cores):
            continue
        beneficiaries = (
            [resolve[fold(c)] for c in s.companies]
            if re.search(r"beneficiar|signed up|grants?", s.text)
            else []
        )
        programs.append(
            Program(
                name=name,
                country="IN" if "India" in s.text else None,
                beneficiaries=list(dict.fromkeys(beneficiaries)),
                evidence=s.text,
            )
        )
    return programs


def assemble(doc_id: str, main: MainArticle, findings: ArticleFindings) -> ArticleRecord:
    """The ungrounded record; grounding decides afterwards what is kept."""
    findings = _without_non_firms(findings)
    companies, resolve = _companies(findings)
    return ArticleRecord(
        doc_id=doc_id,
        article=Article(
            title=main.title, published=main.published, dateline=main.dateline, main_span=main.span
        ),
        companies=companies,
        organizations=_organizations(findings, resolve),
        people=_people(findings, resolve),
        partnerships=_partnerships(
            findings, resolve, {c.name: c.parent for c in companies if c.parent}
        ),
        export_activities=_exports(findings, resolve),
        figures=_figures(findings, resolve),
        programs=_programs(findings, resolve),
        quotes=[
            Quote(speaker=speaker, text=q.text, evidence=q.text) for q, speaker in findings.quotes
        ],
    )
