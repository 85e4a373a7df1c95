"""Small hand-built records for eval tests (gold/ is annotated separately and may be empty)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from extractor_eval.config import ScoringConfig
from extractor_eval.loading import PredictedDoc
from extractor_eval.outcomes import Category, DocResult
from extractor_eval.score import score_document
from extractor_schemas import (
    ArticleRecord,
    Company,
    ExportActivity,
    Figure,
    Organization,
    Partnership,
    Person,
    Program,
    Quote,
)

ARTICLE = (
    "Kolkata: Chinese firm Transsion Holdings said exports rose. Dixon Technologies makes phones "
    "for Transsion. Oppo Mobiles India earned ₹272 crore in FY24, said researcher Counterpoint. "
    "Dixon, through its subsidiary Padget Electronics, assembles Xiaomi phones in Noida. "
    "Lenovo Group has lined up exports of laptops from India to the US. Exports grew 55% in FY24. "
    'The production-linked incentive (PLI) scheme helped Dixon. "We are growing fast," said '
    "Atul Lall, managing director of Dixon. Xiaomi Corp is in talks with Optiemus."
)


def company(
    name: str,
    *aliases: str,
    country: str | None = None,
    roles: Sequence[str] = ("brand",),
    parent: str | None = None,
    evidence: str | None = None,
) -> Company:
    return Company.model_validate(
        {
            "name": name,
            "aliases": list(aliases),
            "country": country,
            "roles": list(roles),
            "parent": parent,
            "evidence": evidence or name,
        }
    )


def org(name: str, *aliases: str, kind: str = "research_firm") -> Organization:
    return Organization.model_validate(
        {"name": name, "aliases": list(aliases), "kind": kind, "evidence": name}
    )


def person(name: str, title: str | None = None, organization: str | None = None) -> Person:
    return Person.model_validate(
        {"name": name, "title": title, "organization": organization, "evidence": name}
    )


def partnership(
    brand: str,
    partner: str,
    kind: str = "contract_manufacturing",
    status: str = "operational",
    products: Sequence[str] = (),
    evidence: str | None = None,
) -> Partnership:
    return Partnership.model_validate(
        {
            "brand": brand,
            "partner": partner,
            "kind": kind,
            "status": status,
            "products": list(products),
            "evidence": evidence or f"{partner} makes for {brand}",
        }
    )


def export(
    exporter: str,
    status: str = "started",
    destinations: Sequence[str] = (),
    origin: str = "IN",
    evidence: str | None = None,
) -> ExportActivity:
    return ExportActivity.model_validate(
        {
            "exporter": exporter,
            "origin_country": origin,
            "destinations": list(destinations),
            "status": status,
            "evidence": evidence or f"{exporter} exports",
        }
    )


def figure(
    value: float,
    metric: str = "revenue",
    unit: str = "currency",
    currency: str | None = "INR",
    raw: str = "₹272 crore",
    subject: str = "Oppo",
    period: str | None = "FY24",
    evidence: str | None = None,
) -> Figure:
    return Figure.model_validate(
        {
            "value": value,
            "metric": metric,
            "unit": unit,
            "currency": currency,
            "raw": raw,
            "subject": subject,
            "period": period,
            "evidence": evidence or raw,
        }
    )


def program(name: str, beneficiaries: Sequence[str] = (), country: str | None = "IN") -> Program:
    return Program.model_validate(
        {"name": name, "beneficiaries": list(beneficiaries), "country": country, "evidence": name}
    )


def quote(speaker: str, text: str) -> Quote:
    return Quote.model_validate({"speaker": speaker, "text": text, "evidence": text})


def record(doc_id: str = "d1", **lists: Iterable[Any]) -> ArticleRecord:
    """A validated record (references checked) from lists of items or plain dicts."""
    data: dict[str, Any] = {"doc_id": doc_id}
    for key, items in lists.items():
        data[key] = [i.model_dump() if hasattr(i, "model_dump") else i for i in items]
    return ArticleRecord.model_validate(data)


def rich_gold(doc_id: str = "d1") -> ArticleRecord:
    """Every record type, with aliases, a subsidiary and evidence that occurs in ARTICLE."""
    return record(
        doc_id,
        companies=[
            company("Transsion Holdings", country="CN", evidence="Chinese firm Transsion Holdings"),
            company(
                "Dixon Technologies",
                "Dixon",
                country=None,
                roles=["contract_manufacturer"],
                evidence="Dixon Technologies makes phones",
            ),
            company("Oppo Mobiles India", "Oppo", evidence="Oppo Mobiles India"),
            company(
                "Padget Electronics",
                roles=["contract_manufacturer"],
                parent="Dixon Technologies",
                evidence="its subsidiary Padget Electronics",
            ),
            company("Xiaomi Corp", "Xiaomi", country="CN", evidence="Xiaomi Corp"),
            company("Lenovo Group", "Lenovo", evidence="Lenovo Group"),
            company(
                "Optiemus Electronics",
                "Optiemus",
                roles=["contract_manufacturer"],
                evidence="Optiemus",
            ),
        ],
        organizations=[org("Counterpoint")],
        people=[person("Atul Lall", "managing director", "Dixon Technologies")],
        partnerships=[
            partnership(
                "Transsion Holdings",
                "Dixon Technologies",
                evidence="Dixon Technologies makes phones for Transsion",
            ),
            partnership(
                "Xiaomi Corp",
                "Padget Electronics",
                products=["smartphones"],
                evidence="assembles Xiaomi phones in Noida",
            ),
            partnership(
                "Xiaomi Corp",
                "Optiemus Electronics",
                status="in_talks",
                evidence="Xiaomi Corp is in talks with Optiemus",
            ),
        ],
        export_activities=[
            export(
                "Lenovo Group", "planned", ["the US"], evidence="Lenovo Group has lined up exports"
            )
        ],
        figures=[
            figure(2_720_000_000, "export_earnings", evidence="earned ₹272 crore in FY24"),
            figure(
                55,
                "growth_rate",
                "percent",
                None,
                "55%",
                "exports",
                "FY24",
                evidence="Exports grew 55% in FY24",
            ),
        ],
        programs=[program("production-linked incentive (PLI) scheme", ["Dixon Technologies"])],
        quotes=[quote("Atul Lall", "We are growing fast")],
    )


def score(
    gold: ArticleRecord, pred: ArticleRecord | None, config: ScoringConfig | None = None
) -> DocResult:
    doc = None if pred is None else PredictedDoc(gold.doc_id, pred)
    return score_document(gold, doc, config or ScoringConfig())


def categories(result: DocResult, record_type: str) -> list[Category]:
    return sorted(i.category for i in result.items if i.record_type == record_type)


def edit(rec: ArticleRecord, record_type: str, index: int, **changes: Any) -> ArticleRecord:
    """A copy of the record with one item's fields changed (and re-validated)."""
    data = rec.model_dump()
    data[record_type][index].update(changes)
    return ArticleRecord.model_validate(data)


