"""From per-sentence findings to one schema record, merging repeats across sentences.

Names found in several sentences become one company, its shorter forms becoming aliases
("Xiaomi" of "Xiaomi Corp"), so the record holds each entity once. Roles and countries come
from words right next to the name in the text ("Chinese firm X", "contract manufacturers like X").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.isolate import MainArticle
from extractor.strategies.sentences.cues import (
    EXPORT_STATUS,
    ORGANIZATION_KINDS,
    PARTNERSHIP_KIND,
    PARTNERSHIP_STATUS,
    ROLES,
    destinations,
    person_title,
    product_categories,
)
from extractor.strategies.sentences.extract import ArticleFindings, SentenceFindings
from extractor.strategies.sentences.names import core_name, occurs
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
    Figure,
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


def _companies(findings: ArticleFindings) -> tuple[list[Company], dict[str, str]]:
    groups = _merge_names(n for s in findings.sentences for n in s.companies)
    resolve = _resolver(groups)
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


def _partnerships(findings: ArticleFindings, resolve: dict[str, str]) -> list[Partnership]:
    seen: dict[tuple[str, str, str], Partnership] = {}
    for s in findings.sentences:
        if s.deal is None:
            continue
        brand, partner = resolve[fold(s.deal.brand)], resolve[fold(s.deal.partner)]
        if brand == partner:
            continue
        # Keyed by the kind the record will carry, so two sentences never give the same
        # partnership twice.
        kind = PARTNERSHIP_KIND.first(s.text) or s.deal.kind
        seen.setdefault(
            (brand, partner, kind.value),
            Partnership(
                brand=brand,
                partner=partner,
                kind=kind,
                status=PARTNERSHIP_STATUS.first(s.text) or s.deal.status,
                products=product_categories(s.text),
                evidence=s.deal_evidence or s.text,
            ),
        )
    return list(seen.values())


def _exports(findings: ArticleFindings, resolve: dict[str, str]) -> list[ExportActivity]:
    seen: dict[str, ExportActivity] = {}
    for s in findings.sentences:
        if s.export is None:
            continue
        origin = _FROM_COUNTRY.search(s.text)
        exporter = resolve[fold(s.export.exporter)]
        places = destinations(s.text) or [
            d for d in s.export.destinations if d.strip() and occurs(d, s.text)
        ]
        seen.setdefault(
            exporter,
            ExportActivity(
                exporter=exporter,
                origin_country=_COUNTRY_CODES[origin.group(1)] if origin else "IN",
                destinations=places,
                products=product_categories(s.text),
                status=EXPORT_STATUS.first(s.text) or s.export.status,
                evidence=s.text,
            ),
        )
    return list(seen.values())


def _equivalent(conversion: Amount) -> Equivalent:
    """A stated conversion, as the figure keeps it (find_amounts only takes currency amounts)."""
    assert conversion.currency is not None, f"conversion {conversion.raw!r} has no currency"
    return Equivalent(value=conversion.value, currency=conversion.currency, raw=conversion.raw)


def _figures(findings: ArticleFindings, resolve: dict[str, str]) -> list[Figure]:
    figures = []
    for s in findings.sentences:
        subject = resolve.get(fold(s.companies[0])) if s.companies else None
        for amount in s.amounts:
            figures.append(
                Figure(
                    metric=metric_for(amount, s.text, s.amounts, s.span.start),
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
    return figures


def _programs(findings: ArticleFindings, resolve: dict[str, str]) -> list[Program]:
    programs = []
    for name, s in _named(findings, "programs").items():
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
    companies, resolve = _companies(findings)
    return ArticleRecord(
        doc_id=doc_id,
        article=Article(
            title=main.title, published=main.published, dateline=main.dateline, main_span=main.span
        ),
        companies=companies,
        organizations=[
            Organization(name=n, kind=_org_kind(n), evidence=s.text)
            for n, s in _named(findings, "organizations", resolve).items()
        ],
        people=[
            _person(n, s.text, resolve) for n, s in _named(findings, "people", resolve).items()
        ],
        partnerships=_partnerships(findings, resolve),
        export_activities=_exports(findings, resolve),
        figures=_figures(findings, resolve),
        programs=_programs(findings, resolve),
        quotes=[
            Quote(speaker=speaker, text=q.text, evidence=q.text) for q, speaker in findings.quotes
        ],
    )
