"""The Upptäckt pages: what the identity providers revealed, the review queue, and the upload.

Thin views (docs/architecture.md, "Figures come from the domain"): the counts are the
querysets of ``DiscoveredApplication`` and the evidence functions, the writes are Forms saved by
``discovery.services`` and the upload's steps are ``discovery.uploads`` run as tasks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Max, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import TemplateView

from portfolio.history import changes
from portfolio.models import Application, Contract, LearningResource, Service
from portfolio.services import StaleEditError, version_from_request
from portfolio.text import fold
from portfolio.views_generic import detail_url, page_url

from .choices import Decision, Directory
from .evidence import DORMANT_DAYS, contradictions, dormant_services, seat_surplus
from .filters import DiscoveredApplicationFilterSet
from .forms import IdentityUploadForm, application_form_initial, registration_form_class
from .models import DiscoveredApplication, IdentityImport, IdentityUpload, MeasuredUsage
from .services import decide, register_service
from .tasks import check_identity_upload_task, import_identity_upload_task
from .uploads import cancel_upload, progress_of, store_upload

VIEW = "discovery.view_discoveredapplication"
DECIDE = "discovery.change_discoveredapplication"
UPLOAD = "discovery.add_identityimport"

#: The groups of discovered applications, by the name in the URL: (queryset method, heading).
GROUPS: dict[str, tuple[str, Any]] = {
    "granska": ("to_review", gettext_lazy("Att granska")),
    "oregistrerade": ("shadow_it", gettext_lazy("Oregistrerade (skugg-IT)")),
    "forslag": ("suggested", gettext_lazy("Förslag att granska")),
    "matchade": ("registered", gettext_lazy("Registrerade tjänster")),
    "inte-tjanst": ("not_a_service", gettext_lazy("Inte en tjänst")),
    "plattformens": ("platform_own", gettext_lazy("Identitetsleverantörens egna appar")),
    "alla": ("all", gettext_lazy("Alla upptäckta")),
}


def _group(name: str):
    method, _title = GROUPS[name]
    return getattr(DiscoveredApplication.objects, method)()


class DiscoveryPage(PermissionRequiredMixin, TemplateView):
    permission_required = VIEW
    raise_exception = True


class OverviewView(DiscoveryPage):
    """/upptackt/: counts, charts, the lists of each group and the latest imports."""

    template_name = "discovery/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applications = DiscoveredApplication.objects.all()
        directory = self.request.GET.get("katalog", "")
        if directory in Directory.values:
            applications = applications.filter(directory=directory)
        counts = applications.group_counts()
        group_bars = [
            _bar(_("Registrerade tjänster"), counts["registered"], "matchade", directory),
            _bar(_("Förslag att granska"), counts["suggested"], "forslag", directory),
            _bar(_("Oregistrerade (skugg-IT)"), counts["shadow_it"], "oregistrerade", directory, "high"),
            _bar(_("Inte en tjänst"), counts["not_a_service"], "inte-tjanst", directory),
            _bar(_("Identitetsleverantörens egna appar"), counts["platform_own"], "plattformens", directory),
        ]
        mode_bars = [{"label": label, "value": value} for label, value in applications.sign_on_mode_counts()]
        shadow = list(
            applications.shadow_it()
            .with_latest_users()
            .order_by(F("users").desc(nulls_last=True), "name", "pk")[:10]
        )
        context.update(
            {
                "counts": counts,
                "group_bars": group_bars,
                "mode_bars": mode_bars,
                "shadow": shadow,
                "shadow_bars": [
                    {
                        "label": a.name,
                        "value": a.users or 0,
                        "url": reverse("discovery:application", args=[a.pk]),
                    }
                    for a in shadow
                    if a.users
                ],
                "imports": IdentityImport.objects.select_related("imported_by")[:10],
                "directory": directory,
                "directories": Directory.choices,
                "latest_period": MeasuredUsage.objects.aggregate(end=Max("period_end"))["end"],
                "may_upload": self.request.user.has_perm(UPLOAD),
            }
        )
        context.update(_evidence_context(self.request))
        return context


def target_url(service_type: str, service_id: int) -> str | None:
    """The page of a service named by (kind, id), as the analyses name it."""
    model = LearningResource if service_type == "learning_resource" else Application
    return page_url(model, service_id)


def _bar(label: str, value: int, group: str, directory: str, tone: str = "default") -> dict[str, Any]:
    url = f"{reverse('discovery:applications')}?grupp={group}"
    if directory in Directory.values:
        url += f"&katalog={directory}"
    return {"label": label, "value": value, "url": url, "tone": tone}


def _evidence_context(request: HttpRequest) -> dict[str, Any]:
    """Contradictions, dormant services and seat surplus (``discovery.evidence``), linked to their pages."""
    found_contradictions = contradictions()
    dormant = dormant_services(DORMANT_DAYS)
    surplus = seat_surplus()
    return {
        "evidence": {
            "contradictions": [
                {"name": c.name, "text": c.explanation, "url": target_url(c.service_type, c.service_id)}
                for c in found_contradictions
            ],
            "dormant": [
                {"name": d.name, "text": d.explanation, "url": target_url(d.service_type, d.service_id)}
                for d in dormant
            ],
            "dormant_days": DORMANT_DAYS,
            "surplus": [
                {"name": s.contract, "text": s.explanation, "url": page_url(Contract, s.contract_id)}
                for s in surplus
            ],
            "surplus_sek": sum((s.unused_value or 0 for s in surplus), Decimal(0)),
        }
    }


class ApplicationListView(DiscoveryPage):
    """/upptackt/applikationer/?grupp=…: one group of discovered applications, the review queue first."""

    template_name = "discovery/application_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.request.GET.get("grupp") or "granska"
        if group not in GROUPS:
            group = "granska"
        directory = self.request.GET.get("katalog", "")
        query = (self.request.GET.get("q") or "").strip()
        # The review queue's FilterSet (the same as the GraphQL connection's) narrows the group.
        filterset = DiscoveredApplicationFilterSet(
            {"q": query, "directory": [directory] if directory in Directory.values else []},
            queryset=_group(group).select_related("service"),
        )
        applications = filterset.qs
        applications = applications.with_latest_users().prefetch_related("suggested_services")
        page = Paginator(applications.order_by("name", "pk"), self.paginate_by).get_page(
            self.request.GET.get("sida")
        )
        context.update(
            {
                "group": group,
                "group_title": GROUPS[group][1],
                "groups": [(key, title) for key, (_m, title) in GROUPS.items()],
                "page_obj": page,
                "applications": page.object_list,
                "directory": directory,
                "directories": Directory.choices,
                "query": query,
                "may_decide": self.request.user.has_perm(DECIDE),
            }
        )
        return context


#: Above this many registered services the merge list offers all of them only on a search: a real
#: municipality has a few hundred (one select is fine), a register of thousands would send every
#: name with each page.
MERGE_LIST_LIMIT = 500
#: How many services a search offers at most.
MERGE_SEARCH_LIMIT = 50


def _merge_choices(
    application: DiscoveredApplication, query: str = ""
) -> tuple[list[tuple[str, list[tuple[int, str]]]], int]:
    """The services to merge into (option groups, suggested ones first), and how many registered
    services there are: every one when few, else those matching ``query`` (the words of the
    folded search column, as the register's lists search)."""
    suggested = list(application.suggested_services.order_by("name", "pk").values_list("pk", "name"))
    if application.service_id and application.service_id not in {pk for pk, _n in suggested}:
        suggested.insert(0, (application.service_id, application.service.name))
    chosen = {pk for pk, _n in suggested}
    services = Service.objects.order_by("name", "pk")
    total = services.count()
    words = fold(query).split()
    if words:
        for word in words:
            services = services.filter(search_text__contains=word)
        services = services[: MERGE_SEARCH_LIMIT + len(chosen)]
    elif total > MERGE_LIST_LIMIT:
        services = services.none()
    others = [(pk, name) for pk, name in services.values_list("pk", "name") if pk not in chosen]
    groups = []
    if suggested:
        groups.append((_("Föreslagna"), suggested))
    if words:
        groups.append((_("Sökträffar"), others[:MERGE_SEARCH_LIMIT]))
    elif others:
        groups.append((_("Alla tjänster"), others))
    return groups, total


class ApplicationDetailView(DiscoveryPage):
    """One discovered application: what the identity provider says, its use, history and the decision."""

    template_name = "discovery/application_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = get_object_or_404(
            DiscoveredApplication.objects.select_related("service"), pk=self.kwargs["pk"]
        )
        usage = (
            MeasuredUsage.objects.filter(
                Q(application=application)
                | Q(service_id=application.service_id, directory=application.directory)
            )
            if application.service_id
            else MeasuredUsage.objects.filter(application=application)
        )
        merge_query = (self.request.GET.get("tjanst") or "").strip()
        merge_choices, services_total = _merge_choices(application, merge_query)
        context.update(
            {
                "application": application,
                "service_url": detail_url(application.service) if application.service_id else None,
                "usage": usage.select_related("organisation").order_by(
                    "-period_end", "organisation__name", "user_group"
                )[:200],
                "changes": changes(application),
                "may_decide": self.request.user.has_perm(DECIDE),
                "may_register": self.request.user.has_perm(DECIDE)
                and (
                    self.request.user.has_perm("portfolio.add_application")
                    or self.request.user.has_perm("portfolio.add_learningresource")
                ),
                "merge_choices": merge_choices,
                "merge_query": merge_query,
                "merge_needs_search": services_total > MERGE_LIST_LIMIT,
                "services_total": services_total,
                "decisions": {d.name: d.value for d in Decision},
            }
        )
        return context


