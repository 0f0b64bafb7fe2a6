"""SS 12000 in: the organisation tree (huvudman, skolenheter) and, optionally, staff with duties.

SS 12000:2020 (SIS TK450, OpenAPI 2.1.0) is what school administration systems export. Its
``/organisations`` answer gives the huvudman and skolenheter with skolenhetskod and school
types; ``/duties`` and ``/persons`` give staff and their roles at the schools. The answers are
paged; each saved page is a JSON file ``{"data": [...], "pageToken": ...}``.

Organisations are written through ``OrganisationForm`` and persons through ``PersonForm`` with
``save_form``, in one transaction, so history names the user and the import. A person with a
security marking (``securityMarking`` other than "Ingen", e.g. skyddad folkbokföring) is stored
with no more than the role needs — the duty and the school, never the name or e-mail — and the
report says how many. Pupils and guardians in ``/persons`` are never stored: only persons who
hold a duty are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from integrations.spreadsheets import form_would_change, instance_form_data, snapshot_fields
from portfolio.choices import OrganisationKind, SchoolForm
from portfolio.forms import OrganisationForm, PersonForm
from portfolio.models import Organisation, Person
from portfolio.services import save_form

__all__ = ["SS12000Error", "SS12000Report", "import_ss12000", "load_pages"]

#: One saved page; a whole municipality's /organisations fits many times over.
MAX_PAGE_BYTES = 50 * 1024 * 1024
NO_MARKING = "Ingen"
PROTECTED_NAME = "Skyddad person"

ORGANISATION_KINDS = {
    "Huvudman": OrganisationKind.PRINCIPAL,
    "Verksamhetsområde": OrganisationKind.ADMINISTRATION,
    "Förvaltning": OrganisationKind.ADMINISTRATION,
    "Stadsdel": OrganisationKind.ADMINISTRATION,  # deprecated in 2.1; "Förvaltning" is its synonym
    "Rektorsområde": OrganisationKind.UNIT,
    "Skola": OrganisationKind.UNIT,
    "Skolenhet": OrganisationKind.SCHOOL_UNIT,
    "Varumärke": OrganisationKind.UNIT,
    "Bolag": OrganisationKind.UNIT,
    "Övrigt": OrganisationKind.UNIT,
}

#: SchoolTypesEnum → our school form, in the order that decides a skolenhet's main form.
SCHOOL_FORMS: dict[str, str] = {
    "GR": SchoolForm.COMPULSORY,
    "GRS": SchoolForm.COMPULSORY_ADAPTED,
    "TR": SchoolForm.COMPULSORY_ADAPTED,
    "GY": SchoolForm.UPPER_SECONDARY,
    "GYS": SchoolForm.UPPER_SECONDARY_ADAPTED,
    "FKLASS": SchoolForm.PRESCHOOL_CLASS,
    "FS": SchoolForm.PRESCHOOL,
    "VUX": SchoolForm.ADULT,
    "VUXGR": SchoolForm.ADULT,
    "VUXGY": SchoolForm.ADULT,
    "VUXSARGR": SchoolForm.ADULT,
    "VUXSARTR": SchoolForm.ADULT,
    "VUXSARGY": SchoolForm.ADULT,
    "SARVUX": SchoolForm.ADULT,
    "SARVUXGR": SchoolForm.ADULT,
    "SARVUXGY": SchoolForm.ADULT,
    "VUXSFI": SchoolForm.SFI,
    "SFI": SchoolForm.SFI,
    "FTH": SchoolForm.LEISURE,
    "OPPFTH": SchoolForm.LEISURE,
}


class SS12000Error(Exception):
    """The input is refused as a whole; nothing was written."""


@dataclass
class SS12000Report:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    protected_persons: int = 0
    persons_without_duty: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> str:
        text = _(
            "Organisationer: %(c)s nya, %(u)s uppdaterade, %(n)s oförändrade. Personal: %(pc)s nya, "
            "%(pu)s uppdaterade, %(pn)s oförändrade; %(prot)s med skyddsmarkering lagrades bara med "
            "tjänst och skolenhet (inget namn, ingen e-post); %(skip)s personer utan tjänstgöring "
            "(t.ex. elever) lagrades inte."
        ) % {
            "c": len(self.created),
            "u": len(self.updated),
            "n": self.unchanged,
            "pc": self.persons_created,
            "pu": self.persons_updated,
            "pn": self.persons_unchanged,
            "prot": self.protected_persons,
            "skip": self.persons_without_duty,
        }
        if self.applied:
            return text + " " + _("Importen är genomförd.")
        if self.dry_run:
            return text + " " + _("Provkörning: inget har sparats.")
        return text + " " + _("Inget har sparats eftersom indata innehåller fel.")


def load_pages(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The organisations, duties and persons in a saved page or a folder of pages."""
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json") if path.is_dir() else [path]
    if not files:
        raise SS12000Error(_("Inga .json-filer i %(path)s.") % {"path": path})
    found: dict[str, list[dict[str, Any]]] = {"organisations": [], "duties": [], "persons": []}
    for file in files:
        if file.stat().st_size > MAX_PAGE_BYTES:
            raise SS12000Error(
                _("%(file)s är större än %(mb)s MB.") % {"file": file.name, "mb": MAX_PAGE_BYTES >> 20}
            )
        try:
            page = json.loads(file.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SS12000Error(
                _("%(file)s är inte giltig JSON: %(reason)s") % {"file": file.name, "reason": exc}
            ) from exc
        items = page.get("data") if isinstance(page, dict) else page
        if not isinstance(items, list):
            raise SS12000Error(_("%(file)s saknar listan ”data”.") % {"file": file.name})
        for item in items:
            if not isinstance(item, dict) or not item.get("id"):
                raise SS12000Error(_("%(file)s: ett objekt saknar id.") % {"file": file.name})
            if "organisationType" in item:
                found["organisations"].append(item)
            elif "dutyRole" in item or "dutyAt" in item:
                found["duties"].append(item)
            elif "givenName" in item or "familyName" in item or "securityMarking" in item:
                found["persons"].append(item)
            else:
                raise SS12000Error(
                    _("%(file)s: objektet %(id)s är varken organisation, tjänstgöring eller person.")
                    % {"file": file.name, "id": item.get("id")}
                )
    return found


def _school_form(types: list[str]) -> str:
    for code in SCHOOL_FORMS:
        if code in types:
            return SCHOOL_FORMS[code]
    return SchoolForm.OTHER


def _ordered(organisations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before children, whatever the order of the pages; refuses a cycle."""
    by_id = {o["id"]: o for o in organisations}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    pending = list(organisations)
    while pending:
        progress = False
        for item in list(pending):
            parent = (item.get("parentOrganisation") or {}).get("id")
            if not parent or parent not in by_id or parent in placed:
                ordered.append(item)
                placed.add(item["id"])
                pending.remove(item)
                progress = True
        if not progress:
            raise SS12000Error(
                _("Organisationernas överordnade bildar en cirkel: %(ids)s")
                % {"ids": ", ".join(i["id"] for i in pending[:5])}
            )
    return ordered


class _Importer:
    def __init__(self, report: SS12000Report, user, reason: str) -> None:
        self.report = report
        self.user = user
        self.reason = reason
        self.by_external_id = {o.external_id: o for o in Organisation.objects.exclude(external_id="")}

    def _existing(self, item: dict[str, Any]) -> Organisation | None:
        if item["id"] in self.by_external_id:
            return self.by_external_id[item["id"]]
        code = (item.get("schoolUnitCode") or "").strip()
        if code:
            match = Organisation.objects.filter(school_unit_code=code).first()
            if match:
                return match
        number = (item.get("organisationNumber") or "").strip()
        if number:
            digits = number.replace("-", "")
            for candidate in Organisation.objects.exclude(organisation_number=""):
                if candidate.organisation_number.replace("-", "") == digits:
                    return candidate
        return None

    def organisation(self, item: dict[str, Any]) -> None:
        name = (item.get("displayName") or "").strip()
        kind = ORGANISATION_KINDS.get(item.get("organisationType") or "")
        if kind is None:
            self.report.errors.append(
                _("%(name)s: okänd organisationstyp ”%(type)s”.")
                % {"name": name or item["id"], "type": item.get("organisationType")}
            )
            return
        parent_id = (item.get("parentOrganisation") or {}).get("id")
        parent = self.by_external_id.get(parent_id) if parent_id else None
        if parent_id and parent is None:
            self.report.notes.append(
                _("%(name)s: den överordnade %(id)s finns inte i indata; läggs högst upp.")
                % {"name": name, "id": parent_id}
            )
        instance = self._existing(item)
        is_new = instance is None
        instance = instance or Organisation()
        snapshot = snapshot_fields(instance)
        data = instance_form_data(OrganisationForm, instance)
        data.update(
            {"name": name, "kind": kind, "parent": parent.pk if parent else "", "external_id": item["id"]}
        )
        if kind == OrganisationKind.SCHOOL_UNIT:
            data["school_form"] = _school_form(item.get("schoolTypes") or [])
            data["school_unit_code"] = (item.get("schoolUnitCode") or "").strip()
        else:
            data["school_form"] = ""
            data["school_unit_code"] = ""
        if item.get("organisationNumber"):
            data["organisation_number"] = item["organisationNumber"].strip()
        if item.get("email"):
            data["contact_email"] = item["email"].strip()
        end = item.get("endDate")
        if end:
            data["active"] = str(end) >= _today()
        form = OrganisationForm(data=data, instance=instance)
        if not form.is_valid():
            problems = "; ".join(f"{n}: {' '.join(m)}" for n, m in form.errors.items())
            self.report.errors.append(
                _("%(name)s (%(id)s): %(problems)s") % {"name": name, "id": item["id"], "problems": problems}
            )
            return
        if is_new or form_would_change(form, snapshot):
            instance = save_form(form, user=self.user, reason=self.reason)
            (self.report.created if is_new else self.report.updated).append(instance.name)
        else:
            self.report.unchanged += 1
        self.by_external_id[item["id"]] = instance

    def persons(self, persons: list[dict[str, Any]], duties: list[dict[str, Any]]) -> None:
        duty_by_person: dict[str, dict[str, Any]] = {}
        for duty in sorted(duties, key=lambda d: str(d.get("startDate") or "")):
            person_id = (duty.get("person") or {}).get("id")
            if person_id and person_id not in duty_by_person:
                duty_by_person[person_id] = duty
        existing = {p.external_id: p for p in Person.objects.exclude(external_id="")}
        for item in persons:
            duty = duty_by_person.get(item["id"])
            if duty is None:
                self.report.persons_without_duty += 1
                continue
            school = self.by_external_id.get((duty.get("dutyAt") or {}).get("id"))
            protected = (item.get("securityMarking") or NO_MARKING) != NO_MARKING
            instance = existing.get(item["id"]) or Person()
            is_new = instance.pk is None
            snapshot = snapshot_fields(instance)
            data = instance_form_data(PersonForm, instance)
            title = str(duty.get("dutyRole") or "")
            data.update(
                {
                    "title": title,
                    "organisation": school.pk if school else "",
                    "external_id": item["id"],
                    "active": True,
                }
            )
            if protected:
                # Only what the role needs: which duty at which school. No name, no e-mail.
                data.update({"name": PROTECTED_NAME, "email": ""})
                self.report.protected_persons += 1
            else:
                name = " ".join(p for p in (item.get("givenName"), item.get("familyName")) if p)
                data["name"] = name or item["id"]
                work = [
                    e.get("value")
                    for e in item.get("emails") or []
                    if e.get("type") == "Tjänst" and e.get("value")
                ]
                data["email"] = (work[0] if work else "").lower()
            form = PersonForm(data=data, instance=instance)
            if not form.is_valid():
                problems = "; ".join(f"{n}: {' '.join(m)}" for n, m in form.errors.items())
                label = PROTECTED_NAME if protected else data["name"]
                self.report.errors.append(
                    _("Person %(label)s (%(id)s): %(problems)s")
                    % {"label": label, "id": item["id"], "problems": problems}
                )
                continue
            if is_new or form_would_change(form, snapshot):
                saved = save_form(form, user=self.user, reason=self.reason)
                if protected and not is_new:
                    erase_from_history(saved)
                if is_new:
                    self.report.persons_created += 1
                else:
                    self.report.persons_updated += 1
            else:
                self.report.persons_unchanged += 1


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def import_ss12000(path: Path, *, user=None, dry_run: bool = False) -> SS12000Report:
    """Import the organisations (and staff, if duties and persons are given) under ``path``."""
    found = load_pages(path)
    report = SS12000Report(dry_run=dry_run)
    if not found["organisations"] and not found["persons"]:
        raise SS12000Error(_("Indata innehåller inga organisationer."))
    if found["persons"] and not found["duties"]:
        report.notes.append(_("Personer utan /duties lagras inte: tjänstgöringen anger vem som är personal."))
    reason = f"SS 12000: {path.name}"[:100]
    with transaction.atomic():
        importer = _Importer(report, user, reason)
        for item in _ordered(found["organisations"]):
            importer.organisation(item)
        importer.persons(found["persons"], found["duties"])
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def erase_from_history(person: Person) -> int:
    """Blank the name and e-mail of a newly protected person in every earlier history row.

    A person who gets a security marking after an earlier import would otherwise stay findable
    by name in the history tables (skyddade personuppgifter; GDPR Art. 5(1)(f) and 32). The
    history keeps that the record changed, not who the person is.
    """
    return Person.history.filter(id=person.pk).update(name=PROTECTED_NAME, email="", search_text="")
