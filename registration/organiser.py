"""An organiser changing a registration's details in the admin."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from registration.errors import RegistrationError
from registration.models import Registration
from registration.services import has_sensitive_consent

# What an organiser may change: what a person could change on their own page,
# their e-mail address, the desk's attention mark and note, and the delegation
# (participating city of the same event) they belong to. Never the status,
# category or seats: those change through the services.
EDITABLE_FIELDS = (
    "name",
    "email",
    "organisation",
    "job_title",
    "country",
    "city",
    "phone",
    "language",
    "needs",
    "needs_attention",
    "attention_note",
    "delegation",
)


def check_needs(*, registration: Registration, needs: str) -> None:
    """Accessibility or dietary needs are sensitive information (PIPA art. 23):
    they are kept only with the person's own consent to their processing, which
    an organiser cannot give for them. Clearing them is always allowed."""
    if needs and not has_sensitive_consent(registration):
        raise RegistrationError(
            _(
                "This person has not agreed to the processing of accessibility or dietary needs: "
                "they cannot be recorded. Leave the field empty, or ask them to add the needs on their own page."
            ),
            code="sensitive_consent_required",
            field="needs",
        )


def check_delegation(*, registration: Registration, delegation) -> None:
    """A delegate belongs to a participating city of their own event."""
    if delegation is not None and delegation.event_id != registration.event_id:
        raise RegistrationError(
            _("This city does not take part in this registration's event."), code="wrong_event", field="delegation"
        )


def edit_registration(*, registration: Registration, changes: dict) -> Registration:
    """Write the details an organiser changed, and only those (EDITABLE_FIELDS;
    anything else in `changes` is ignored): a full save would write back a
    status read when the form was opened over a newer one. Locks the
    registration's row. New needs are refused without the person's consent
    (check_needs: RegistrationError "sensitive_consent_required")."""
    fields = [name for name in EDITABLE_FIELDS if name in changes]
    if not fields:
        return registration
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if "needs" in changes:
            check_needs(registration=locked, needs=changes["needs"])
        if "delegation" in changes:
            check_delegation(registration=locked, delegation=changes["delegation"])
        for name in fields:
            setattr(locked, name, changes[name])
        locked.save(update_fields=[*fields, "updated_at"])
    return locked