# A function view: one POST action (a decision) that redirects.
@require_POST
@permission_required(DECIDE, raise_exception=True)
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a decision on a discovered application through ``DecisionForm``, with history."""
    application = get_object_or_404(DiscoveredApplication, pk=pk)
    try:
        form, saved = decide(
            application,
            request.POST,
            user=request.user,
            expected_version=version_from_request(request.POST.get("version"), application),
        )
    except StaleEditError as error:
        messages.error(request, str(error))
        return redirect("discovery:application", pk=pk)
    if saved is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("discovery:application", pk=pk)
    texts = {
        Decision.IS_SERVICE: _("%(app)s är nu kopplad till %(service)s."),
        Decision.NOT_A_SERVICE: _("%(app)s är markerad som inte en tjänst."),
        Decision.UNDECIDED: _("Beslutet om %(app)s är ångrat."),
    }
    messages.success(
        request, texts[Decision(saved.decision)] % {"app": saved.name, "service": saved.service or ""}
    )
    following = request.POST.get("next", "")
    if following.startswith("/upptackt/") and "//" not in following:
        return HttpResponseRedirect(following)
    return redirect("discovery:application", pk=pk)


# A function view: the register's own service form, prefilled, whose save also decides.
@require_http_methods(["GET", "POST"])
@permission_required(DECIDE, raise_exception=True)
def register_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a discovered application as a new service (the form prefilled from it)."""
    application = get_object_or_404(DiscoveredApplication, pk=pk)
    kind = "learning_resource" if request.GET.get("typ") == "larresurs" else "application"
    add_perm = (
        "portfolio.add_learningresource" if kind == "learning_resource" else "portfolio.add_application"
    )
    if not request.user.has_perm(add_perm):
        raise PermissionDenied
    if application.decision != Decision.UNDECIDED:
        messages.warning(request, _("Applikationen har redan ett beslut; ångra det först."))
        return redirect("discovery:application", pk=pk)
    form_class = registration_form_class(kind)
    if request.method == "POST":
        form = form_class(data=request.POST)
        if form.is_valid():
            try:
                service = register_service(
                    application,
                    form,
                    user=request.user,
                    expected_version=version_from_request(request.POST.get("version"), application),
                )
            except StaleEditError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(service)s är registrerad och kopplad till den upptäckta applikationen.")
                    % {"service": service.name},
                )
                return HttpResponseRedirect(detail_url(service.as_kind()))
        status = 400
    else:
        form = form_class(initial=application_form_initial(application))
        status = 200
    context = {
        "application": application,
        "form": form,
        "kind": kind,
        "version": application.version,
        "title": _("Registrera %(name)s") % {"name": application.name},
    }
    return render(request, "discovery/register.html", context, status=status)


