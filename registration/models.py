"""Registrations, their seat bookings, consents and the e-mail outbox.

Invariants the database itself enforces (the services in services.py keep them
under row locks; the constraints refuse whatever code forgets):
- one registration per e-mail address per event, case-insensitively;
- one booking per registration and session;
- the ticket secret, the manage secret and the registration code are unique.
Seat counts are kept on the session/event rows (events.Session.seats_booked,
Event.seats_taken) under CheckConstraints that they never pass the capacity.
"""

import secrets

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from events.models import Event, Session
from registration.audit import AuditedChange, history_user
from registration.querysets import BookingQuerySet, RegistrationQuerySet
from registration.search import fold

# No 0/O, 1/I/L: the code is read out over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_secret() -> str:
    """192 bits from the OS's cryptographic generator, URL-safe."""
    return secrets.token_urlsafe(24)


class Category(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    IT_PROFESSIONAL = "it", _("IT professional")
    ACADEMIC = "academic", _("Academic")
    PRESS = "press", _("Press")
    DELEGATE = "delegate", _("City delegate")
    EXHIBITOR = "exhibitor", _("Exhibitor staff")

    @classmethod
    def needing_approval(cls) -> set[str]:
        """Categories an organiser must approve before the registration is confirmed."""
        return {cls.PRESS, cls.DELEGATE}

    @classmethod
    def delegate_categories(cls) -> set[str]:
        """Categories that may book sessions reserved for delegates."""
        return {cls.DELEGATE}


class Status(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PENDING = "pending", _("Awaiting approval")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Not approved")


HOLDS_A_PLACE = (Status.CONFIRMED, Status.PENDING)
# A registration in one of these has ended: no place, no ticket, nothing more to send.
ENDED = (Status.CANCELLED, Status.REJECTED)

# The details a person gives about themselves. DETAILS_FIELDS they may change
# later on their own page; the e-mail address and the category are fixed there.
DETAILS_FIELDS = ("name", "organisation", "job_title", "country", "city", "phone", "language", "needs")
PERSON_FIELDS = ("name", "email", *DETAILS_FIELDS[1:], "category")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event"))
    code = models.CharField(_("registration code"), max_length=12, unique=True, default=new_code, editable=False)
    ticket_secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    manage_secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True, region="KR")
    language = models.CharField(_("e-mail language"), max_length=5, choices=[("ko", "한국어"), ("en", "English")])
    needs = models.TextField(_("accessibility or dietary needs"), blank=True, max_length=1000)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    # A delegate of a participating city (organisers set it, e.g. by importing
    # the city's delegation list); None for everyone else.
    delegation = models.ForeignKey(
        "events.ParticipatingCity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegates",
        verbose_name=_("delegate of"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.CONFIRMED, db_index=True)
    is_walk_in = models.BooleanField(_("registered on site"), default=False)
    needs_attention = models.BooleanField(
        _("flag at check-in"), default=False, help_text=_("VIP or accessibility needs: the desk shows a note.")
    )
    attention_note = models.CharField(_("note for the desk"), max_length=200, blank=True)

    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")
    # Retention (registration.retention): the details go three months after the
    # event; name and e-mail stay while the person wants news, then go too.
    details_destroyed_at = models.DateTimeField(_("details destroyed at"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("personal data destroyed at"), null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()
    # The audit trail (registration.audit). The secrets and derived fields are not
    # kept: an old ticket or link must never be found in the history.
    history = HistoricalRecords(
        bases=[AuditedChange],
        get_user=history_user,
        excluded_fields=["ticket_secret", "manage_secret", "submission_token", "search_text", "updated_at"],
        cascade_delete_history=True,
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        # Organisers only (registration.roles): desk staff get neither.
        permissions = [
            ("view_dashboard", _("Can see the organisers' dashboard")),
            ("export_registrations", _("Can export attendee lists (personal data)")),
            ("export_person", _("Can export everything stored about one person")),
            ("erase_person", _("Can erase a person's data on their request")),
            ("print_badges", _("Can print the badges of selected registrations in the admin")),
            ("manage_viewers", _("Can give partners viewer accounts and withdraw them")),
        ]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(email=""),
                name="one_registration_per_email_per_event",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.fold_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def fold_search_text(self) -> None:
        """Derived, for the desk's search: kept in step with the fields it folds."""
        self.search_text = fold(" ".join([self.name, self.email, self.organisation, self.code]))

    @property
    def holds_a_place(self) -> bool:
        return self.status in HOLDS_A_PLACE


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Seat booked")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("registration")
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("session"))
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus, default=BookingStatus.CONFIRMED)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)

    objects = BookingQuerySet.as_manager()
    history = HistoricalRecords(bases=[AuditedChange], get_user=history_user, cascade_delete_history=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="one_booking_per_session"),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="waitlisted_booking_has_time",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "waitlisted_at"])]

    def __str__(self):
        return f"{self.registration} → {self.session}"


