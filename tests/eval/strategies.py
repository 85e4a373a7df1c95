"""Hypothesis strategies: valid gold records with references that resolve, and edits of them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from extractor_schemas import ArticleRecord

COMPANIES: list[tuple[str, tuple[str, ...]]] = [
    ("Xiaomi Corp", ("Xiaomi",)),
    ("Oppo Mobiles India", ("Oppo",)),
    ("Vivo", ()),
    ("Dixon Technologies", ("Dixon",)),
    ("Optiemus Electronics Ltd.", ("Optiemus",)),
    ("Lava International", ("Lava",)),
    ("Hisense Group", ("Hisense",)),
    ("Epack Durable", ()),
    ("Transsion Holdings", ()),
    ("Padget Electronics", ()),
    ("Wistron", ()),
    ("Hon Hai Precision Industry", ("Foxconn", "Hon Hai")),
    ("Motorola", ()),
]
ORGS = [
    ("Counterpoint", "research_firm"),
    ("Niti Aayog", "government_agency"),
    ("Bombay Stock Exchange", "stock_exchange"),
    ("Registrar of Companies", "registrar"),
]
PEOPLE = ["Amitabh Kant", "Pankaj Mohindroo", "Atul Lall", "Ajay Singhania"]
PROGRAMS = ["production-linked incentive (PLI) scheme", "'Make in India' initiative"]
QUOTES = [
    "We are growing fast",
    "Exports will double next year",
    "The plant opens in May",
    "This is a continuation of the same partnership",
]
KINDS = ["contract_manufacturing", "component_manufacturing", "joint_venture", "distribution"]
STATUSES = ["exploring", "in_talks", "agreed", "operational", "ended"]
PRODUCTS = ["smartphones", "televisions", "audio", "laptops"]


def _figure(k: int, metric: str, currency: bool, period: str | None) -> dict[str, Any]:
    value = round(100 * 1.05**k, 2)  # distinct k are > 1% apart: no accidental matches
    return {
        "metric": metric,
        "subject": f"subject {k % 3}",
        "value": value,
        "unit": "currency" if currency else "percent",
        "currency": "INR" if currency else None,
        "raw": f"{value}",
        "period": period,
        "evidence": f"figure {k}",
    }


@st.composite
def gold_records(draw: st.DrawFn) -> ArticleRecord:
    firms = draw(st.lists(st.sampled_from(COMPANIES), min_size=1, max_size=8, unique=True))
    names = [n for n, _ in firms]
    companies = [
        {
            "name": n,
            "aliases": list(a),
            "evidence": n,
            "country": draw(st.sampled_from([None, "CN", "IN"])),
            "roles": draw(
                st.lists(
                    st.sampled_from(["brand", "contract_manufacturer", "supplier"]),
                    min_size=1,
                    max_size=2,
                    unique=True,
                )
            ),
        }
        for n, a in firms
    ]
    pairs = [(b, p) for b in names for p in names if b != p]
    partnerships = [
        {
            "brand": b,
            "partner": p,
            "kind": draw(st.sampled_from(KINDS)),
            "status": draw(st.sampled_from(STATUSES)),
            "evidence": f"{p} for {b}",
            "products": draw(st.lists(st.sampled_from(PRODUCTS), max_size=2, unique=True)),
        }
        for b, p in (
            draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True)) if pairs else []
        )
    ]
    people = draw(st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True))
    ks = draw(st.lists(st.integers(0, 300), max_size=5, unique=True))
    return ArticleRecord.model_validate(
        {
            "doc_id": "h1",
            "companies": companies,
            "organizations": [
                {"name": n, "kind": k, "evidence": n}
                for n, k in draw(st.lists(st.sampled_from(ORGS), max_size=2, unique=True))
            ],
            "people": [
                {"name": n, "title": draw(st.sampled_from([None, "chairman"])), "evidence": n}
                for n in people
            ],
            "partnerships": partnerships,
            "export_activities": [
                {
                    "exporter": n,
                    "origin_country": "IN",
                    "evidence": f"{n} exports",
                    "status": draw(st.sampled_from(["planned", "started", "ongoing"])),
                    "destinations": draw(
                        st.lists(st.sampled_from(["Africa", "the US"]), max_size=2, unique=True)
                    ),
                }
                for n in draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
            ],
            "figures": [
                _figure(
                    k,
                    draw(st.sampled_from(["revenue", "investment"])),
                    draw(st.booleans()),
                    draw(st.sampled_from([None, "FY24"])),
                )
                for k in ks
            ],
            "programs": [
                {
                    "name": n,
                    "evidence": n,
                    "beneficiaries": draw(
                        st.lists(st.sampled_from(names), max_size=2, unique=True)
                    ),
                }
                for n in draw(st.lists(st.sampled_from(PROGRAMS), max_size=2, unique=True))
            ],
            "quotes": [
                {"speaker": draw(st.sampled_from(people or names)), "text": t, "evidence": t}
                for t in draw(st.lists(st.sampled_from(QUOTES), max_size=3, unique=True))
            ],
        }
    )


@st.composite
def predictions_of(draw: st.DrawFn, gold: ArticleRecord) -> ArticleRecord:
    """A plausible prediction: some relations dropped, some statuses and periods changed."""
    data = gold.model_dump()
    for key in ("partnerships", "figures", "quotes", "export_activities", "programs"):
        data[key] = [x for x in data[key] if draw(st.booleans()) or draw(st.booleans())]
    for p in data["partnerships"]:
        if draw(st.booleans()):
            p["status"] = draw(st.sampled_from(STATUSES))
    for f in data["figures"]:
        if draw(st.booleans()):
            f["period"] = draw(st.sampled_from([None, "FY25"]))
    return ArticleRecord.model_validate(data)
