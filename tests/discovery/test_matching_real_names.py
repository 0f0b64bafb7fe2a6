"""Matching measured on real names: identity-provider application names against a real register.

The register is the labelled set of 557 real Swedish school-service registrations
(``tests/analysis/data/real_service_names.csv``, each labelled with the product it is). The
applications are names as identity providers show them (``data/idp_application_names.csv``):
Microsoft's first-party application names from sign-in logs, Entra gallery entries as
municipalities configure them, Google Workspace OAuth app names; each labelled with the product
it is in that register, or with none where the register does not hold it — including hard
cases beside products it does hold (Microsoft Authentication Broker beside Microsoft
Authenticator, Google Chrome beside Google Classroom, Power BI beside Power Automate).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from discovery.matching import MatchKind, match_applications
from integrations.identity.records import DiscoveredApp, Source, SsoMode
from portfolio.analysis.catalogue import load_catalogue
from portfolio.analysis.duplicates import ServiceRecord

REGISTER = Path(__file__).parents[1] / "analysis" / "data" / "real_service_names.csv"
APPLICATIONS = Path(__file__).parent / "data" / "idp_application_names.csv"


@pytest.fixture(scope="module")
def figures():
    rows = list(csv.DictReader(REGISTER.open(encoding="utf-8")))
    register = [
        ServiceRecord("application", i, r["name"], vendor_name=r["vendor"], url=r["url"])
        for i, r in enumerate(rows)
    ]
    labelled = list(csv.DictReader(APPLICATIONS.open(encoding="utf-8")))
    apps = [
        DiscoveredApp(Source(a["source"]) if a["source"] != "entra-signins" else Source.ENTRA_SIGNINS,
                      a["display_name"], a["display_name"], SsoMode.UNKNOWN, publisher=a["publisher"],
                      urls=(a["url"],) if a["url"] else ())
        for a in labelled
    ]  # fmt: skip
    matches = match_applications(apps, register, load_catalogue())
    correct = wrong = missed = 0
    mistakes = []
    for label, match in zip(labelled, matches, strict=True):
        expected = label["expected_cluster"]
        got = rows[match.service[1]]["cluster"] if match.kind == MatchKind.MATCHED else ""
        if got and got == expected:
            correct += 1
        elif got:
            wrong += 1
            mistakes.append(f"{label['display_name']} → {got} (expected {expected or 'none'})")
        elif expected:
            missed += 1
            mistakes.append(f"{label['display_name']} unmatched (expected {expected})")
    return {
        "precision": correct / max(correct + wrong, 1),
        "recall": correct / max(sum(1 for a in labelled if a["expected_cluster"]), 1),
        "mistakes": mistakes,
    }


def test_matching_real_identity_provider_names_is_precise(figures):
    # A wrong match attributes one product's sign-ins and SSO status to another: none allowed.
    assert figures["precision"] == 1.0, figures["mistakes"]


def test_matching_real_identity_provider_names_finds_most_products(figures):
    assert figures["recall"] >= 0.9, figures["mistakes"]
