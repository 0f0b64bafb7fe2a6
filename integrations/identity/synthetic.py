"""Sign-in exports in the shapes Microsoft and Google document, for the demo, tests and bench.

The demo municipality imports a discovered month through the same readers a real export goes
through, so these writers produce the real formats field for field: Graph ``signIn`` resources
(paged, or one per line), the Entra admin centre's sign-in CSV with its full header, and Reports
API activities. Nothing here is read by the importer itself.
"""

from __future__ import annotations

import csv
import json
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

TENANT_ID = "4f7e2c1a-5b3d-4e8f-9a6b-1c2d3e4f5a6b"
GRAPH_CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns"

#: The columns of the admin centre's "Download CSV" of *Sign-in logs*, in its order.
ENTRA_CSV_HEADER = [
    "Date (UTC)", "Request ID", "User agent", "Correlation ID", "User ID", "User", "Username",
    "User type", "Cross tenant access type", "Incoming token type", "Authentication Protocol",
    "Unique token identifier", "Client credential type", "Token issuer type", "Token issuer name",
    "Latency", "Conditional Access", "Managed Identity type", "Associated Resource Id",
    "Federated Token Id", "Federated Token Issuer", "Application", "Application ID", "Resource",
    "Resource ID", "Resource tenant ID", "Home tenant ID", "Home tenant name", "IP address",
    "Location", "Status", "Sign-in error code", "Failure reason", "Client app", "Device ID",
    "Browser", "Operating System", "Compliant", "Managed", "Join Type",
    "Multifactor authentication result", "Multifactor authentication auth method",
    "Multifactor authentication auth detail", "Authentication requirement", "Sign-in identifier",
    "Session ID", "IP address (seen by resource)", "Through Global Secure Access",
    "Global Secure Access IP address", "Autonomous system  number", "Flagged for review",
]  # fmt: skip

_FAILURE_REASONS = {
    0: "Other.",
    50126: "Error validating credentials due to invalid username or password.",
    50074: "Strong Authentication is required.",
    53003: "Access has been blocked by Conditional Access policies.",
}
_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@dataclass(frozen=True)
class SignIn:
    """One sign-in, as much as the writers need to produce any of the formats."""

    at: str  # ISO 8601 in UTC, "2026-11-03T07:58:12Z"
    user_principal_name: str
    user_id: str
    app_id: str
    app_name: str
    error_code: int = 0
    interactive: bool = True


