"""The identity-provider readers: documented shapes in, counts out, wrong files refused."""

from __future__ import annotations

import datetime
import io
import json
import random
from pathlib import Path

import pandas as pd
import pytest

from integrations.identity import entra, google, jsonstream
from integrations.identity.errors import IdentityFileError
from integrations.identity.membership import read_membership
from integrations.identity.records import Membership, Source, SsoMode
from integrations.identity.synthetic import (
    SignIn,
    google_activity,
    graph_sign_in,
    write_entra_csv,
    write_google_pages,
    write_graph_pages,
    write_json_lines,
)
from integrations.identity.tally import UNKNOWN_GROUP, SignInTally

FIXTURES = Path(__file__).parent / "fixtures"

APPS = [
    ("6a1e9f3c-2d4b-4c8e-9f10-2b3c4d5e6f70", "Kahoot!"),
    ("1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", "Skolplattformen Närvaro"),
    ("a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", 'Mentimeter "Quiz" \\ Pro'),
]


def _people(count: int) -> list[tuple[str, str]]:
    return [(f"person{i}@skola.mittkoping.se", f"00000000-0000-4000-8000-{i:012d}") for i in range(count)]


def _sign_ins(rows: int, seed: int = 7) -> list[SignIn]:
    rng = random.Random(seed)
    people = _people(60)
    result = []
    for _ in range(rows):
        upn, user_id = rng.choice(people)
        app_id, name = rng.choice(APPS)
        day = rng.randint(1, 30)
        error = rng.choice([0, 0, 0, 0, 50126, 50074])
        result.append(
            SignIn(f"2026-11-{day:02d}T{rng.randint(0, 23):02d}:14:09Z", upn.upper() if day % 5 == 0 else upn,
                   user_id, app_id, name, error, interactive=bool(day % 2))
        )  # fmt: skip
    return result


def _membership() -> dict[str, Membership]:
    return {
        upn: Membership("12345678" if i % 3 else "87654321", "elev" if i % 4 else "personal")
        for i, (upn, _id) in enumerate(_people(50))
    }


def _reference(sign_ins: list[SignIn], membership: dict[str, Membership]) -> dict:
    """The same counts by a plain pandas groupby over the whole data at once."""
    frame = pd.DataFrame([s.__dict__ for s in sign_ins])
    frame = frame[frame["error_code"] == 0].copy()
    frame["user"] = frame["user_principal_name"].str.casefold()
    frame["school"] = frame["user"].map(lambda u: membership[u].school_code if u in membership else "")
    frame["group"] = frame["user"].map(
        lambda u: membership[u].user_group if u in membership else UNKNOWN_GROUP
    )
    grouped = frame.groupby(["app_id", "school", "group"]).agg(
        users=("user", "nunique"), sign_ins=("user", "size")
    )
    return {
        key: (int(r.users), int(r.sign_ins))
        for key, r in zip(grouped.index, grouped.itertuples(), strict=True)
    }


def _counts(tally: SignInTally) -> dict:
    return {(u.app_key, u.school_code, u.user_group): (u.users, u.sign_ins) for u in tally.usage()}


def _encoded(writer, sign_ins, **kwargs) -> io.BytesIO:
    text = io.StringIO()
    writer(text, sign_ins, **kwargs)
    return io.BytesIO(text.getvalue().encode())


# Enterprise applications -----------------------------------------------------------------------


def test_service_principals_are_read_across_pages_and_managed_identities_are_skipped():
    with (FIXTURES / "entra_service_principals.json").open("rb") as stream:
        apps = {app.key: app for app in entra.read_service_principals(stream)}
    assert [a.name for a in apps.values()] == [
        "Kahoot!",
        "Skolplattformen Närvaro",
        "Microsoft Teams",
        "Mentimeter",
    ]
    kahoot = apps["6a1e9f3c-2d4b-4c8e-9f10-2b3c4d5e6f70"]
    assert kahoot.sso_mode is SsoMode.SAML and kahoot.sso_mode.is_federated
    assert kahoot.entity_ids == ("https://create.kahoot.it/saml/metadata",)
    assert "https://create.kahoot.it/rest/saml/acs" in kahoot.urls
    assert apps["a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"].enabled is False
    assert apps["a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"].verified_publisher == "Mentimeter AB"


def test_password_vaulting_is_labelled_as_password_and_not_as_federation():
    with (FIXTURES / "entra_service_principals.json").open("rb") as stream:
        apps = {app.key: app for app in entra.read_service_principals(stream)}
    vaulted = apps["1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"]
    assert vaulted.sso_mode is SsoMode.PASSWORD
    assert not vaulted.sso_mode.is_federated


