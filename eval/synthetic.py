"""Synthetic gold and predictions for benchmarks: realistic records, realistically perturbed.

Gold records are drawn from pools of the firms, bodies and amounts the real articles mention,
sized like a seed article (about 40 facts). Predictions perturb them the way models err: alias
for name, case and legal suffixes, wrong status or kind, near and far amounts, swapped
currency, dropped facts, invented facts, and now and then an unusable document.
"""

from __future__ import annotations

import copy
import random
from typing import Any

Doc = dict[str, Any]

_COMPANIES: list[tuple[str, list[str], str | None, list[str]]] = [
    ("Xiaomi Corp", ["Xiaomi", "Xiaomi India"], "CN", ["brand"]),
    ("Oppo Mobiles India", ["Oppo"], "CN", ["brand"]),
    ("Vivo Communication Technology Co", ["Vivo"], "CN", ["brand"]),
    ("Realme Mobile Telecommunications (India)", ["Realme"], None, ["brand"]),
    ("Hisense Group", ["Hisense"], "CN", ["brand"]),
    ("Lenovo Group", ["Lenovo"], "CN", ["brand"]),
    ("Motorola", [], None, ["brand"]),
    ("Transsion Holdings", [], "CN", ["brand"]),
    ("Haier", [], "CN", ["brand"]),
    ("OnePlus", [], None, ["brand"]),
    ("Midea", [], "CN", ["brand"]),
    ("Samsung", [], "KR", ["brand"]),
    ("Apple", [], "US", ["brand"]),
    ("Dixon Technologies", ["Dixon"], "IN", ["contract_manufacturer"]),
    ("Optiemus Electronics Ltd.", ["Optiemus"], "IN", ["contract_manufacturer"]),
    ("Lava International Ltd.", ["Lava"], "IN", ["contract_manufacturer", "brand"]),
    ("Epack Durable", [], "IN", ["contract_manufacturer"]),
    ("Padget Electronics", [], "IN", ["contract_manufacturer"]),
    ("Wistron", [], "TW", ["supplier"]),
    ("Hon Hai Precision Industry", ["Foxconn", "Hon Hai"], "TW", ["supplier"]),
    ("Bhagwati Products", ["Micromax"], "IN", ["contract_manufacturer"]),
    ("Karbonn Mobiles", ["Karbonn"], "IN", ["brand"]),
]
_ORGS = [
    ("Registrar of Companies", ["RoC"], "registrar", "IN"),
    ("India Cellular & Electronics Association", ["ICEA"], "industry_association", "IN"),
    ("Niti Aayog", [], "government_agency", "IN"),
    ("Counterpoint", [], "research_firm", None),
    ("Bombay Stock Exchange", ["BSE"], "stock_exchange", "IN"),
    ("Bloomberg", [], "media", None),
    ("Ministry of Electronics and IT", ["MeitY"], "government_body", "IN"),
]
_PEOPLE = [
    ("Pankaj Mohindroo", "chairman"),
    ("Amitabh Kant", "chief executive officer"),
    ("Ajay Singhania", "managing director"),
    ("Atul B Lall", "Vice Chairman & MD"),
    ("Rajeev Chandrasekhar", "Minister of State for IT"),
    ("Muralikrishnan B", "president"),
    ("Tarun Pathak", "research director"),
    ("Sunil Vachani", "chairman"),
]
_PROGRAMS = [
    "production-linked incentive (PLI) scheme",
    "'Make in India' initiative",
    "Phased Manufacturing Programme",
    "Design-Linked Incentive scheme",
]
_PLACES = [
    "West Asia",
    "Africa",
    "the United States",
    "Europe",
    "Latin America",
    "the US",
    "Bangladesh",
    "Nepal",
]
_PRODUCTS = [
    "smartphones",
    "televisions",
    "audio",
    "laptops",
    "servers",
    "home_appliances",
    "components",
    "feature_phones",
]
_STATUSES = ["exploring", "in_talks", "agreed", "operational", "ended"]
_KINDS = ["contract_manufacturing", "component_manufacturing", "joint_venture", "distribution"]
_METRICS = ["export_value", "export_earnings", "revenue", "investment", "production_value"]