def _request_id(sign_in: SignIn, salt: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{salt}|{sign_in.at}|{sign_in.user_id}|{sign_in.app_id}"))


def graph_sign_in(sign_in: SignIn) -> dict:
    """A Microsoft Graph v1.0 ``signIn`` resource with the fields Entra ID fills for a browser."""
    return {
        "id": _request_id(sign_in, "id"),
        "createdDateTime": sign_in.at,
        "userDisplayName": "",
        "userPrincipalName": sign_in.user_principal_name,
        "userId": sign_in.user_id,
        "appId": sign_in.app_id,
        "appDisplayName": sign_in.app_name,
        "ipAddress": "81.170.45.12",
        "clientAppUsed": "Browser",
        "correlationId": _request_id(sign_in, "correlation"),
        "conditionalAccessStatus": "notApplied",
        "isInteractive": sign_in.interactive,
        "riskDetail": "none",
        "riskLevelAggregated": "none",
        "riskLevelDuringSignIn": "none",
        "riskState": "none",
        "riskEventTypes_v2": [],
        "resourceDisplayName": "Windows Azure Active Directory",
        "resourceId": "00000002-0000-0000-c000-000000000000",
        "status": {
            "errorCode": sign_in.error_code,
            "failureReason": _FAILURE_REASONS.get(sign_in.error_code, "Other."),
            "additionalDetails": None,
        },
        "deviceDetail": {
            "deviceId": "",
            "displayName": "",
            "operatingSystem": "Windows10",
            "browser": "Chrome 131.0.0",
            "isCompliant": False,
            "isManaged": False,
            "trustType": "",
        },
        "location": {
            "city": "Stockholm",
            "state": "Stockholms Lan",
            "countryOrRegion": "SE",
            "geoCoordinates": {"altitude": None, "latitude": 59.3293, "longitude": 18.0686},
        },
        "appliedConditionalAccessPolicies": [],
    }


def write_graph_pages(stream: IO[str], sign_ins: Iterable[SignIn], *, page_size: int = 1000) -> None:
    """Graph pages one after another, each with ``@odata.nextLink`` but the last, pretty-printed."""
    pages = _pages(sign_ins, page_size)
    current = next(pages, [])
    number = 0
    while True:
        following = next(pages, None)
        number += 1
        document = {"@odata.context": GRAPH_CONTEXT, "value": [graph_sign_in(s) for s in current]}
        if following is not None:
            document["@odata.nextLink"] = (
                f"https://graph.microsoft.com/v1.0/auditLogs/signIns?$top={page_size}&$skiptoken={number}"
            )
        json.dump(document, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
        if following is None:
            break
        current = following


def _pages(items: Iterable[SignIn], size: int) -> Iterator[list[SignIn]]:
    page: list[SignIn] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def write_json_lines(stream: IO[str], sign_ins: Iterable[SignIn]) -> None:
    """One compact ``signIn`` resource per line."""
    for sign_in in sign_ins:
        stream.write(json.dumps(graph_sign_in(sign_in), ensure_ascii=False, separators=(",", ":")))
        stream.write("\n")


def write_entra_csv(stream: IO[str], sign_ins: Iterable[SignIn]) -> None:
    """The admin centre's sign-in CSV: every column, empty where Entra leaves it empty."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(ENTRA_CSV_HEADER)
    for s in sign_ins:
        row = dict.fromkeys(ENTRA_CSV_HEADER, "")
        row.update(
            {
                "Date (UTC)": s.at,
                "Request ID": _request_id(s, "id"),
                "User agent": _USER_AGENT,
                "Correlation ID": _request_id(s, "correlation"),
                "User ID": s.user_id,
                "User": "",
                "Username": s.user_principal_name,
                "User type": "Member",
                "Cross tenant access type": "None",
                "Incoming token type": "None",
                "Authentication Protocol": "none",
                "Token issuer type": "AzureAD",
                "Latency": "112",
                "Conditional Access": "Not Applied",
                "Application": s.app_name,
                "Application ID": s.app_id,
                "Resource": "Windows Azure Active Directory",
                "Resource ID": "00000002-0000-0000-c000-000000000000",
                "Resource tenant ID": TENANT_ID,
                "Home tenant ID": TENANT_ID,
                "IP address": "81.170.45.12",
                "Location": "Stockholm, Stockholms Lan, SE",
                "Status": "Success" if s.error_code == 0 else "Failure",
                "Sign-in error code": str(s.error_code),
                "Failure reason": _FAILURE_REASONS.get(s.error_code, "Other."),
                "Client app": "Browser",
                "Browser": "Chrome 131.0.0",
                "Operating System": "Windows10",
                "Compliant": "false",
                "Managed": "false",
                "Authentication requirement": "Single-factor authentication",
                "Sign-in identifier": s.user_principal_name,
                "Session ID": _request_id(s, "session"),
                "Through Global Secure Access": "No",
                "Flagged for review": "No",
            }
        )
        writer.writerow(row.values())


def google_activity(application: str, at: str, email: str, event: str, parameters: dict[str, object]) -> dict:
    """A Reports API ``activity`` resource with one event."""
    params = []
    for name, value in parameters.items():
        if isinstance(value, list):
            params.append({"name": name, "multiValue": value})
        elif isinstance(value, bool):
            params.append({"name": name, "boolValue": value})
        elif isinstance(value, int):
            params.append({"name": name, "intValue": str(value)})
        else:
            params.append({"name": name, "value": value})
    return {
        "kind": "admin#reports#activity",
        "id": {
            "time": at.replace("Z", ".000Z") if "." not in at else at,
            "uniqueQualifier": str(zlib.crc32(f"{application}|{at}|{email}|{event}".encode())),
            "applicationName": application,
            "customerId": "C03az79cb",
        },
        "etag": '"JDMC8884sebSctZ17CIssbQ/1hq8-M1mEDHBF_M2_VYO9mZmHds"',
        "actor": {
            "callerType": "USER",
            "email": email,
            "profileId": str(100000000000 + zlib.crc32(email.encode())),
        },
        "ipAddress": "81.170.45.12",
        "events": [
            {"type": "auth" if application == "token" else "login", "name": event, "parameters": params}
        ],
    }


def write_google_pages(stream: IO[str], activities: list[dict], *, page_size: int = 1000) -> None:
    """Reports API pages, each with ``nextPageToken`` but the last."""
    for start in range(0, max(len(activities), 1), page_size):
        page = {
            "kind": "admin#reports#activities",
            "etag": '"x"',
            "items": activities[start : start + page_size],
        }
        if start + page_size < len(activities):
            page["nextPageToken"] = f"A:{start + page_size}:token"
        json.dump(page, stream, ensure_ascii=False, indent=1)
        stream.write("\n")


def synthetic_month(
    *,
    people: int,
    rows: int,
    applications: list[tuple[str, str]],
    year: int = 2026,
    month: int = 11,
    seed: int = 1,
) -> Iterator[SignIn]:
    """``rows`` sign-ins over one month by ``people`` people, shaped like a school's log.

    Popularity follows a Zipf-like curve (a few platforms everyone uses, a long tail of apps a
    class uses); each person uses a handful of applications, signs in on school days during the
    school day, and about 3 % of attempts fail (wrong password, MFA, blocked). Deterministic for a
    seed. People are ``person{n}@skola.example.se``: the bench and demo use ``membership_rows``
    for the same names.
    """
    import calendar
    import random

    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(applications))]
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if calendar.weekday(year, month, day) < 5
    ]
    portfolios = []
    for _ in range(people):
        count = rng.randint(3, 12)
        portfolios.append(rng.choices(range(len(applications)), weights=weights, k=count))
    errors = [50126, 50074, 53003]
    per_person = max(rows // people, 1)
    produced = 0
    person = 0
    while produced < rows:
        upn = f"person{person}@skola.example.se"
        user_id = str(uuid.UUID(int=person + 1))
        own = portfolios[person]
        for _ in range(min(per_person, rows - produced)):
            app_id, name = applications[rng.choice(own)]
            clock = f"{rng.randint(6, 15):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
            at = f"{year}-{month:02d}-{rng.choice(days):02d}T{clock}Z"
            error = rng.choice(errors) if rng.random() < 0.03 else 0
            yield SignIn(at, upn, user_id, app_id, name, error)
            produced += 1
        person = (person + 1) % people


def membership_rows(
    people: int, schools: list[str], *, staff_share: float = 0.12
) -> Iterator[tuple[str, str, str]]:
    """(user, skolenhetskod, grupp) for the people ``synthetic_month`` signs in."""
    staff_every = max(int(1 / staff_share), 1)
    for person in range(people):
        group = "personal" if person % staff_every == 0 else "elever"
        yield f"person{person}@skola.example.se", schools[person % len(schools)], group


#: The tenant that owns Microsoft's own first-party applications (Teams, Exchange Online…).
MICROSOFT_TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"


def service_principal(
    app_id: str,
    name: str,
    *,
    mode: str | None = "saml",
    homepage: str | None = None,
    publisher: str = "",
    entity_id: str | None = None,
    first_party: bool = False,
    enabled: bool = True,
) -> dict:
    """A Microsoft Graph v1.0 ``servicePrincipal`` of an enterprise application, as Entra ID lists it."""
    names = [app_id, *([entity_id] if entity_id else [])]
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sp|{app_id}")),
        "accountEnabled": enabled,
        "appDisplayName": name,
        "appId": app_id,
        "appOwnerOrganizationId": MICROSOFT_TENANT_ID if first_party else TENANT_ID,
        "displayName": name,
        "homepage": homepage,
        "loginUrl": None,
        "preferredSingleSignOnMode": mode,
        "publisherName": publisher or None,
        "replyUrls": [f"{homepage.rstrip('/')}/saml/acs"] if homepage and mode == "saml" else [],
        "samlMetadataUrl": None,
        "servicePrincipalNames": names,
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
        "verifiedPublisher": {"displayName": None, "verifiedPublisherId": None, "addedDateTime": None},
    }


def write_service_principal_pages(stream: IO[str], principals: list[dict], *, page_size: int = 100) -> None:
    """``GET /servicePrincipals`` pages one after another, each with ``@odata.nextLink`` but the last."""
    context = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals"
    for start in range(0, max(len(principals), 1), page_size):
        page: dict = {"@odata.context": context, "value": principals[start : start + page_size]}
        if start + page_size < len(principals):
            page["@odata.nextLink"] = (
                f"https://graph.microsoft.com/v1.0/servicePrincipals?$skiptoken={start + page_size}"
            )
        json.dump(page, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