def test_microsofts_own_applications_are_marked_first_party():
    with (FIXTURES / "entra_service_principals.json").open("rb") as stream:
        apps = {app.name: app for app in entra.read_service_principals(stream)}
    assert apps["Microsoft Teams"].first_party
    assert not apps["Kahoot!"].first_party


def test_a_sign_in_log_given_as_enterprise_applications_is_refused_naming_what_it_is():
    stream = _encoded(write_graph_pages, _sign_ins(3))
    with pytest.raises(IdentityFileError, match="inloggningsloggar från Entra ID. Välj rätt källa"):
        list(entra.read_service_principals(stream))


def test_an_enterprise_application_export_given_as_sign_ins_is_refused():
    with (
        (FIXTURES / "entra_service_principals.json").open("rb") as stream,
        pytest.raises(IdentityFileError, match="företagsprogram från Entra ID"),
    ):
        entra.tally_sign_ins(stream, SignInTally())


# Sign-ins ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("writer", "kwargs"),
    [(write_graph_pages, {"page_size": 37}), (write_json_lines, {}), (write_entra_csv, {})],
    ids=["graph-pages", "json-lines", "admin-centre-csv"],
)
def test_each_sign_in_format_counts_exactly_what_a_pandas_groupby_counts(writer, kwargs):
    sign_ins = _sign_ins(2_000)
    membership = _membership()
    tally = SignInTally(membership)
    rows = entra.tally_sign_ins(_encoded(writer, sign_ins, **kwargs), tally)
    assert rows == len(sign_ins)
    assert _counts(tally) == _reference(sign_ins, membership)
    assert tally.failures_total == sum(1 for s in sign_ins if s.error_code)


def test_people_outside_the_membership_file_count_under_an_unknown_school():
    sign_ins = _sign_ins(500)
    tally = SignInTally(_membership())
    entra.tally_sign_ins(_encoded(write_json_lines, sign_ins), tally)
    unknown = [u for u in tally.usage() if u.school_code == ""]
    assert unknown and {u.user_group for u in unknown} == {UNKNOWN_GROUP}


def test_failed_sign_ins_are_failures_not_use():
    sign_ins = [
        SignIn("2026-11-02T08:00:00Z", "a@x.se", "1", "app-1", "App", 0),
        SignIn("2026-11-02T08:01:00Z", "b@x.se", "2", "app-1", "App", 50126),
        SignIn("2026-11-02T08:02:00Z", "c@x.se", "3", "app-2", "Other", 53003),
    ]
    tally = SignInTally()
    entra.tally_sign_ins(_encoded(write_json_lines, sign_ins), tally)
    activity = {a.app_key: a for a in tally.activity()}
    assert (activity["app-1"].users, activity["app-1"].sign_ins, activity["app-1"].failures) == (1, 1, 1)
    assert (activity["app-2"].users, activity["app-2"].failures, activity["app-2"].last_seen) == (0, 1, None)


def test_the_period_bounds_are_inclusive_and_the_rest_is_counted_as_outside():
    sign_ins = [
        SignIn(f"2026-11-{day:02d}T23:59:59Z", "a@x.se", "1", "app-1", "App") for day in (1, 2, 29, 30)
    ]
    tally = SignInTally(since=datetime.date(2026, 11, 2), until=datetime.date(2026, 11, 29))
    entra.tally_sign_ins(_encoded(write_entra_csv, sign_ins), tally)
    assert tally.rows_counted == 2 and tally.outside_period == 2
    assert tally.period == (datetime.date(2026, 11, 2), datetime.date(2026, 11, 29))


def test_the_fast_line_reader_agrees_with_full_decoding_on_awkward_lines():
    awkward = graph_sign_in(SignIn("2026-11-03T10:00:00Z", "ö.ä@x.se", "9", "app-9", 'Lärresurs "Ä" \\ 2'))
    nested = graph_sign_in(SignIn("2026-11-03T10:00:00Z", "n@x.se", "8", "app-8", "Nested"))
    nested["appliedConditionalAccessPolicies"] = [{"id": "p", "appId": "not-the-app", "errorCode": 1}]
    page_line = {"value": [graph_sign_in(SignIn("2026-11-04T10:00:00Z", "p@x.se", "7", "app-7", "Paged"))]}
    lines = [json.dumps(awkward, ensure_ascii=False), json.dumps(nested), json.dumps(page_line), ""]
    records = list(entra._sign_in_lines(io.BytesIO("\n".join(lines).encode())))
    assert records == [
        ("app-9", 'Lärresurs "Ä" \\ 2', "ö.ä@x.se", "2026-11-03", 0),
        ("app-8", "Nested", "n@x.se", "2026-11-03", 0),
        ("app-7", "Paged", "p@x.se", "2026-11-04", 0),
    ]


