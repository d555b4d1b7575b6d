"""What the back office keeps between its two steps (nothing in the session or
the process: several application servers answer): an uploaded delegation list
waiting for its confirm (ImportBatch), and a mailing, a draft with its
recipients until it is sent, then its record (Mailing, MailingRecipient)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Awaiting confirmation")
    IMPORTED = "imported", _("Imported")


class ImportBatch(models.Model):
    """A delegation list as uploaded: its rows as read from the file (cell
    texts, validated again whenever shown and when confirmed), imported at most
    once (`status`, changed under the row's lock). The rows are emptied by the
    import (the registrations hold the details) and unconfirmed lists deleted
    with the event's registration data (registration.retention)."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    city = models.ForeignKey(
        "events.ParticipatingCity", on_delete=models.CASCADE, related_name="+", verbose_name=_("delegation")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus, default=ImportStatus.PREVIEW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("people imported"), default=0)

    class Meta:
        verbose_name = _("delegation import")
        verbose_name_plural = _("delegation imports")
        ordering = ["-uploaded_at"]
        permissions = [("import_delegation", _("Can import a city's delegation list"))]

    def __str__(self):
        return f"{self.city} · {self.file_name}"


class MailingKind(models.TextChoices):
    SERVICE = "service", _("Service message (about their attendance)")
    NEWS = "news", _("News (only to people who agreed to news)")


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class Mailing(models.Model):
    """A message an organiser writes to a chosen set of registrations, in Korean
    and English; each person gets it in their own language through the outbox.
    Read-only once sent (the outbox renders each mail from it when sending)."""

    kind = models.CharField(_("kind"), max_length=10, choices=MailingKind, default=MailingKind.SERVICE)
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200, blank=True)
    body_ko = models.TextField(_("message (Korean)"), max_length=20000, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"), max_length=20000, blank=True)
    filter_description = models.TextField(_("chosen from"), blank=True)
    selected_count = models.PositiveIntegerField(_("people chosen"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=MailingStatus, default=MailingStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at"]
        permissions = [("send_mailing", _("Can write and send mail to registrations"))]

    def __str__(self):
        return self.subject_en or self.subject_ko or str(_("(no subject)"))

    def subject(self, language: str) -> str:
        return self.subject_en if language == "en" else self.subject_ko

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_ko


class MailingRecipient(models.Model):
    """One person a mailing is for: while a draft, everyone chosen; once sent,
    the people it was queued for, each with their outbox row."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="+", verbose_name=_("registration")
    )
    mail = models.OneToOneField(
        "registration.OutgoingMail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailing_recipient",
        verbose_name=_("e-mail"),
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [models.UniqueConstraint(fields=["mailing", "registration"], name="one_recipient_per_mailing")]

    def __str__(self):
        return str(self.registration_id)
