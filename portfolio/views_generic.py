"""A small declarative machinery for register pages: list, Excel export, detail with history, edit.

Each list is a few declarative lines (model, FilterSet, columns, what to join), and the HTML
list and its Excel export are built from the same FilterSet, the same ordering and the same
columns, so the workbook holds exactly the rows and columns the page shows. Every page reads a
fixed number of queries whatever the number of rows: joins are declared, never discovered
row by row in a template.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portfolio.formats import whole_number
from portfolio.history import Snapshot, changes
from portfolio.permissions import change_permission, may_change, permission
from portfolio.services import StaleEditError, save_form, version_from_request
from portfolio.spreadsheets import xlsx_bytes

__all__ = [
    "Column",
    "DETAIL_CONTEXT_HOOKS",
    "RegisterDetailView",
    "RegisterEditView",
    "RegisterExportView",
    "RegisterListView",
    "Section",
    "detail_url",
    "page_url",
    "register_urls",
]

#: Related models whose ``__str__`` follows a foreign key: choice lists must join it.
_STR_JOINS: dict[str, tuple[str, ...]] = {
    "portfolio.capability": ("parent",),
    "portfolio.contract": ("vendor",),
}


#: The add page's title per register: Swedish nouns take "ny" or "nytt" by gender, so each title is
#: one whole string for the translators, never "Ny" + a noun.
NEW_TITLES: dict[str, Any] = {
    "portfolio.application": _("Nytt system"),
    "portfolio.learningresource": _("Ny lärresurs"),
    "portfolio.managementobject": _("Nytt förvaltningsobjekt"),
    "portfolio.managementplan": _("Ny förvaltningsplan"),
    "portfolio.vendor": _("Ny leverantör"),
    "portfolio.contract": _("Nytt avtal"),
    "portfolio.cost": _("Ny kostnad"),
    "portfolio.organisation": _("Ny organisation"),
    "portfolio.capability": _("Ny verksamhetsförmåga"),
    "portfolio.person": _("Ny person"),
    "portfolio.roleassignment": _("Ny rolltilldelning"),
    "portfolio.dataflow": _("Nytt dataflöde"),
}


def new_title(model: type[models.Model]) -> str:
    """The add page's title; a register without its own title gets a gender-neutral one."""
    title = NEW_TITLES.get(model_label(model))
    if title is not None:
        return str(title)
    return str(_("Lägg till: %(kind)s") % {"kind": model._meta.verbose_name})


def model_label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


#: ``<app>.<action>_<model>``: the names come from ``portfolio.permissions`` only.
perm = permission


#: Callables ``(request, obj) -> dict`` adding context to detail pages. Apps above ``portfolio``
#: register theirs in ``AppConfig.ready()`` (the GDPR findings on a system: ``insights``), so that
#: ``portfolio`` itself never imports them.
DETAIL_CONTEXT_HOOKS: list[Callable[[HttpRequest, models.Model], dict[str, Any]]] = []


def detail_url(obj: Any) -> str | None:
    """The page of ``obj`` (its ``get_absolute_url()``), or ``None`` if it has none."""
    if not isinstance(obj, models.Model) or obj.pk is None or not hasattr(obj, "get_absolute_url"):
        return None
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


def page_url(model: type[models.Model], pk: int | None) -> str | None:
    """The page of the ``model`` row ``pk`` without reading it: for results that carry ids only."""
    return None if pk is None else detail_url(model(pk=pk))


def resolve(obj: Any, accessor: str) -> Any:
    """Follow a dotted ``accessor``; choice fields give their label, sets their joined labels."""
    value = obj
    parts = accessor.split(".")
    for index, part in enumerate(parts):
        if value is None:
            return None
        last = index == len(parts) - 1
        display = getattr(value, f"get_{part}_display", None)
        if last and callable(display):
            return display()
        value = getattr(value, part)
        if isinstance(value, models.Manager):
            value = list(value.all())
        if callable(value) and not isinstance(value, models.Model):
            value = value()
    if isinstance(value, list | tuple) and value and isinstance(value[0], models.Model):
        return ", ".join(str(v) for v in value)
    return value


@dataclass
class Column:
    """One column of a register list: what it shows, its heading and its sort key in the FilterSet."""

    accessor: str
    label: str
    order: str | None = None
    link: bool = False
    numeric: bool = False
    value: Callable[[Any], Any] | None = None

    def get(self, obj: Any) -> Any:
        return self.value(obj) if self.value else resolve(obj, self.accessor)

    def text(self, obj: Any) -> str:
        value = self.get(obj)
        return display(value, grouping=not is_year(self.accessor))


