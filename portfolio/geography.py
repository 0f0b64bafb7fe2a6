"""Where personal data may go without a transfer mechanism (GDPR chapter V)."""

__all__ = ["ADEQUACY_COUNTRIES", "EEA_COUNTRIES", "is_third_country"]

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