def test_a_user_without_a_principal_name_is_counted_by_user_id():
    line = json.dumps({"createdDateTime": "2026-11-03T10:00:00Z", "userPrincipalName": "", "userId": "u-1",
                       "appId": "a", "appDisplayName": "A", "status": {"errorCode": 0}})  # fmt: skip
    tally = SignInTally()
    entra.tally_sign_ins(io.BytesIO((line + "\n" + line + "\n").encode()), tally)
    assert [(u.users, u.sign_ins) for u in tally.usage()] == [(1, 2)]


def test_the_admin_centres_older_date_format_is_understood():
    text = io.StringIO()
    write_entra_csv(text, [SignIn("2026-11-03T10:00:00Z", "a@x.se", "1", "app", "App")])
    older = text.getvalue().replace("2026-11-03T10:00:00Z", '"11/3/2026, 10:00:00 AM"')
    tally = SignInTally()
    entra.tally_sign_ins(io.BytesIO(older.encode()), tally)
    assert tally.period == (datetime.date(2026, 11, 3), datetime.date(2026, 11, 3))


def test_a_csv_without_the_application_column_is_refused_on_line_one():
    with pytest.raises(IdentityFileError, match=r"Application ID.*\(rad 1\)"):
        entra.tally_sign_ins(io.BytesIO(b"Date (UTC),Username,Sign-in error code\n"), SignInTally())


def test_no_user_identifier_leaves_the_tally():
    sign_ins = _sign_ins(300)
    tally = SignInTally(_membership())
    entra.tally_sign_ins(_encoded(write_json_lines, sign_ins), tally)
    published = repr(tally.usage()) + repr(tally.activity())
    for s in sign_ins:
        assert s.user_principal_name.casefold() not in published.casefold()
        assert s.user_id not in published


# JSON documents ---------------------------------------------------------------------------------


def test_documents_are_read_whole_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(jsonstream, "_CHUNK", 7)
    text = '{"value": [1, 2]}\n{"value": [3]} [10, 20]\n42 17'
    assert list(jsonstream.iter_documents(io.BytesIO(text.encode()))) == [
        {"value": [1, 2]}, {"value": [3]}, [10, 20], 42, 17,
    ]  # fmt: skip


def test_a_top_level_array_of_pages_yields_each_page():
    text = json.dumps([{"value": [1]}, {"value": [2]}])
    assert list(jsonstream.iter_documents(io.BytesIO(text.encode()))) == [{"value": [1]}, {"value": [2]}]


def test_a_broken_document_is_refused_with_its_number(monkeypatch):
    monkeypatch.setattr(jsonstream, "_CHUNK", 5)
    with pytest.raises(IdentityFileError, match=r"inte giltig JSON.*\(rad 2\)"):
        list(jsonstream.iter_documents(io.BytesIO(b'{"a": 1}\n{"b": [1, 2,, 3]}\n{"c": 3}')))


def test_a_document_larger_than_the_limit_is_refused_rather_than_read_whole(monkeypatch):
    monkeypatch.setattr(jsonstream, "_CHUNK", 1024)
    big = json.dumps({"value": ["x" * 100] * 200})
    with pytest.raises(IdentityFileError, match="större än"):
        list(jsonstream.iter_documents(io.BytesIO(big.encode()), max_document_bytes=4096))


# Google Workspace -------------------------------------------------------------------------------


def _token_activities() -> list[dict]:
    grants = [
        ("2026-11-02T07:55:00Z", "anna.elev@skola.mittkoping.se", "authorize"),
        ("2026-11-03T08:10:00Z", "anna.elev@skola.mittkoping.se", "activity"),
        ("2026-11-03T08:12:00Z", "david.elev@skola.mittkoping.se", "authorize"),
        ("2026-11-20T13:00:00Z", "david.elev@skola.mittkoping.se", "revoke"),
    ]
    return [
        google_activity(
            "token",
            at,
            email,
            event,
            {
                "client_id": "1234567890-abc.apps.googleusercontent.com",
                "app_name": "Kahoot!",
                "client_type": "WEB",
                "scope": ["openid", "https://www.googleapis.com/auth/userinfo.email"],
            },
        )  # fmt: skip
        for at, email, event in grants
    ]