def is_year(name: str) -> bool:
    """Fields named ``year`` or ``…_year`` hold years: "2026", never "2 026"."""
    last = name.rsplit(".", 1)[-1]
    return last == "year" or last.endswith("_year")


def display(value: Any, *, grouping: bool = True) -> str:
    """How a value reads on a page: ja/nej, numbers in the active language's form ("48 202" in
    Swedish, "48,202" in English); ``grouping=False`` for years and codes."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        if not grouping:
            return str(int(value)) if value == int(value) else str(value)
        return whole_number(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(display(v) for v in value)
    return str(value)


def spreadsheet_value(value: Any) -> Any:
    """A cell value: numbers and dates stay typed, everything else becomes its page text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | datetime.date):
        return value
    return display(value)


#: A filter offering more records than this is not drawn as a select (the page would carry every
#: record as an option); it stays a hidden field, so links like ``?application=12`` still filter.
CHOICE_LIMIT = 200


def hide_large_choice_fields(form: forms.Form, limit: int | None = None) -> None:
    """Turn record choices longer than ``limit`` into hidden fields: one count query per field."""
    limit = CHOICE_LIMIT if limit is None else limit
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None or queryset.count() <= limit:
            continue
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        field.widget = forms.MultipleHiddenInput() if multiple else forms.HiddenInput()


