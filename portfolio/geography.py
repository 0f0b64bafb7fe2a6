"""Where personal data may go without a transfer mechanism (GDPR chapter V).

The one definition of a *third country* (tredjeland): a known country outside the EU/EEA. A
blank country is unknown, not assumed to be either. :func:`is_third_country` says it of one
code; :func:`third_country_q` and :func:`eea_q` say the same in SQL, so a list filter, a queryset
and a model's property can never disagree about a vendor.
"""

from django.db.models import Q

__all__ = ["ADEQUACY_COUNTRIES", "EEA_COUNTRIES", "eea_q", "is_third_country", "third_country_q"]

#: The 27 EU member states plus Iceland, Liechtenstein and Norway.
EEA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)

#: Countries with a general adequacy decision under Art. 45 (the US only through the DPF).
ADEQUACY_COUNTRIES = frozenset(
    ["AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"]
)


def is_third_country(country_code: str | None) -> bool:
    """True for a known country outside the EU/EEA; an unknown (blank) country is not assumed."""
    return bool(country_code) and str(country_code).upper() not in EEA_COUNTRIES


def third_country_q(field: str = "country") -> Q:
    """Rows whose ``field`` is a known country outside the EU/EEA (:func:`is_third_country` in SQL)."""
    return ~Q(**{field: ""}) & ~Q(**{f"{field}__isnull": True}) & ~Q(**{f"{field}__in": EEA_COUNTRIES})


def eea_q(field: str = "country") -> Q:
    """Rows whose ``field`` is a country inside the EU/EEA."""
    return Q(**{f"{field}__in": EEA_COUNTRIES})
