"""The programme of an edition of the summit: event, rooms, sessions, speakers,
exhibitors and participating cities. Everything belongs to one Event so that the
next General Assembly can run on the same site.

Translated fields (title, description, ...) get `_ko` and `_en` columns from
django-modeltranslation (see translation.py); reading `title` gives the active
language and falls back to the other one when it is empty.
"""

import functools
import zoneinfo
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from events.images import SafeImageField, image_upload_to
from events.querysets import EventQuerySet, SessionQuerySet

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class SampleData(models.Model):
    """Content invented for the demo rather than taken from the record.

    A whole row can be invented (`is_sample`), or only some details of a row that
    is otherwise from the record (`invented_fields`, the names of those fields:
    the times and room of a session the record only dates, a booth number, ...).
    Organisers see both flagged in the admin and replace them."""

    # Never offered as an invented detail: keys, order, switches and the marks themselves.
    NOT_DETAILS = frozenset(
        {"id", "event", "slug", "position", "is_current", "is_published", "is_sample", "invented_fields"}
    )

    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for the demo; not from the official record. Replace before publishing."),
    )
    invented_fields = models.JSONField(
        _("invented details"),
        default=list,
        blank=True,
        help_text=_(
            "Details of this row that were invented or assumed for the demo, not taken from the official "
            "record. Check and replace them, then untick them."
        ),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        self.validate_invented_fields()

    def validate_invented_fields(self):
        """Refuse names that are not details of this model (the admin's form and
        the seed loader both check with it)."""
        marks = self.invented_fields or []
        known = {name for name, _label in self.detail_choices()}
        unknown = [str(name) for name in marks if name not in known] if isinstance(marks, list) else [str(marks)]
        if unknown:
            raise ValidationError(
                {
                    "invented_fields": ValidationError(
                        _("Unknown details: %(names)s."), code="unknown", params={"names": ", ".join(unknown)}
                    )
                }
            )

    @classmethod
    @functools.cache
    def detail_choices(cls) -> list[tuple[str, str]]:
        """The details an organiser can mark as invented: every editable field,
        once (not its _ko/_en columns), named as the admin names it."""
        return [
            (field.name, capfirst(field.verbose_name))
            for field in cls._meta.concrete_fields
            if field.editable and field.name not in cls.NOT_DETAILS and getattr(field, "translated_field", None) is None
        ]

    def invented_labels(self) -> list[str]:
        """The invented details by their names in the active language, in form order."""
        invented = set(self.invented_fields or [])
        return [str(label) for name, label in self.detail_choices() if name in invented]


class KeepsCounters(models.Model):
    """Seat counters are changed only by the registration service, with F()
    under a row lock. A plain save() of an object read earlier (the admin's
    change form, the seed loader) must not write a stale count back."""

    counter_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in self.counter_fields
            ]
        super().save(*args, **kwargs)


class VenueSketch(models.TextChoices):
    """Sketches of a venue's surroundings that ship with the site, one template
    each in templates/events/includes/venue_sketches/ (an SVG with translated labels)."""

    NAMSAN = "namsan", _("Namsan: Grand Hyatt Seoul, Itaewon Station and the Han River")


class Event(KeepsCounters, SampleData):
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name for headings"), max_length=80, blank=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    about = models.TextField(_("about the organisation"), blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    sponsor = models.CharField(_("official sponsor"), max_length=200, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Seoul")
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_directions = models.TextField(_("how to get there"), blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Most attendees the event admits; empty for no limit.")
    )
    seats_taken = models.PositiveIntegerField(
        _("places taken"), default=0, editable=False, help_text=_("Kept by the registration service.")
    )
    live_stream_url = models.URLField(_("live-stream address"), blank=True)
    # registration/noshows.py: booked seats of people who have not come through the
    # room's door this many minutes after the session started go to others.
    no_show_release_minutes = models.PositiveSmallIntegerField(
        _("release no-show seats after (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "Minutes after a booked session starts when the seats of people not checked in at its room's door "
            "go to the waiting list, then to people at the door. Empty: never."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("organisers' contact address"),
        blank=True,
        help_text=_(
            "Where people write with questions: shown in the footer, in every e-mail "
            "and on the pages that say “write to us”."
        ),
    )
    # What the pages say about this edition, so that no template names one.
    edition = models.CharField(
        _("edition"),
        max_length=120,
        blank=True,
        help_text=_("Shown above the name on the home page, e.g. “Founding General Assembly”."),
    )
    city = models.CharField(
        _("host city"),
        max_length=120,
        blank=True,
        help_text=_("Where the event takes place: the programme gives times as local time there."),
    )
    live_stream_provider = models.CharField(
        _("live-stream service"),
        max_length=200,
        blank=True,
        help_text=_("Who broadcasts the live stream, e.g. “Seoul’s internet broadcasting service”."),
    )
    data_attribution = models.CharField(
        _("open-data attribution"),
        max_length=200,
        blank=True,
        help_text=_(
            "Whom to credit when the machine-readable programme is reused, e.g. “WeGO / Seoul Metropolitan "
            "Government”. Empty: the organiser."
        ),
    )
    venue_sketch = models.CharField(
        _("venue sketch"),
        max_length=40,
        choices=VenueSketch,
        blank=True,
        help_text=_(
            "A sketch of the area around the venue, drawn for the site (no online map: the venue network may "
            "be offline). Leave empty when none of them shows this edition's venue."
        ),
    )
    is_current = models.BooleanField(
        _("current edition"), default=False, help_text=_("The edition the public site shows. Only one can be current.")
    )

    objects = EventQuerySet.as_manager()
    counter_fields = ("seats_taken",)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_event"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="event_registration_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=models.F("capacity")),
                name="event_never_over_capacity",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:home")

    @property
    def venue_sketch_template(self) -> str:
        """The template of the chosen venue sketch, or "" for none."""
        return f"events/includes/venue_sketches/{self.venue_sketch}.html" if self.venue_sketch else ""

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def days(self) -> list[date]:
        count = (self.end_date - self.start_date).days + 1
        return [date.fromordinal(self.start_date.toordinal() + i) for i in range(count)]

    def local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.tz)

    def registration_is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now >= self.registration_closes_at:
            return False
        return True