class ConsentKind(models.TextChoices):
    PRIVACY = "privacy", _("Collection and use of personal information (required)")
    NEWS = "news", _("News from WeGO after the event (optional)")
    SENSITIVE = "sensitive", _("Accessibility or dietary needs (sensitive information, optional)")


class Consent(models.Model):
    """What a person agreed to, which version of the text, and when."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=20, choices=ConsentKind)
    text_version = models.CharField(_("text version"), max_length=20)
    granted = models.BooleanField(_("granted"))
    given_at = models.DateTimeField(_("when"), default=timezone.now)
    language = models.CharField(_("language of the text"), max_length=5)
    via = models.CharField(_("how"), max_length=20, default="online")
    # via "organiser": an organiser gave it on the person's behalf (a delegation
    # list imported by that organiser, registration.delegations.importing).
    given_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("given by")
    )

    history = HistoricalRecords(bases=[AuditedChange], get_user=history_user, cascade_delete_history=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at"]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.text_version}: {'yes' if self.granted else 'no'}"


def latest_news_choice() -> Subquery:
    """A registration's latest answer about news from WeGO (True, False, or None
    when never asked), as a subquery on OuterRef("pk"): each change is a new
    Consent row, and the latest one counts."""
    latest = Consent.objects.filter(registration=OuterRef("pk"), kind=ConsentKind.NEWS).order_by("-given_at", "-pk")
    return Subquery(latest.values("granted")[:1])


class MailStatus(models.TextChoices):
    """queued -> sending -> sent; sending -> queued again (the mail server refused
    it: retried later) or failed (out of attempts); sending -> unknown (the sender
    stopped mid-send: never resent automatically, see registration.outbox)."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown: may have been sent")
    # queued -> withdrawn: no longer true when its turn came (a confirmation for a
    # registration cancelled meanwhile); never sent.
    WITHDRAWN = "withdrawn", _("Not sent: no longer true")
    # queued -> superseded: the address was corrected right after registering
    # (registration.correction); the mail to the mistyped address is never sent.
    SUPERSEDED = "superseded", _("Not sent: address corrected")


class MailKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Registration confirmation")
    PENDING = "pending", _("Registration awaiting approval")
    WAITLISTED = "waitlisted", _("Registration on the waiting list")
    EXISTING = "existing", _("Link to an existing registration")
    MANAGE_LINK = "manage_link", _("Lost link")
    UPDATED = "updated", _("Registration changed")
    CANCELLED = "cancelled", _("Registration cancelled")
    PROMOTED = "promoted", _("Seat freed from the waiting list")
    APPROVED = "approved", _("Registration approved")
    REJECTED = "rejected", _("Registration not approved")
    SEAT_RELEASED = "seat_released", _("Booked seat released (did not come)")
    MAILING = "mailing", _("Message from the organisers")


# The "welcome" mail of a registration, by its status: sent when it is made, and
# again when an organiser resends it. The other statuses have none.
WELCOME_MAIL = {
    Status.CONFIRMED: MailKind.CONFIRMATION,
    Status.PENDING: MailKind.PENDING,
    Status.WAITLISTED: MailKind.WAITLISTED,
}