def optimise_choice_fields(form: forms.Form) -> None:
    """Join what choice labels need (``Capability.__str__`` reads its parent) so a filter form is
    rendered with one query per select, whatever the number of options."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        joins = _STR_JOINS.get(model_label(queryset.model))
        if joins:
            field.queryset = queryset.select_related(*joins)


class RegisterMixin(PermissionRequiredMixin):
    """Permission from the model (``<app>.<action>_<model>``); a logged-in user without it gets 403."""

    model: type[models.Model] | None = None
    action = "view"
    raise_exception = True

    def get_permission_required(self):
        return (perm(self.model, self.action),)

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    def url_name(self, kind: str) -> str:
        return f"{self.model._meta.app_label}:{self.model_name}_{kind}"


class RegisterListView(RegisterMixin, TemplateView):
    """A register list: filtered by the model's FilterSet, sorted by its ``ordering``, paginated."""

    template_name = "portfolio/register_list.html"
    filterset_class: type
    columns: list[Column] = []
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    paginate_by = 50
    title: str = ""
    intro: str = ""
    #: The kind a review round (stewardship) can be started for with this list's selection.
    review_kind: str = ""
    #: Who may start a review round (stewardship's managers: the strateg and the DPO coordinator).
    review_permissions = ("portfolio.change_managementobject", "gdpr.change_processingactivity")

    def base_queryset(self) -> models.QuerySet:
        queryset = self.model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def get_filterset(self):
        filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), request=self.request
        )
        optimise_choice_fields(filterset.form)
        hide_large_choice_fields(filterset.form)
        return filterset

    def filtered(self, filterset) -> models.QuerySet:
        """The rows the FilterSet selects, in its ordering (the model's default order when none)."""
        if filterset.is_bound and not filterset.is_valid():
            return filterset.queryset.none()
        queryset = filterset.qs
        if not queryset.query.order_by:
            queryset = queryset.order_by(*(self.model._meta.ordering or ["pk"]))
        if "pk" not in queryset.query.order_by and "-pk" not in queryset.query.order_by:
            queryset = queryset.order_by(*queryset.query.order_by, "pk")
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        queryset = self.filtered(filterset)
        paginator = Paginator(queryset, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        ordering = self.request.GET.get("ordering", "")
        headers = []
        for column in self.columns:
            sort = None
            if column.order:
                current = ordering == column.order or ordering == f"-{column.order}"
                descending = ordering == column.order
                sort = {
                    "value": f"-{column.order}" if descending else column.order,
                    "active": current,
                    "direction": "descending" if ordering == f"-{column.order}" else "ascending",
                }
            headers.append({"column": column, "sort": sort})
        rows = [
            {
                "object": obj,
                "url": detail_url(obj),
                "cells": [
                    {"text": column.text(obj), "column": column, "url": _cell_url(obj, column)}
                    for column in self.columns
                ],
            }
            for obj in page.object_list
        ]
        context.update(
            {
                "title": self.title or capfirst(self.model._meta.verbose_name_plural),
                "intro": self.intro,
                "model_name": self.model_name,
                "filterset": filterset,
                "search_field": filterset.form["q"] if "q" in filterset.form.fields else None,
                "filter_fields": [
                    f for f in filterset.form if f.name not in ("q", "ordering") and not f.is_hidden
                ],
                "hidden_filter_fields": [f for f in filterset.form if f.is_hidden],
                "headers": headers,
                "rows": rows,
                "page_obj": page,
                "paginator": paginator,
                "export_url": reverse(self.url_name("export")),
                "review_url": self.review_url(),
                "add_url": (
                    self._optional_url("add") if self.request.user.has_perm(perm(self.model, "add")) else None
                ),
            }
        )
        return context

    def review_url(self) -> str | None:
        """Start a review round for the rows this list selects (the round form takes the filter)."""
        user = self.request.user
        # Starting a round over this list's records needs the same permission as editing one of them.
        if (
            not self.review_kind
            or not may_change(user, self.model)
            or not any(user.has_perm(p) for p in self.review_permissions)
        ):
            return None
        try:
            url = reverse("stewardship:round_create")
        except NoReverseMatch:
            return None
        selection = self.request.GET.copy()
        for name in ("page", "ordering"):
            selection.pop(name, None)
        return f"{url}?{urlencode({f'filter_{self.review_kind}': selection.urlencode()})}"

    def _optional_url(self, kind: str) -> str | None:
        try:
            return reverse(self.url_name(kind))
        except NoReverseMatch:
            return None

    def export_frame(self) -> pd.DataFrame:
        """The rows and columns of the list (all pages) as a table for the spreadsheet writer."""
        queryset = self.filtered(self.get_filterset())
        data = [[spreadsheet_value(column.get(obj)) for column in self.columns] for obj in queryset]
        return pd.DataFrame(data, columns=[str(c.label) for c in self.columns], dtype=object)


def _cell_url(obj: Any, column: Column) -> str | None:
    """Where a cell links: the row's own page for the link column, a related record's page for a
    column showing one."""
    if column.link:
        return detail_url(obj)
    value = column.get(obj)
    return detail_url(value) if isinstance(value, models.Model) else None


class RegisterExportView(View):
    """The Excel workbook of a list: same FilterSet, same ordering, same columns as the page."""

    list_view: type[RegisterListView] | None = None

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        view = self.list_view()
        view.setup(request, *args, **kwargs)
        if not view.has_permission():
            raise PermissionDenied
        frame = view.export_frame()
        title = capfirst(str(view.title or view.model._meta.verbose_name_plural))
        body = xlsx_bytes({title: frame})
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        filename = f"{slugify(title) or view.model_name}-{timezone.localdate().isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@dataclass
class Section:
    """A related table on a detail page: a heading, rows and their columns."""

    title: str
    rows: Iterable[Any]
    columns: list[Column]
    empty: str = ""
    #: A page where the rows are changed (shown to those who may), and the link's text.
    action_url: str | None = None
    action_label: str = ""

    def table(self) -> list[list[dict]]:
        return [
            [{"text": c.text(obj), "url": _cell_url(obj, c), "numeric": c.numeric} for c in self.columns]
            for obj in self.rows
        ]


class RegisterDetailView(RegisterMixin, TemplateView):
    """A record's page: its fields, related sections, its history and the record as of a date."""

    template_name = "portfolio/register_detail.html"
    fields: list[str] = []
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()

    def get_object(self):
        queryset = self.model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def sections(self, obj) -> list[Section]:
        """Related tables; subclasses declare them with joined querysets (fixed queries)."""
        return []

    def more_context(self, obj) -> dict[str, Any]:
        return {}

    def properties(self, obj, source=None) -> list[tuple[str, str, str | None]]:
        """(label, text, link) for each field, read from ``source`` (an as-of row) when given."""
        result = []
        for name in self.fields:
            field = self.model._meta.get_field(name)
            if source is not None and isinstance(field, models.ForeignKey):
                value = self.snapshot.related(source, name) if self.snapshot else None
                link = None
            else:
                value = resolve(source if source is not None else obj, name)
                link = detail_url(value) if isinstance(value, models.Model) else None
                if getattr(field, "item_choices", None) is not None and value:
                    value = field.labels(value)  # a set of codes reads as its labels
            text = display(value, grouping=not is_year(name))
            result.append((capfirst(str(field.verbose_name)), text, link))
        return result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        self.snapshot = None
        as_of_text = self.request.GET.get("as_of", "")
        try:
            as_of_date = parse_date(as_of_text) if as_of_text else None
        except ValueError:  # well-formed but impossible, e.g. 2025-02-30
            as_of_date = None
        if as_of_text and as_of_date is None:
            message = gettext("Datumet %(date)s finns inte; ange ÅÅÅÅ-MM-DD.") % {"date": as_of_text}
            messages.error(self.request, message)
        as_of_row = None
        if as_of_date:
            self.snapshot = Snapshot(as_of_date)
            as_of_row = self.snapshot.get(self.model, obj.pk)
        user = self.request.user
        context.update(
            {
                "object": obj,
                "title": str(obj),
                "model_name": self.model_name,
                "verbose_name": self.model._meta.verbose_name,
                "list_url": reverse(self.url_name("list")),
                "list_title": capfirst(self.model._meta.verbose_name_plural),
                "properties": self.properties(obj),
                "sections": self.sections(obj),
                "changes": changes(obj),
                "as_of": as_of_date,
                "as_of_text": as_of_text,
                "as_of_invalid": bool(as_of_text) and as_of_date is None,
                "as_of_properties": self.properties(obj, as_of_row) if as_of_row is not None else None,
                "can_change": may_change(user, self.model),
                "edit_url": self._edit_url(obj),
            }
        )
        context.update(self.more_context(obj))
        for hook in DETAIL_CONTEXT_HOOKS:
            extra = dict(hook(self.request, obj))
            # Several hooks may add related tables to one page: they add up.
            sections = extra.pop("extra_sections", [])
            context.update(extra)
            if sections:
                context["extra_sections"] = [*context.get("extra_sections", []), *sections]
        return context

    def _edit_url(self, obj) -> str | None:
        if not may_change(self.request.user, self.model):
            return None
        try:
            return reverse(self.url_name("edit"), args=[obj.pk])
        except NoReverseMatch:
            return None


class RegisterEditView(RegisterMixin, TemplateView):
    """Create or edit a record through the model's Form and ``save_form`` (versioned, with history)."""

    template_name = "portfolio/register_form.html"
    form_class: type[forms.ModelForm] | None = None
    action = "change"
    creating = False

    def get_permission_required(self):
        return (perm(self.model, "add") if self.creating else change_permission(self.model),)

    def get_object(self):
        if self.creating:
            return None
        return get_object_or_404(self.model._default_manager.all(), pk=self.kwargs["pk"])

    def make_form(self, obj, data=None):
        form = self.form_class(data=data, instance=obj)
        optimise_choice_fields(form)
        return form

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_to_response(self.context(obj, self.make_form(obj)))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.make_form(obj, request.POST)
        if form.is_valid():
            try:
                saved = save_form(
                    form,
                    user=request.user,
                    expected_version=version_from_request(request.POST.get("version"), obj),
                )
            except StaleEditError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Ändringen är sparad."))
                return HttpResponseRedirect(detail_url(saved) or reverse(self.url_name("list")))
        return self.render_to_response(self.context(obj, form), status=400)

    def context(self, obj, form) -> dict[str, Any]:
        return {
            "object": obj,
            "form": form,
            "title": (gettext("Ändra %(name)s") % {"name": obj}) if obj else new_title(self.model),
            "list_url": reverse(self.url_name("list")),
            "list_title": capfirst(self.model._meta.verbose_name_plural),
            "cancel_url": detail_url(obj) if obj else reverse(self.url_name("list")),
            "version": getattr(obj, "version", None),
        }


def register_urls(
    prefix: str,
    model: type[models.Model],
    list_view: type[RegisterListView],
    detail_view: type[RegisterDetailView] | None = None,
    form_class: type[forms.ModelForm] | None = None,
) -> list:
    """The URL patterns of one register: list, export, detail, and (with a Form) add and edit."""
    name = model._meta.model_name
    patterns = [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(
            f"{prefix}/export.xlsx",
            RegisterExportView.as_view(list_view=list_view),
            name=f"{name}_export",
        ),
    ]
    if detail_view is not None:
        patterns.append(path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"))
    if form_class is not None:
        patterns += [
            path(
                f"{prefix}/ny/",
                RegisterEditView.as_view(model=model, form_class=form_class, creating=True),
                name=f"{name}_add",
            ),
            path(
                f"{prefix}/<int:pk>/andra/",
                RegisterEditView.as_view(model=model, form_class=form_class),
                name=f"{name}_edit",
            ),
        ]
    return patterns