def _company(entry: tuple[str, list[str], str | None, list[str]]) -> Doc:
    name, aliases, country, roles = entry
    return {
        "evidence": f"{name}, which",
        "name": name,
        "aliases": list(aliases),
        "country": country,
        "roles": list(roles),
        "parent": None,
    }


def _figures(rng: random.Random, subjects: list[str]) -> list[Doc]:
    figures = []
    for _ in range(rng.randint(5, 9)):
        kind = rng.random()
        subject = rng.choice(subjects)
        if kind < 0.6:
            crore = rng.randint(10, 9000)
            figures.append(
                {
                    "metric": rng.choice(_METRICS),
                    "subject": subject,
                    "value": crore * 1e7,
                    "unit": "currency",
                    "currency": "INR",
                    "raw": f"₹{crore} crore",
                    "period": rng.choice(["FY24", "FY25", None]),
                    "modality": rng.choice(["asserted", "expected"]),
                    "source": None,
                }
            )
        elif kind < 0.85:
            pct = rng.randint(1, 90)
            figures.append(
                {
                    "metric": "growth_rate",
                    "subject": subject,
                    "value": float(pct),
                    "unit": "percent",
                    "currency": None,
                    "raw": f"{pct}%",
                    "period": None,
                    "modality": "asserted",
                    "source": None,
                }
            )
        else:
            n = rng.randint(2, 20000)
            figures.append(
                {
                    "metric": "count",
                    "subject": subject,
                    "value": float(n),
                    "unit": "count",
                    "currency": None,
                    "raw": f"{n:,} stores",
                    "period": None,
                    "modality": "hedged",
                    "source": None,
                }
            )
    for f in figures:
        f["evidence"] = f"{f['subject']} reported {f['raw']}"
    return figures


def _relations(rng: random.Random, companies: list[Doc]) -> tuple[list[Doc], list[Doc]]:
    brands = [c["name"] for c in companies if "brand" in c["roles"]]
    makers = [c["name"] for c in companies if "brand" not in c["roles"]] or brands
    partnerships, seen = [], set()
    for _ in range(rng.randint(2, 5)):
        pair = (rng.choice(brands), rng.choice(makers))
        if pair[0] == pair[1] or pair in seen:
            continue
        seen.add(pair)
        partnerships.append(
            {
                "evidence": f"{pair[1]} makes phones for {pair[0]}",
                "brand": pair[0],
                "partner": pair[1],
                "kind": rng.choice(_KINDS),
                "status": rng.choice(_STATUSES),
                "products": rng.sample(_PRODUCTS, rng.randint(0, 2)),
                "facility_location": rng.choice([None, "Noida", "Sri City"]),
                "export_markets": [],
            }
        )
    exporters = rng.sample([c["name"] for c in companies], rng.randint(1, 4))
    exports = [
        {
            "evidence": f"{e} has started exporting from India",
            "exporter": e,
            "origin_country": "IN",
            "destinations": rng.sample(_PLACES, rng.randint(0, 3)),
            "products": rng.sample(_PRODUCTS, rng.randint(0, 2)),
            "status": rng.choice(["planned", "started", "ongoing"]),
        }
        for e in exporters
    ]
    return partnerships, exports


def gold_doc(rng: random.Random, doc_id: str) -> Doc:
    """One realistic gold record (as JSON-ready data)."""
    companies = [_company(c) for c in rng.sample(_COMPANIES, rng.randint(8, 15))]
    orgs = [
        {"evidence": f"filings to the {n}", "name": n, "aliases": list(a), "kind": k, "country": c}
        for n, a, k, c in rng.sample(_ORGS, rng.randint(1, 4))
    ]
    people = [
        {
            "evidence": f"{n}, {t} of {orgs[0]['name']}",
            "name": n,
            "title": t,
            "organization": orgs[0]["name"],
        }
        for n, t in rng.sample(_PEOPLE, rng.randint(1, 3))
    ]
    partnerships, exports = _relations(rng, companies)
    programs = [
        {
            "evidence": f"supported by the {p}",
            "name": p,
            "country": "IN",
            "beneficiaries": [companies[-1]["name"]],
        }
        for p in rng.sample(_PROGRAMS, rng.randint(0, 2))
    ]
    quotes = [
        {
            "evidence": f"We expect growth in year {k}",
            "speaker": rng.choice(people)["name"],
            "text": f"We expect growth in year {k}",
        }
        for k in range(rng.randint(0, 4))
    ]
    figures = _figures(rng, [c["name"] for c in companies])
    return {
        "doc_id": doc_id,
        "companies": companies,
        "organizations": orgs,
        "people": people,
        "partnerships": partnerships,
        "export_activities": exports,
        "figures": figures,
        "programs": programs,
        "quotes": quotes,
    }


