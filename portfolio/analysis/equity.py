"""Likvärdighet: do the schools of one school form have the same digital support?

The matrix is skolenheter × capabilities (and learning-resource subjects). A school *has* a
column when a service in use that serves it is registered as used by the school itself, or an
identity provider measured the school's people using it (``portfolio.evidence``). Use
registered on the förvaltning is the förvaltning's own staff, not its schools: counting it for
every school below would hide exactly the differences this analysis is for. Schools are compared
with the other active schools of the same school form — a förskola is not expected to have the
gymnasium's course administration.

Two findings:

* **saknas** — the school lacks a column that at least :data:`LACK_THRESHOLD` of its peers
  (and at least two of them) have;
* **annat system** — the school has the column, but through none of the services most of its
  peers use for it (the most common one, used by at least :data:`LACK_THRESHOLD` of them).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portfolio.choices import SchoolForm

from .data import Landscape, OrganisationRow
from .shapes import attr

__all__ = ["EquityCell", "EquityColumn", "EquityFinding", "EquityMatrix", "EquitySchool", "equity_matrix"]

#: Share of same-form peers that must have something before its absence is a finding.
LACK_THRESHOLD = 0.5


@dataclass
class EquitySchool:
    school_id: int = attr(help="Skolenhetens primärnyckel.")
    name: str = attr(help="Skolenhetens namn.")
    school_form: str = attr(help="Skolformens kod.")


@dataclass
class EquityColumn:
    key: str = attr(help="”capability:<id>” eller ”subject:<ämne>”.")  # "capability:<pk>" or "subject:<name>"
    kind: str = attr(help="”capability” eller ”subject”.")
    name: str = attr(help="Förmågans eller ämnets namn.")
    schools_with: int = attr(help="Antal skolenheter som har den.")


@dataclass
class EquityCell:
    school_id: int = attr(help="Skolenhetens primärnyckel.")
    column_key: str = attr(help="Kolumnens nyckel.")
    services: list[str] = attr(help="Tjänsternas namn.")


@dataclass
class EquityFinding:
    school_id: int = attr(help="Skolenhetens primärnyckel.", command=False)
    school: str = attr(help="Skolenhetens namn.")
    school_form: str = attr(help="Skolformens kod.")
    column_key: str = attr(help="Kolumnens nyckel.", command=False)
    column: str = attr(help="Förmågan eller ämnet.")
    kind: str = attr(help="”saknas” eller ”annat system”.")
    peers_with: int = attr(help="Jämförbara skolor som har det (eller det vanliga systemet).")
    peers: int = attr(help="Antal jämförbara skolor (samma skolform).")
    explanation: str = attr(help="Skillnaden i ord.")
    fix: str = attr(help="Vad man bör göra.")


@dataclass
class EquityMatrix:
    schools: list[EquitySchool] = attr(help="Raderna.", default_factory=list)
    columns: list[EquityColumn] = attr(help="Kolumnerna.", default_factory=list)
    cells: list[EquityCell] = attr(help="Ifyllda celler.", default_factory=list)
    findings: list[EquityFinding] = attr(help="Skillnaderna.", default_factory=list)


def equity_matrix(
    schools: QuerySet | None = None,
    applications: QuerySet | None = None,
    learning_resources: QuerySet | None = None,
    *,
    include_subjects: bool = True,
    today: datetime.date | None = None,
    landscape: Landscape | None = None,
) -> EquityMatrix:
    """The school × capability/subject matrix and where schools differ from their peers.

    ``schools`` defaults to every active skolenhet; services to those in use. Eight queries, none
    when the caller passes the ``landscape`` it has loaded already (the färdplan's future state
    reads SSO, cost and equity off one).
    """
    landscape = landscape or Landscape(applications, learning_resources, today=today)
    if schools is None:
        school_rows = landscape.school_units()
    else:
        wanted = set(schools.values_list("pk", flat=True))
        school_rows = [o for o in landscape.school_units() if o.pk in wanted]
    used_by = landscape.services_used_by()
    form_labels = dict(SchoolForm.choices)

    # school pk → column key → service names
    has: dict[int, dict[str, set[tuple[str, int]]]] = {}
    column_names: dict[str, tuple[str, str]] = {}
    for school in school_rows:
        columns: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for key in used_by.get(school.pk, ()):
            service = landscape.services[key]
            for capability_id in service.capability_ids:
                column = f"capability:{capability_id}"
                column_names[column] = (
                    "capability",
                    landscape.capabilities.get(capability_id, str(capability_id)),
                )
                columns[column].add(key)
            if include_subjects:
                for subject in service.subjects:
                    column = f"subject:{subject.casefold()}"
                    column_names.setdefault(column, ("subject", subject))
                    columns[column].add(key)
        has[school.pk] = columns

    matrix = EquityMatrix(
        schools=[EquitySchool(s.pk, s.name, s.school_form) for s in school_rows],
    )
    counts = Counter(column for columns in has.values() for column in columns)
    matrix.columns = sorted(
        (EquityColumn(key, kind, name, counts[key]) for key, (kind, name) in column_names.items()),
        key=lambda c: (c.kind != "capability", c.name.casefold()),
    )
    for school in school_rows:
        for column, keys in sorted(has[school.pk].items()):
            matrix.cells.append(
                EquityCell(school.pk, column, sorted(landscape.services[k].name for k in keys))
            )

    by_form: dict[str, list[OrganisationRow]] = defaultdict(list)
    for school in school_rows:
        by_form[school.school_form].append(school)
    for form, members in by_form.items():
        peers = len(members) - 1
        if peers < 2:
            continue
        for column_key, (_kind, column_name) in sorted(
            column_names.items(), key=lambda c: c[1][1].casefold()
        ):
            holders = [s for s in members if column_key in has[s.pk]]
            service_use = Counter(k for s in holders for k in has[s.pk][column_key])
            for school in members:
                own = has[school.pk].get(column_key)
                context = {
                    "school": school.name,
                    "column": column_name,
                    "peers": peers,
                    "form": str(form_labels.get(form, form)).lower(),
                }
                if own is None:
                    peers_with = len(holders)
                    if peers_with >= 2 and peers_with / peers >= LACK_THRESHOLD:
                        matrix.findings.append(_lack(school, column_key, peers_with, context))
                    continue
                peer_use = service_use - Counter(own)
                top = peer_use.most_common(1)
                if top and top[0][1] >= 2 and top[0][1] / peers >= LACK_THRESHOLD and top[0][0] not in own:
                    context["own"] = ", ".join(sorted(landscape.services[k].name for k in own))
                    context["top"] = landscape.services[top[0][0]].name
                    matrix.findings.append(_different(school, column_key, top[0][1], context))
    matrix.findings.sort(key=lambda f: (f.school.casefold(), f.kind, f.column.casefold()))
    return matrix


def _lack(school: OrganisationRow, column_key: str, peers_with: int, context: dict) -> EquityFinding:
    return EquityFinding(
        school_id=school.pk,
        school=school.name,
        school_form=school.school_form,
        column_key=column_key,
        column=context["column"],
        kind="saknas",
        peers_with=peers_with,
        peers=context["peers"],
        explanation=_(
            "%(school)s saknar %(column)s, som %(with)d av %(peers)d andra skolenheter inom %(form)s har."
        )
        % {**context, "with": peers_with},
        fix=_(
            "Ta reda på om skolan behöver stödet; ge den i så fall tillgång till den tjänst de andra "
            "använder, eller registrera användningen om den saknas i registret."
        ),
    )


def _different(school: OrganisationRow, column_key: str, count: int, context: dict) -> EquityFinding:
    return EquityFinding(
        school_id=school.pk,
        school=school.name,
        school_form=school.school_form,
        column_key=column_key,
        column=context["column"],
        kind="annat system",
        peers_with=count,
        peers=context["peers"],
        explanation=_(
            "%(school)s använder %(own)s för %(column)s, medan %(count)d av %(peers)d andra skolenheter "
            "inom %(form)s använder %(top)s."
        )
        % {**context, "count": count},
        fix=_(
            "Pröva om skolan kan gå över till %(top)s; det ger eleverna lika stöd och en tjänst "
            "mindre att förvalta."
        )
        % context,
    )