class Room(SampleData):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=120)
    location = models.CharField(_("where in the venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    checks_attendance = models.BooleanField(
        _("checks attendance"), default=False, help_text=_("Staff check people in at this room's door.")
    )
    # Where the desk and the session page send people when this room is full.
    overflow_room = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="overflow_for",
        verbose_name=_("overflow room"),
        help_text=_("Where people go when this room is full (a room of the same event), e.g. with a screen."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["event", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="room_name_unique_per_event")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        overflow = self.overflow_room
        if overflow is None:
            return
        if self.pk is not None and overflow.pk == self.pk:
            raise ValidationError({"overflow_room": _("A room cannot be its own overflow room.")})
        if overflow.event_id != self.event_id:
            raise ValidationError({"overflow_room": _("Choose a room of the same event.")})


class SessionKind(models.Model):
    """Opening ceremony, keynote, plenary, workshop, ... shared by all editions."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    colour = models.CharField(
        _("colour"), max_length=7, default="#1d4e89", help_text=_("A dark colour (white text on it), e.g. #1d4e89.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session kind")
        verbose_name_plural = _("session kinds")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    PUBLIC = "public", _("Open to citizens")
    DELEGATES = "delegates", _("Delegates only")


class Session(KeepsCounters, SampleData):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    slug = models.SlugField(_("address name"), max_length=100, help_text=_("Used in the session's web address."))
    kind = models.ForeignKey(SessionKind, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("kind"))
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions", verbose_name=_("room")
    )
    audience = models.CharField(_("who may attend"), max_length=20, choices=Audience, default=Audience.PUBLIC)
    booking_required = models.BooleanField(_("seats must be booked"), default=False)
    capacity = models.PositiveIntegerField(
        _("bookable seats"), null=True, blank=True, help_text=_("Required when seats must be booked.")
    )
    is_streamed = models.BooleanField(_("streamed live"), default=False)
    stream_url = models.URLField(
        _("live-stream address"), blank=True, help_text=_("Leave empty to use the event's live-stream address.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    seats_booked = models.PositiveIntegerField(
        _("seats booked"), default=0, editable=False, help_text=_("Kept by the registration service.")
    )
    speakers = models.ManyToManyField(
        "Speaker", through="SessionSpeaker", related_name="sessions", verbose_name=_("speakers")
    )

    objects = SessionQuerySet.as_manager()
    counter_fields = ("seats_booked",)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "room__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="session_slug_unique_per_event"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=Q(booking_required=False) | Q(capacity__isnull=False),
                name="booked_session_has_capacity",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_booked__lte=models.F("capacity")),
                name="session_never_overbooked",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:session", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    @property
    def live_stream_url(self) -> str:
        return self.stream_url or (self.event.live_stream_url if self.is_streamed else "")

    @property
    def booked_count(self) -> int:
        return self.seats_booked

    @property
    def seats_left(self) -> int | None:
        if not self.booking_required or self.capacity is None:
            return None
        return max(self.capacity - self.seats_booked, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    def local_day(self) -> date:
        return self.event.local(self.starts_at).date()


class Speaker(SampleData):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("event"))
    slug = models.SlugField(_("address name"), max_length=100)
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    biography = models.TextField(_("biography"), blank=True)
    photo = SafeImageField(_("photo"), upload_to=image_upload_to("speakers"), blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["event", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="speaker_slug_unique_per_event")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:speakers") + f"#{self.slug}"

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("-", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"


class SpeakerRole(models.TextChoices):
    KEYNOTE = "keynote", _("Keynote speaker")
    PRESENTER = "presenter", _("Presenter")
    MODERATOR = "moderator", _("Moderator")
    PANELLIST = "panellist", _("Panellist")


class SessionSpeaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="appearances")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="appearances")
    role = models.CharField(_("role"), max_length=20, choices=SpeakerRole, default=SpeakerRole.PRESENTER)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker in session")
        verbose_name_plural = _("speakers in session")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "speaker"], name="speaker_once_per_session")]

    def __str__(self):
        return f"{self.speaker} ({self.get_role_display()})"


class ExhibitorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PAVILION = "pavilion", _("City pavilion")


class Exhibitor(SampleData):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exhibitors", verbose_name=_("event"))
    slug = models.SlugField(_("address name"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ExhibitorKind, default=ExhibitorKind.COMPANY)
    booth = models.CharField(_("booth"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = SafeImageField(_("logo"), upload_to=image_upload_to("logos"), blank=True)
    website = models.URLField(_("website"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        ordering = ["event", "kind", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="exhibitor_slug_unique_per_event")]

    def __str__(self):
        return self.name


class CityRole(models.TextChoices):
    CHAIR = "chair", _("Chair city")
    VICE_CHAIR = "vice_chair", _("Vice-chair city")
    MEMBER = "member", _("Member city")


class ParticipatingCity(SampleData):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cities", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=120)
    country = CountryField(_("country"))
    role = models.CharField(_("role"), max_length=20, choices=CityRole, default=CityRole.MEMBER)
    presents_best_practice = models.BooleanField(_("presents a best practice"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("participating city")
        verbose_name_plural = _("participating cities")
        ordering = ["event", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="city_unique_per_event")]

    def __str__(self):
        return self.name