def article_text(doc: Doc) -> str:
    """A seed-sized text holding every evidence verbatim, padded with filler sentences."""
    lines = [
        item["evidence"] + "."
        for items in doc.values()
        if isinstance(items, list)
        for item in items
    ]
    filler = "The market for consumer electronics in India kept growing this quarter. "
    text = " ".join(lines)
    return text + " " + filler * max(0, (5500 - len(text)) // len(filler))


def _drop_company(doc: Doc, index: int) -> None:
    gone = doc["companies"].pop(index)
    names = {gone["name"].casefold(), *(a.casefold() for a in gone["aliases"])}
    doc["partnerships"] = [
        p
        for p in doc["partnerships"]
        if p["brand"].casefold() not in names and p["partner"].casefold() not in names
    ]
    for program in doc["programs"]:
        program["beneficiaries"] = [
            b for b in program["beneficiaries"] if b.casefold() not in names
        ]


def _perturb_company(rng: random.Random, c: Doc) -> None:
    roll = rng.random()
    if roll < 0.1 and c["aliases"]:
        c["name"], c["aliases"][0] = c["aliases"][0], c["name"]
    elif roll < 0.2:
        c["name"] = c["name"].upper()
    elif roll < 0.25:
        c["aliases"].append(c["name"])
        c["name"] = c["name"] + " Pvt Ltd"
    elif roll < 0.32:
        c["country"] = None


def _perturb_figure(rng: random.Random, f: Doc) -> None:
    roll = rng.random()
    if roll < 0.1:
        f["value"] *= 1.004
    elif roll < 0.15:
        f["value"] *= 1.2
    elif roll < 0.2 and f["unit"] == "currency":
        f["currency"] = "USD"
    elif roll < 0.25:
        f["metric"] = "other"
    elif roll < 0.35:
        f["period"] = None


def predicted_doc(rng: random.Random, gold: Doc) -> Doc | None:
    """A perturbed copy of a gold record; None stands for a document the model failed."""
    if rng.random() < 0.01:
        return None
    doc = copy.deepcopy(gold)
    for index in reversed(range(len(doc["companies"]))):
        if rng.random() < 0.06:
            _drop_company(doc, index)
    for c in doc["companies"]:
        _perturb_company(rng, c)
    for p in doc["partnerships"]:
        if rng.random() < 0.15:
            p["status"] = rng.choice(_STATUSES)
        if rng.random() < 0.05:
            p["kind"] = "other"
    for e in doc["export_activities"]:
        if rng.random() < 0.1:
            e["status"] = "ongoing"
    for f in doc["figures"]:
        _perturb_figure(rng, f)
    for q in doc["quotes"]:
        if rng.random() < 0.1 and doc["people"]:
            q["speaker"] = rng.choice(doc["people"])["name"]
    for key in ("figures", "export_activities", "partnerships", "quotes"):
        doc[key] = [x for x in doc[key] if rng.random() >= 0.07]
    for _ in range(rng.randint(0, 2)):
        doc["companies"].append(
            {
                "evidence": "an invented firm",
                "name": f"Invented {rng.random()}",
                "aliases": [],
                "country": None,
                "roles": ["other"],
                "parent": None,
            }
        )
    return doc


def prediction_line(rng: random.Random, doc_id: str, record: Doc | None) -> Doc:
    """A predictions.jsonl line, with grounding tiers and rejections like a real run's."""
    line: Doc = {
        "id": doc_id,
        "source_sha256": "0" * 64,
        "record": record,
        "rejected": [],
        "error": None if record is not None else "model timed out",
    }
    if record is not None:
        for items in record.values():
            if isinstance(items, list):
                for item in items:
                    roll = rng.random()
                    item["grounding"] = (
                        "exact" if roll < 0.85 else "normalised" if roll < 0.95 else "fuzzy"
                    )
    line["rejected"] = [
        {"record_type": "figures", "item": {}, "reason": "not in text"}
        for _ in range(rng.randint(0, 1))
    ]
    return line
