"""API tokens for the IT department's tools."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ApiToken"]

TOKEN_PREFIX = "sk_"


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token a tool sends as ``Authorization: Bearer …``; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("benämning"), max_length=100, blank=True)
    key_hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("början av token"), max_length=12, editable=False)
    read_only = models.BooleanField(_("endast läsning"), default=False)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    expires_at = models.DateTimeField(_("upphör"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-token")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(
        cls, user, *, name: str = "", read_only: bool = False, expires_days: int | None = None
    ) -> tuple["ApiToken", str]:
        """Create a token and return it with its plaintext, which is never stored or shown again."""
        plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires_at = timezone.now() + datetime.timedelta(days=expires_days) if expires_days else None
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(plaintext),
            prefix=plaintext[:10],
            read_only=read_only,
            expires_at=expires_at,
        )
        return token, plaintext

    @classmethod
    def authenticate(cls, plaintext: str) -> "ApiToken | None":
        """The usable token matching ``plaintext``, compared in constant time; ``None`` otherwise."""
        if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
            return None
        digest = hash_token(plaintext)
        token = cls.objects.usable().select_related("user").filter(key_hash=digest).first()
        if token is None or not hmac.compare_digest(token.key_hash, digest) or not token.user.is_active:
            return None
        return token

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
