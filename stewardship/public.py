"""The public page (offentlighetsprincipen): what the administration uses, and why it processes data.

Opt-in (``PUBLIC_PAGE_ENABLED``, off by default), read-only, served without login, cached, and
built from an explicit list of public facts read with ``.values()`` so that nothing else can
leak into it: never internal notes, people's names or e-mail addresses, security measures, the
data protection officer's contact, recipients or other security details. The page makes two
queries when the cache is cold and none when it is warm.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control, cache_page
from django.views.decorators.vary import vary_on_headers

from gdpr.choices import ActivityStatus, DataSubjectCategory, LegalBasis
from gdpr.models import ProcessingActivity
from portfolio.choices import ApprovalStatus, AuthenticationMethod, LifecycleStatus
from portfolio.models import Contract, ContractService, LearningResource
from portfolio.text import split_lines

__all__ = ["PUBLIC_CACHE_SECONDS", "public_page"]

#: How long the page is cached, in the app and by browsers and proxies.
PUBLIC_CACHE_SECONDS = 15 * 60


def _school_years(start: int | None, end: int | None) -> str:
    def label(year: int) -> str:
        return {-1: "förskola", 0: "förskoleklass"}.get(year, f"åk {year}")

    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return label(start if start is not None else end)
    return f"{label(start)}–{label(end)}"


def learning_resources() -> list[dict]:
    """Approved learning resources in use, with public facts only (one query)."""
    today = timezone.localdate()
    # An uncorrelated IN, read once per query (as a correlated EXISTS around the contracts' own
    # subquery, SQLite evaluated that subquery again for every learning resource).
    with_agreement = ContractService.objects.filter(
        contract__in=Contract.objects.active(today).with_processor_agreement().values("pk"),
    ).values("service_id")
    rows = (
        LearningResource.objects.filter(approval_status=ApprovalStatus.APPROVED)
        .exclude(lifecycle_status=LifecycleStatus.RETIRED)
        .annotate(
            has_processor_agreement=ExpressionWrapper(Q(pk__in=with_agreement), output_field=BooleanField())
        )
        .values(
            "name",
            "vendor__name",
            "subjects",
            "school_year_from",
            "school_year_to",
            "authentication",
            "processes_personal_data",
            "has_processor_agreement",
        )
        .order_by("name")
    )
    methods = dict(AuthenticationMethod.choices)
    return [
        {
            "name": row["name"],
            "vendor": row["vendor__name"] or "",
            "subjects": split_lines(row["subjects"]),
            "school_years": _school_years(row["school_year_from"], row["school_year_to"]),
            "login": str(methods.get(row["authentication"], "")),
            "personal_data": row["processes_personal_data"],
            "processor_agreement": row["has_processor_agreement"],
        }
        for row in rows
    ]


def record_of_processing() -> list[dict]:
    """The active Article 30 record in summary, per controller (one query)."""
    rows = (
        ProcessingActivity.objects.filter(status=ActivityStatus.ACTIVE, controller__isnull=False)
        .values(
            "controller_id",
            "controller__name",
            "name",
            "purposes",
            "legal_basis",
            "legal_basis_law",
            "data_subject_categories",
            "retention_period",
        )
        .order_by("controller__name", "controller_id", "name")
    )
    bases = dict(LegalBasis.choices)
    subjects = dict(DataSubjectCategory.choices)
    controllers: dict[int, dict] = defaultdict(lambda: {"name": "", "activities": []})
    for row in rows:
        group = controllers[row["controller_id"]]
        group["name"] = row["controller__name"]
        group["activities"].append(
            {
                "name": row["name"],
                "purposes": row["purposes"],
                "legal_basis": str(bases.get(row["legal_basis"], "")),
                "legal_basis_law": row["legal_basis_law"],
                "data_subjects": [str(subjects.get(code, code)) for code in row["data_subject_categories"]],
                "retention": row["retention_period"],
            }
        )
    return list(controllers.values())


@cache_page(PUBLIC_CACHE_SECONDS, key_prefix="public")
@cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)
@vary_on_headers("Accept-Language")
def _cached_page(request: HttpRequest) -> HttpResponse:
    context = {
        "learning_resources": learning_resources(),
        "controllers": record_of_processing(),
        "generated": timezone.localtime(),
    }
    return render(request, "stewardship/public.html", context)


# A function view: a cached, anonymous page with no register behind it.
@login_not_required
def public_page(request: HttpRequest) -> HttpResponse:
    """``/offentlig/``: 404 unless ``settings.PUBLIC_PAGE_ENABLED``; checked before the cache."""
    if not getattr(settings, "PUBLIC_PAGE_ENABLED", False):
        raise Http404
    return _cached_page(request)
