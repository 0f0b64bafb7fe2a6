"""Pages of the review round. Thin: they present what ``services`` and ``progress`` return."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portfolio.services import StaleEditError, version_from_request
from portfolio.spreadsheets import xlsx_bytes
from portfolio.views_generic import detail_url
from stewardship import services
from stewardship.forms import RoundForm
from stewardship.models import ItemStatus, ReviewItem, ReviewRound
from stewardship.progress import result_frames, round_items, round_progress
from stewardship.sections import round_sections


def _require_manager(request: HttpRequest) -> None:
    if not services.can_manage_rounds(request.user):
        raise PermissionDenied


# A function view: the review round is a workflow (start, answer, close), not a register with a
# FilterSet, a Form and history, so the generic register views do not fit; each view is a few
# lines over stewardship.services. The same holds for the views below.
def round_list(request: HttpRequest) -> HttpResponse:
    if not services.can_manage_rounds(request.user):
        return redirect("stewardship:my_items")
    rounds = ReviewRound.objects.annotate(
        total=models.Count("items"),
        answered=models.Count("items", filter=~models.Q(items__status=ItemStatus.OPEN)),
    ).select_related("started_by")
    return render(request, "stewardship/round_list.html", {"rounds": rounds, "today": timezone.localdate()})


# A function view: the round form's kinds depend on the user (see round_list).
def round_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    # A list page can link here with its selection: ?filter_application=lifecycle_status%3Di_drift
    preset = {name: value for name, value in request.GET.items() if name.startswith("filter_")}
    allowed = services.reviewable_kinds(request.user)
    if request.method == "POST" and not set(request.POST.getlist("kinds")) <= set(allowed):
        # A kind the user may not change: refused as its edit page would refuse it, not just invalid.
        raise PermissionDenied
    form = RoundForm(request.POST or None, initial=preset, allowed_kinds=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.start_round(
                name=form.cleaned_data["name"],
                start=form.cleaned_data["start"],
                deadline=form.cleaned_data["deadline"],
                reminder_days=form.cleaned_data["reminder_days"],
                kinds=form.cleaned_data["kinds"],
                filters=form.selection_filters(),
                user=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                target = f"filter_{field}" if f"filter_{field}" in form.fields else field
                form.add_error(target if target in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Omgången startades med %(items)s poster; e-post till de ansvariga skickas i bakgrunden.")
                % {"items": round_.items.count()},
            )
            return redirect("stewardship:round_detail", pk=round_.pk)
    return render(request, "stewardship/round_form.html", {"form": form})


# A function view: one round's progress from stewardship.progress (see round_list).
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    round_ = get_object_or_404(ReviewRound.objects.select_related("started_by"), pk=pk)
    items = round_items(round_)
    for item in items:
        item.detail_url = detail_url(item.target)
    context = {
        "round": round_,
        "items": items,
        "progress": round_progress(items),
        "overdue": round_.is_overdue(),
        "notifications": round_.notifications.select_related("person").order_by("-sent_at")[:50],
        "sections": round_sections(round_),
    }
    return render(request, "stewardship/round_detail.html", context)


# A function view: the round's answers as a workbook (see round_list).
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    round_ = get_object_or_404(ReviewRound, pk=pk)
    response = HttpResponse(
        xlsx_bytes(result_frames(round_)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="granskning-{slugify(round_.name) or round_.pk}.xlsx"'
    )
    return response


# A function view: one POST action that redirects.
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    round_ = get_object_or_404(ReviewRound, pk=pk)
    if round_.is_open:
        services.close_round(round_, user=request.user)
        messages.success(request, _("Omgången är avslutad."))
    return redirect("stewardship:round_detail", pk=pk)


# A function view: the responsible person's open items (see round_list).
def my_items(request: HttpRequest) -> HttpResponse:
    """The responsible person's page: exactly their records in open rounds, with what to look at."""
    people = services.people_of(request.user)
    items = list(
        ReviewItem.objects.filter(person__in=people)
        .in_open_rounds()
        .with_targets()
        .order_by("round", "status", "pk")
    )
    for item in items:
        item.detail_url = detail_url(item.target)
        item.answerable = services.can_review_kind(request.user, item.kind)
    rounds: dict[int, dict] = {}
    for item in items:
        rounds.setdefault(item.round_id, {"round": item.round, "items": []})["items"].append(item)
    context = {
        "rounds": list(rounds.values()),
        "linked": people.exists(),
        "today": timezone.localdate(),
    }
    return render(request, "stewardship/my_items.html", context)


def _item(request: HttpRequest, pk: int) -> ReviewItem:
    """The item, if the user may answer it: theirs (or a manager's) and a record they may change."""
    item = get_object_or_404(ReviewItem.objects.with_targets(), pk=pk)
    if not services.can_answer(request.user, item):
        raise PermissionDenied
    return item


def _version(request: HttpRequest, item: ReviewItem) -> int | None:
    """The version of the reviewed record that the answer was based on (required)."""
    return version_from_request(request.POST.get("version"), item.target)


# A function view: one POST action that redirects.
@require_POST
def item_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        services.confirm_item(item, user=request.user, expected_version=_version(request, item))
    except StaleEditError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tack! %(record)s är bekräftad.") % {"record": item.target})
    return redirect("stewardship:my_items")


# A function view: one POST action that redirects.
def item_correct(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = services.form_for(item, request.POST if request.method == "POST" else None)
    stale_error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_item(item, form, user=request.user, expected_version=_version(request, item))
        except StaleEditError as error:
            stale_error = str(error)
        except ValidationError as error:
            stale_error = " ".join(error.messages)
        else:
            messages.success(request, _("Tack! Rättelsen av %(record)s är sparad.") % {"record": item.target})
            return redirect("stewardship:my_items")
    return render(
        request,
        "stewardship/item_form.html",
        {"item": item, "form": form, "error": stale_error, "version": getattr(item.target, "version", "")},
    )
