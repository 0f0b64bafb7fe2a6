"""What every register model has: timestamps, an edit version, and a folded search column."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.text import fold

__all__ = ["RegisterModel", "SearchableModel", "exactly_one_set"]


def exactly_one_set(*fields: str) -> Q:
    """A check that exactly one of the nullable foreign keys ``fields`` is set.

    Used where a row belongs to one of several kinds of thing (a role on an object, system,
    learning resource or organisation): explicit keys keep queries and GraphQL simple, and this
    condition gives them the invariant a generic foreign key would.
    """
    condition = Q()
    for chosen in fields:
        condition |= Q(**{f"{field}__isnull": field != chosen for field in fields})
    return condition


class RegisterModel(models.Model):
    """Base of every record that people edit.

    ``version`` is the optimistic-concurrency counter: an edit names the version it read, and
    ``portfolio.services.save_versioned`` refuses it if someone saved in between.
    """

    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class SearchableModel(RegisterModel):
    """A record found by free-text search; subclasses say which texts are searched."""

    search_text = models.TextField(_("söktext"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def search_parts(self) -> list[str]:
        return [getattr(self, "name", "")]

    def refresh_search_text(self) -> None:
        self.search_text = fold(*self.search_parts())