# --- the upload -------------------------------------------------------------------------------


# A function view: the upload is a workflow (upload, dry run, confirm) over one stored file.
@require_http_methods(["GET", "POST"])
@permission_required(UPLOAD, raise_exception=True)
def upload_view(request: HttpRequest) -> HttpResponse:
    """Upload an export; its dry run runs in the background and the status page follows it."""
    form = IdentityUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = store_upload(
            user=request.user,
            source=form.cleaned_data["source"],
            uploaded=form.cleaned_data["file"],
            file_name=form.file_name,
            membership=form.cleaned_data.get("membership"),
            membership_name=form.membership_name,
        )
        check_identity_upload_task.enqueue(upload.pk)
        return redirect("discovery:upload_status", pk=upload.pk)
    recent = IdentityUpload.objects.filter(user=request.user)[:10]
    context = {"form": form, "recent": recent}
    return render(request, "discovery/upload.html", context, status=400 if request.method == "POST" else 200)


def _own_upload(request: HttpRequest, pk: int) -> IdentityUpload:
    if not request.user.has_perm(UPLOAD):
        raise PermissionDenied
    return get_object_or_404(IdentityUpload, pk=pk, user=request.user)


# A function view: one upload's state, for its own user (and, as JSON, for the progress bar).
def upload_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where an upload stands: progress while a task reads it, then the dry run or the outcome."""
    upload = _own_upload(request, pk)
    progress = progress_of(upload) if upload.working else None
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": upload.status, "label": upload.get_status_display(), "progress": progress}
        )
    context = {"upload": upload, "progress": progress, "report": upload.report or None}
    return render(request, "discovery/upload_status.html", context)


# A function view: one POST action that queues the import and redirects.
@require_POST
def upload_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a dry-run upload for real (a background task); its file is deleted once read."""
    upload = _own_upload(request, pk)
    if upload.status != IdentityUpload.Status.CHECKED:
        raise Http404
    if timezone.now() - upload.created > upload.CONFIRM_WITHIN:
        cancel_upload(upload)
        messages.warning(request, _("Provkörningen är för gammal; ladda upp filen igen."))
        return redirect("discovery:upload")
    with transaction.atomic():
        upload.status = IdentityUpload.Status.IMPORTING
        upload.save(update_fields=["status"])
    import_identity_upload_task.enqueue(upload.pk)
    return redirect("discovery:upload_status", pk=upload.pk)


# A function view: one POST action that forgets a dry run and its file.
@require_POST
def upload_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _own_upload(request, pk)
    if upload.status != IdentityUpload.Status.CHECKED:
        raise Http404
    cancel_upload(upload)
    messages.info(request, _("Importen är avbruten och filen raderad."))
    return redirect("discovery:upload")
