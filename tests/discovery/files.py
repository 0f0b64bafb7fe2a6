"""Files of every identity-provider source, in the documented shapes, for the page and command tests."""

from __future__ import annotations

import io
from pathlib import Path

from integrations.identity.synthetic import (
    SignIn,
    google_activity,
    write_entra_csv,
    write_google_pages,
    write_json_lines,
)

FIXTURES = Path(__file__).parents[1] / "integrations" / "identity" / "fixtures"
KAHOOT_APP_ID = "6a1e9f3c-2d4b-4c8e-9f10-2b3c4d5e6f70"

#: (user principal name, Entra user id) of everyone the sign-in files name.
PEOPLE = [
    ("anna.elev@skola.mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000001"),
    ("bertil.elev@skola.mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000002"),
    ("cecilia.larare@mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000003"),
    ("david.elev@skola.mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000004"),
    ("okand.person@example.org", "5b0f1a2e-0000-4000-8000-000000000005"),
]


def sign_ins(month: str = "2026-11") -> list[SignIn]:
    rows = [
        SignIn(f"{month}-{day:02d}T07:5{day % 10}:00Z", upn, user_id, KAHOOT_APP_ID, "Kahoot!", 0)
        for day in (3, 4, 5)
        for upn, user_id in PEOPLE
    ]
    rows.append(SignIn(f"{month}-06T08:00:00Z", PEOPLE[0][0], PEOPLE[0][1], "3f1c-unknown", "Quizlet", 0))
    rows.append(SignIn(f"{month}-06T08:01:00Z", PEOPLE[1][0], PEOPLE[1][1], KAHOOT_APP_ID, "Kahoot!", 50126))
    return rows


def _text(write, *args) -> bytes:
    out = io.StringIO()
    write(out, *args)
    return out.getvalue().encode("utf-8")


def entra_sign_ins_jsonl() -> bytes:
    return _text(write_json_lines, sign_ins())


def entra_sign_ins_csv() -> bytes:
    return _text(write_entra_csv, sign_ins())


def google_token() -> bytes:
    activities = [
        google_activity(
            "token",
            f"2026-11-0{day}T07:55:00Z",
            upn,
            "authorize",
            {
                "client_id": "1234567890-abc.apps.googleusercontent.com",
                "app_name": "Padlet",
                "client_type": "WEB",
                "scope": ["openid", "https://www.googleapis.com/auth/userinfo.email"],
            },
        )
        for day in (2, 3)
        for upn, _user_id in PEOPLE
    ]
    return _text(write_google_pages, activities)


def google_saml() -> bytes:
    activities = [
        google_activity("saml", "2026-11-02T07:55:00Z", upn, "login_success", {"application_name": "Skolon"})
        for upn, _user_id in PEOPLE
    ]
    return _text(write_google_pages, activities)


def entra_apps() -> bytes:
    return (FIXTURES / "entra_service_principals.json").read_bytes()


def membership() -> bytes:
    return (FIXTURES / "membership.csv").read_bytes()


#: source → (file name, the bytes of a file of that source)
FILES = {
    "entra-apps": ("servicePrincipals.json", entra_apps),
    "entra-signins": ("signIns.jsonl", entra_sign_ins_jsonl),
    "entra-signins-csv": ("InteractiveSignIns_2026-11.csv", entra_sign_ins_csv),
    "google-token": ("token.json", google_token),
    "google-saml": ("saml.json", google_saml),
    "membership": ("skoltillhorighet.csv", membership),
}


def source_of(kind: str) -> str:
    return "entra-signins" if kind == "entra-signins-csv" else kind
