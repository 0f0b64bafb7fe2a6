"""What every register model has: timestamps, an edit version, and a folded search column."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.text import fold

__all__ = ["RegisterModel", "SearchableModel"]


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