def drop(rec: ArticleRecord, record_type: str, index: int) -> ArticleRecord:
    data = rec.model_dump()
    del data[record_type][index]
    return ArticleRecord.model_validate(data)


def append(rec: ArticleRecord, record_type: str, item: Any) -> ArticleRecord:
    data = rec.model_dump()
    data[record_type].append(item.model_dump())
    return ArticleRecord.model_validate(data)


def write_folder(folder: Path, records: Iterable[ArticleRecord]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for rec in records:
        (folder / f"{rec.doc_id}.json").write_text(rec.model_dump_json(), encoding="utf-8")
    return folder


def prediction_line(
    doc_id: str,
    rec: ArticleRecord | dict[str, Any] | None,
    error: str | None = None,
    rejected: int = 0,
) -> str:
    body = rec.model_dump(mode="json") if isinstance(rec, ArticleRecord) else rec
    return json.dumps(
        {
            "id": doc_id,
            "source_sha256": "0" * 64,
            "record": body,
            "error": error,
            "rejected": [{"record_type": "figures", "item": {}, "reason": "not found"}] * rejected,
        }
    )


def corpus(root: Path) -> tuple[Path, Path, Path]:
    """gold/, seeds/ and a prediction folder equal to gold, for CLI tests."""
    second = record(
        "d2",
        companies=[company("Vivo"), company("Lava International", "Lava")],
        partnerships=[partnership("Vivo", "Lava International", evidence="Lava makes for Vivo")],
    )
    gold = write_folder(root / "gold", [rich_gold("d1"), second])
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "d1.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds / "d2.txt").write_text("Lava makes for Vivo. Vivo and Lava International.")
    pred = write_folder(root / "pred", [rich_gold("d1"), second])
    return gold, seeds, pred