class OutgoingMail(models.Model):
    """A durable outbox row. Written in the same transaction as the change that
    causes it; sent after the commit, and retried with back-off by the worker
    (`manage.py send_outbox`) until it goes out or runs out of attempts.
    The message is rendered when sent, from the registration as it is then.
    `claimed_at` is when a sender last marked it "sending" (registration.outbox)."""

    kind = models.CharField(_("kind"), max_length=20, choices=MailKind)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="mails", null=True, blank=True
    )
    to_email = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=5, default="ko")
    context = models.JSONField(_("extra data"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails (outbox)")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to_email}"


class CheckpointKind(models.TextChoices):
    ENTRANCE = "entrance", _("Entrance")
    ROOM = "room", _("Room door")


class Checkpoint(models.Model):
    """A place where staff check people in: the entrance on one day, or the door
    of a room whose sessions need a booked seat."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("event"))
    slug = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=CheckpointKind, default=CheckpointKind.ENTRANCE)
    day = models.DateField(_("day"), null=True, blank=True, help_text=_("For an entrance: the day it admits."))
    room = models.ForeignKey("events.Room", on_delete=models.CASCADE, null=True, blank=True, related_name="checkpoints")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["event", "day", "position", "pk"]
        permissions = [("use_desk", _("Can use the check-in desk"))]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="checkpoint_slug_unique_per_event"),
            models.CheckConstraint(
                condition=Q(kind="entrance", day__isnull=False) | Q(kind="room", room__isnull=False),
                name="checkpoint_has_day_or_room",
            ),
        ]

    def __str__(self):
        return self.name


class CheckIn(models.Model):
    """One admission of one registration at one checkpoint on one day (at a room
    door: to one session). A second
    scan finds this row ("already checked in"); the partial unique constraint
    makes two simultaneous scans produce one row. Undoing keeps the row and
    records who undid it and when."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("registration")
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("checkpoint")
    )
    # PROTECT: a session people attended keeps its history (and a room check-in
    # never loses its session, which its uniqueness depends on).
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="checkins", verbose_name=_("session")
    )
    day = models.DateField(_("day"))
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    device = models.CharField(_("device"), max_length=80, blank=True)
    # The id a desk gave a scan it queued while offline (registration/desk/offline.py):
    # the same scan sent twice finds its row instead of being applied again.
    client_scan_id = models.UUIDField(_("scan id on the device"), null=True, blank=True, unique=True, editable=False)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("undone by")
    )
    # At a door that counts who is inside (the plenary): when they left.
    checked_out_at = models.DateTimeField(_("left at"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("left, by")
    )

    history = HistoricalRecords(bases=[AuditedChange], get_user=history_user, cascade_delete_history=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at"]
        constraints = [
            # At an entrance, one admission a day; at a room door, one per session
            # (a room may hold several sessions in a day).
            models.UniqueConstraint(
                fields=["registration", "checkpoint", "day"],
                condition=Q(undone_at__isnull=True, session__isnull=True),
                name="one_live_checkin_per_checkpoint_and_day",
            ),
            models.UniqueConstraint(
                fields=["registration", "checkpoint", "session"],
                condition=Q(undone_at__isnull=True, session__isnull=False),
                name="one_live_checkin_per_room_session",
            ),
        ]
        indexes = [models.Index(fields=["checkpoint", "day", "undone_at"])]

    def __str__(self):
        return f"{self.registration} @ {self.checkpoint} {self.day}"


class SeatRelease(models.Model):
    """A confirmed booking given up because its holder had not come through the
    room's door some minutes after the session started (registration/noshows.py).
    The booking is cancelled and its seat went to the waiting list or the door.
    An organiser may reverse it (the booking is confirmed again if a seat is
    free); the row stays, with who reversed it and when. The partial unique
    constraint allows one release in force per booking, so two runs of the job
    at once cannot release a seat twice."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="releases", verbose_name=_("booking"))
    released_at = models.DateTimeField(_("released at"), default=timezone.now)
    # None: the job (manage.py release_no_shows or the outbox worker).
    released_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("released by")
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reversed by")
    )

    class Meta:
        verbose_name = _("released seat")
        verbose_name_plural = _("released seats (no-shows)")
        ordering = ["-released_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"], condition=Q(reversed_at__isnull=True), name="one_release_in_force_per_booking"
            ),
        ]

    def __str__(self):
        return str(self.booking)


# The back office's tables (a module of this app, imported so Django finds them).
from registration.delegations.models import ImportBatch, Mailing, MailingRecipient  # noqa: E402, F401
