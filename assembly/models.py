"""The General Assembly: who votes for each member city, the proxies cities give
each other, who is in the plenary hall, and the decisions taken.

Invariants the database itself enforces (assembly/services.py keeps them under
row locks; the constraints refuse whatever code forgets):
- one voting delegate per city (a city row belongs to one edition), one
  accreditation per registration;
- one proxy given per city, never to itself; how many a city holds and that
  no proxy is passed on are checked under the lock of both cities' rows;
- a decision's votes never add up to more than the votes present, and a
  published decision is never changed or deleted (a trigger, see migration 0002).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import CityRole, Event, ParticipatingCity, Session
from registration.models import CheckIn, Checkpoint, Registration

# The roles of participating cities that are member cities with a vote.
VOTING_ROLES = (CityRole.CHAIR, CityRole.VICE_CHAIR, CityRole.MEMBER)


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("More than half of the member cities")
    FIXED = "fixed", _("A fixed number of member cities")


class AssemblySettings(models.Model):
    """How one edition's General Assembly counts: the quorum, the proxies a city
    may hold, and the plenary session whose door counts who is present."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="assembly_settings", verbose_name=_("event")
    )
    quorum_rule = models.CharField(_("quorum"), max_length=20, choices=QuorumRule, default=QuorumRule.MAJORITY)
    quorum_number = models.PositiveSmallIntegerField(
        _("fixed quorum"), null=True, blank=True, help_text=_("Member cities needed, for a fixed quorum.")
    )
    max_proxies = models.PositiveSmallIntegerField(
        _("proxies a city may hold"), default=1, help_text=_("0: no proxies.")
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("plenary session")
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("plenary door")
    )

    class Meta:
        verbose_name = _("assembly settings")
        verbose_name_plural = _("assembly settings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(quorum_rule="fixed") | Q(quorum_number__gte=1),
                name="assembly_fixed_quorum_has_number",
            ),
        ]

    def __str__(self):
        return str(self.event)

    def clean(self):
        super().clean()
        errors = {}
        if self.quorum_rule == QuorumRule.FIXED and not self.quorum_number:
            errors["quorum_number"] = _("Give the number of member cities a fixed quorum needs.")
        if self.session_id and self.session.event_id != self.event_id:
            errors["session"] = _("Choose a session of this event.")
        if self.checkpoint_id:
            checkpoint = self.checkpoint
            if checkpoint.event_id != self.event_id or checkpoint.room_id is None:
                errors["checkpoint"] = _("Choose a room door of this event.")
            elif self.session_id and checkpoint.room_id != self.session.room_id:
                errors["checkpoint"] = _("Choose the door of the plenary session's room.")
        if errors:
            raise ValidationError(errors)

    def quorum_required(self, members: int) -> int:
        """Member cities that must be present with a vote for a quorum."""
        if self.quorum_rule == QuorumRule.FIXED and self.quorum_number:
            return self.quorum_number
        return members // 2 + 1


class AccreditationRole(models.TextChoices):
    VOTING = "voting", _("Voting delegate")
    ALTERNATE = "alternate", _("Alternate")


class Accreditation(models.Model):
    """A delegate of a member city accredited to vote for it, or as an alternate
    who votes only while the voting delegate is not in the hall (alternates
    in their order: the first one present acts)."""

    city = models.ForeignKey(
        ParticipatingCity, on_delete=models.CASCADE, related_name="accreditations", verbose_name=_("city")
    )
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="accreditation", verbose_name=_("delegate")
    )
    role = models.CharField(_("role"), max_length=20, choices=AccreditationRole)
    position = models.PositiveSmallIntegerField(_("order"), default=1, help_text=_("Alternates act in this order."))
    credentials = models.CharField(
        _("credentials checked"), max_length=200, help_text=_("The document checked, e.g. a letter from the mayor.")
    )
    accredited_at = models.DateTimeField(_("accredited at"), default=timezone.now, editable=False)
    accredited_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["city", "role", "position", "pk"]  # "alternate" < "voting"
        constraints = [
            models.UniqueConstraint(
                fields=["city"],
                condition=Q(role="voting"),
                name="one_voting_delegate_per_city",
                violation_error_message=_("This city already has a voting delegate."),
            ),
            models.CheckConstraint(
                condition=~Q(credentials=""),
                name="accreditation_credentials_checked",
                violation_error_message=_("Say which credentials were checked."),
            ),
        ]

    def __str__(self):
        return f"{self.city}: {self.registration.name} ({self.get_role_display()})"


class Proxy(models.Model):
    """A member city's vote given to another member city, which casts it while
    the giver has no one voting in the hall."""

    giver = models.OneToOneField(
        ParticipatingCity, on_delete=models.CASCADE, related_name="proxy_given", verbose_name=_("given by (city)")
    )
    holder = models.ForeignKey(
        ParticipatingCity, on_delete=models.CASCADE, related_name="proxies_held", verbose_name=_("held by (city)")
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now, editable=False)
    given_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["holder", "giver"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=F("holder")),
                name="proxy_not_to_itself",
                violation_error_message=_("A city cannot give its proxy to itself."),
            )
        ]

    def __str__(self):
        return f"{self.giver} → {self.holder}"


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class Movement(models.Model):
    """Each passage through the plenary door, in or out: the check-in row holds
    whether the person is inside now (checked_out_at), these rows the history."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="+", verbose_name=_("check-in"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("door movement")
        verbose_name_plural = _("door movements")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.checkin_id} {self.direction} {self.at:%H:%M:%S}"


class DecisionKind(models.TextChoices):
    CHAIR = "chair", _("Chair city elected")
    VICE_CHAIR = "vice_chair", _("Vice-chair cities elected")
    NEXT_HOST = "next_host", _("Next host city chosen")
    BYLAWS = "bylaws", _("Bylaws adopted")


class DecisionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def update(self, **kwargs):
        if self.published().exists():
            raise ValidationError(_("A published decision cannot be changed."), code="published")
        return super().update(**kwargs)

    def delete(self):
        if self.published().exists():
            raise ValidationError(_("A published decision cannot be deleted."), code="published")
        return super().delete()


class Decision(models.Model):
    """An agenda item's decision with the quorum as the system counted it when it
    was recorded (never typed). Published, it is a record: frozen for good."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+", verbose_name=_("event"))
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="+", verbose_name=_("session"), null=True, blank=True
    )
    kind = models.CharField(_("agenda item"), max_length=20, choices=DecisionKind)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("decision"), max_length=2000)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    # The quorum when it was recorded (assembly.queries.quorum_of).
    members = models.PositiveSmallIntegerField(_("member cities"), editable=False)
    quorum_required = models.PositiveSmallIntegerField(_("quorum required"), editable=False)
    votes_present = models.PositiveSmallIntegerField(_("votes present"), editable=False)
    quorum_reached = models.BooleanField(_("quorum reached"), editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["event", "position", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_present__gte=F("votes_for") + F("votes_against") + F("votes_abstain")),
                name="decision_votes_within_present",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        if self.pk is not None and Decision.objects.filter(pk=self.pk).published().exists():
            raise ValidationError(_("A published decision cannot be changed."), code="published")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and Decision.objects.filter(pk=self.pk).published().exists():
            raise ValidationError(_("A published decision cannot be deleted."), code="published")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
