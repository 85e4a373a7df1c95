"""Closed vocabularies, as StrEnums so the JSON schema lists the allowed values to the model."""

from enum import StrEnum


class CompanyRole(StrEnum):
    BRAND = "brand"
    CONTRACT_MANUFACTURER = "contract_manufacturer"
    COMPONENT_MAKER = "component_maker"
    SUPPLIER = "supplier"
    RETAILER = "retailer"
    OTHER = "other"


class OrganizationKind(StrEnum):
    GOVERNMENT_BODY = "government_body"
    GOVERNMENT_AGENCY = "government_agency"
    INDUSTRY_ASSOCIATION = "industry_association"
    RESEARCH_FIRM = "research_firm"
    STOCK_EXCHANGE = "stock_exchange"
    REGISTRAR = "registrar"
    MEDIA = "media"
    OTHER = "other"


class PartnershipKind(StrEnum):
    CONTRACT_MANUFACTURING = "contract_manufacturing"
    COMPONENT_MANUFACTURING = "component_manufacturing"
    JOINT_VENTURE = "joint_venture"
    DISTRIBUTION = "distribution"
    OTHER = "other"


class PartnershipStatus(StrEnum):
    EXPLORING = "exploring"
    IN_TALKS = "in_talks"
    AGREED = "agreed"
    OPERATIONAL = "operational"
    ENDED = "ended"


class ProductCategory(StrEnum):
    SMARTPHONES = "smartphones"
    FEATURE_PHONES = "feature_phones"
    TELEVISIONS = "televisions"
    AUDIO = "audio"
    LAPTOPS = "laptops"
    SERVERS = "servers"
    HOME_APPLIANCES = "home_appliances"
    COMPONENTS = "components"
    OTHER = "other"


class ExportStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    ONGOING = "ongoing"


class FigureMetric(StrEnum):
    EXPORT_VALUE = "export_value"
    EXPORT_EARNINGS = "export_earnings"
    REVENUE = "revenue"
    INVESTMENT = "investment"
    PRODUCTION_VALUE = "production_value"
    CAPACITY_CHANGE = "capacity_change"
    GROWTH_RATE = "growth_rate"
    STAKE = "stake"
    COUNT = "count"
    OTHER = "other"


class FigureUnit(StrEnum):
    CURRENCY = "currency"
    PERCENT = "percent"
    COUNT = "count"
    MULTIPLE = "multiple"
    OTHER = "other"


class Modality(StrEnum):
    """How firmly the article states a fact; lets scoring and users tell forecasts from results."""

    ASSERTED = "asserted"
    EXPECTED = "expected"
    HEDGED = "hedged"


class GroundingKind(StrEnum):
    EXACT = "exact"
    NORMALISED = "normalised"
    FUZZY = "fuzzy"