def test_google_token_grants_count_as_use_and_revocations_do_not():
    text = io.StringIO()
    write_google_pages(text, _token_activities(), page_size=3)
    tally = SignInTally(read_membership((FIXTURES / "membership.csv").open("rb")))
    events = google.tally_activities(io.BytesIO(text.getvalue().encode()), tally, Source.GOOGLE_TOKEN)
    assert events == 4
    assert _counts(tally) == {
        ("1234567890-abc.apps.googleusercontent.com", "12345678", "elever"): (1, 2),
        ("1234567890-abc.apps.googleusercontent.com", "87654321", "elever"): (1, 1),
    }


def test_google_token_apps_carry_their_scopes():
    text = io.StringIO()
    write_google_pages(text, _token_activities())
    apps = google.discovered_apps(io.BytesIO(text.getvalue().encode()), Source.GOOGLE_TOKEN)
    assert [(a.name, a.sso_mode, a.scopes[0]) for a in apps] == [
        ("Kahoot!", SsoMode.OAUTH, "https://www.googleapis.com/auth/userinfo.email")
    ]


def test_google_saml_failures_are_failures():
    activities = [
        google_activity(
            "saml", "2026-11-02T07:55:00Z", "a@x.se", "login_success", {"application_name": "Skolon"}
        ),
        google_activity(
            "saml", "2026-11-02T07:56:00Z", "b@x.se", "login_failure", {"application_name": "Skolon"}
        ),
    ]
    text = io.StringIO()
    write_google_pages(text, activities)
    tally = SignInTally()
    google.tally_activities(io.BytesIO(text.getvalue().encode()), tally, Source.GOOGLE_SAML)
    [activity] = tally.activity()
    assert (activity.app_name, activity.users, activity.failures) == ("Skolon", 1, 1)


def test_a_token_export_given_as_saml_is_refused_naming_both():
    text = io.StringIO()
    write_google_pages(text, _token_activities())
    with pytest.raises(IdentityFileError, match="aktiviteter för token, inte saml"):
        google.tally_activities(io.BytesIO(text.getvalue().encode()), SignInTally(), Source.GOOGLE_SAML)


def test_an_entra_sign_in_export_given_as_google_is_refused():
    with pytest.raises(IdentityFileError, match="ingen aktivitet från Google"):
        google.tally_activities(_encoded(write_json_lines, _sign_ins(2)), SignInTally(), Source.GOOGLE_TOKEN)


# Membership -------------------------------------------------------------------------------------


def test_membership_reads_headers_in_any_case_and_normalises_groups_and_users():
    members = read_membership((FIXTURES / "membership.csv").open("rb"))
    assert members["bertil.elev@skola.mittkoping.se"] == Membership("12345678", "elever")
    assert members["cecilia.larare@mittkoping.se"] == Membership("87654321", "personal")
    assert members["david.elev@skola.mittkoping.se"].user_group == "elever"


def test_membership_refuses_a_school_code_that_is_not_eight_digits_naming_the_line():
    data = b"upn,skolenhetskod\na@x.se,12345678\nb@x.se,1234\n"
    with pytest.raises(IdentityFileError, match=r"1234 är inte åtta siffror\. \(rad 3\)"):
        read_membership(io.BytesIO(data))


def test_membership_without_a_school_column_is_refused():
    with pytest.raises(IdentityFileError, match="skolenhetskod"):
        read_membership(io.BytesIO(b"upn,namn\na@x.se,Anna\n"))


def test_applications_of_one_service_count_each_person_once():
    sign_ins = [
        SignIn("2026-11-02T08:00:00Z", "a@x.se", "1", "teams", "Microsoft Teams"),
        SignIn("2026-11-02T08:05:00Z", "a@x.se", "1", "teams-web", "Microsoft Teams Web Client"),
        SignIn("2026-11-02T08:06:00Z", "b@x.se", "2", "teams-web", "Microsoft Teams Web Client"),
        SignIn("2026-11-02T08:07:00Z", "b@x.se", "2", "other", "Other"),
    ]
    tally = SignInTally()
    entra.tally_sign_ins(_encoded(write_json_lines, sign_ins), tally)
    grouped = {u.app_key: (u.users, u.sign_ins) for u in tally.usage({"teams": "s1", "teams-web": "s1"})}
    assert grouped == {"s1": (2, 3), "other": (1, 1)}
