"""Schema v1: round trips, validators that normalise the unambiguous and reject the invalid."""

import json

import pytest
from pydantic import ValidationError

from extractor_schemas import SCHEMA_VERSION, ArticleRecord, Company, Figure, Organization
from extractor_schemas.records import Article


def _company(**kw: object) -> dict[str, object]:
    return {"name": "Dixon", "roles": ["contract_manufacturer"], "evidence": "Dixon makes", **kw}


def _figure(**kw: object) -> dict[str, object]:
    base = {
        "metric": "export_earnings",
        "subject": "Oppo",
        "value": 2.72e9,
        "unit": "currency",
        "currency": "INR",
        "raw": "₹272 crore",
        "evidence": "earned ₹272 crore",
    }
    return {**base, **kw}


def test_round_trip_model_to_json_and_back() -> None:
    record = ArticleRecord(
        doc_id="d",
        companies=[Company.model_validate(_company())],
        figures=[Figure.model_validate(_figure())],
        partnerships=[
            {
                "brand": "Dixon",
                "partner": "dixon",
                "kind": "other",  # type: ignore[list-item]
                "status": "agreed",
                "evidence": "e",
            }
        ],
    )
    again = ArticleRecord.model_validate_json(record.model_dump_json())
    assert again == record
    assert again.schema_version == SCHEMA_VERSION


def test_country_and_currency_codes_are_uppercased() -> None:
    assert Company.model_validate(_company(country=" cn ")).country == "CN"
    assert Figure.model_validate(_figure(currency="inr")).currency == "INR"


def test_whitespace_in_names_is_collapsed_but_evidence_is_kept_verbatim() -> None:
    company = Company.model_validate(
        _company(name="Dixon   Technologies\n", evidence="Dixon  makes")
    )
    assert company.name == "Dixon Technologies"
    assert company.evidence == "Dixon  makes"


@pytest.mark.parametrize(
    ("model", "data", "field", "value"),
    [
        (Company, _company(country="XX"), "country", "XX"),
        (Figure, _figure(currency="XYZ"), "currency", "XYZ"),
        (Figure, _figure(value=-5.0), "value", "-5.0"),
        (Article, {"published": "2023-02-30"}, "published", "2023-02-30"),
        (Article, {"published": "May 2023"}, "published", "May 2023"),
        (Organization, {"name": "RoC", "kind": "ministry", "evidence": "e"}, "kind", "ministry"),
        (Company, _company(roles=[]), "roles", "[]"),
        (Company, _company(name="   "), "name", ""),
    ],
)
def test_invalid_values_are_rejected_naming_field_and_value(
    model: type, data: dict[str, object], field: str, value: str
) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    text = str(info.value)
    assert field in text
    assert value.strip() in text


def test_partial_dates_are_accepted() -> None:
    for date in ("2023", "2023-09", "2023-05-31"):
        assert Article(published=date).published == date


def test_declines_may_be_negative_percentages_but_money_may_not() -> None:
    drop = Figure.model_validate(_figure(value=-20, unit="percent", currency=None, raw="20%"))
    assert drop.value == -20
    with pytest.raises(ValidationError, match="must not be negative"):
        Figure.model_validate(_figure(value=-1))


def test_currency_required_exactly_when_unit_is_currency() -> None:
    with pytest.raises(ValidationError, match="currency is required"):
        Figure.model_validate(_figure(currency=None))
    with pytest.raises(ValidationError, match="but unit is 'percent'"):
        Figure.model_validate(_figure(unit="percent"))


_USD = {"value": 3.3e7, "currency": "usd", "raw": "about $33 million"}


@pytest.mark.parametrize(
    ("figure", "problem"),
    [
        (_figure(equivalents=[_USD]), None),
        (_figure(equivalents=[{**_USD, "currency": "INR"}]), "in the figure's own currency"),
        (
            _figure(unit="percent", currency=None, raw="49%", equivalents=[_USD]),
            "equivalents given but unit is 'percent'",
        ),
        (_figure(equivalents=[{**_USD, "value": -1}]), "greater than or equal to 0"),
        (_figure(equivalents=[{**_USD, "currency": "XYZ"}]), "unknown ISO 4217"),
        (_figure(equivalents=[{**_USD, "rate": 83.0}]), "Extra inputs are not permitted"),
    ],
)
def test_an_equivalent_is_a_stated_amount_in_another_currency(
    figure: dict[str, object], problem: str | None
) -> None:
    if problem is None:
        (equivalent,) = Figure.model_validate(figure).equivalents
        assert (equivalent.currency, equivalent.value) == ("USD", 3.3e7)
        return
    with pytest.raises(ValidationError, match=problem):
        Figure.model_validate(figure)


def test_equal_equivalents_are_one_when_lists_are_united() -> None:
    first = Figure.model_validate(_figure(equivalents=[_USD])).equivalents[0]
    again = Figure.model_validate(_figure(equivalents=[_USD])).equivalents[0]
    assert list(dict.fromkeys([first, again])) == [first]


def test_dangling_company_reference_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"partnerships\[0\]\.partner='Lava'"):
        ArticleRecord.model_validate(
            {
                "doc_id": "d",
                "companies": [_company()],
                "partnerships": [
                    {
                        "brand": "Dixon",
                        "partner": "Lava",
                        "kind": "other",
                        "status": "agreed",
                        "evidence": "e",
                    }
                ],
            }
        )


def test_references_may_use_an_alias() -> None:
    record = ArticleRecord.model_validate(
        {
            "doc_id": "d",
            "companies": [
                _company(name="Dixon Technologies", aliases=["Dixon"]),
                _company(name="Xiaomi", roles=["brand"]),
            ],
            "partnerships": [
                {
                    "brand": "Xiaomi",
                    "partner": "Dixon",
                    "kind": "other",
                    "status": "agreed",
                    "evidence": "e",
                }
            ],
        }
    )
    assert record.dangling_references() == []


def test_extra_fields_are_forbidden() -> None:
    with pytest.raises(ValidationError, match="surprise"):
        Company.model_validate(_company(surprise=1))


def test_json_schema_carries_instructions_and_enums() -> None:
    schema = json.dumps(ArticleRecord.model_json_schema())
    assert "Copy, character for character" in schema
    assert "contract_manufacturer" in schema
