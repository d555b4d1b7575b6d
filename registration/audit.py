"""Who changed a registration: the audit trail's actor.

django-simple-history keeps a historical row for every save of a Registration,
Booking, Consent and CheckIn (registration/models.py: `history`): when, the
values after the change (the row before it holds the values before), and here
who made it. The actor is one of:

- attendee: the person, through the form or their private link;
- desk: staff at the check-in desk (the user is recorded);
- organiser: an organiser in the admin or the dashboard (the user is recorded);
- system: a job, named in `via` (the waiting-list promotion, the retention purge,
  the outbox, an import, ...).

Code that knows who acts says so with `acting_as(kind, user=None, via="")`;
otherwise a request tells (AuditMiddleware: the desk's pages, the admin's and
the dashboard's are staff, the rest the attendee's) and without a request it is
the system. The attendee's requests never read `request.user` for it, so the
registration form and the private page query nothing more for their history.

Writes that bypass save() (bulk_create) record their history with
`record_created`, in one INSERT.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    ATTENDEE = "attendee", _("the attendee")
    DESK = "desk", _("desk staff")
    ORGANISER = "organiser", _("an organiser")
    SYSTEM = "system", _("the system")


# What a system job, or the attendee's way in, was (Actor.via), as stored.
VIA_LABELS = {
    "waiting_list": _("waiting-list promotion"),
    "retention": _("retention purge"),
    "erasure": _("erasure on request"),
    "outbox": _("outbox"),
    "import": _("import"),
    "walk_in": _("walk-in at the desk"),
    "command": _("management command"),
    "no_show_release": _("no-show seat release"),
    "offline_queue": _("scan queued offline"),
}

# The change reason of the history row that records an erasure.
ERASED = "erased"

STAFF_NAMESPACES = {
    "admin": ActorKind.ORGANISER,
    "dashboard": ActorKind.ORGANISER,
    "delegations": ActorKind.ORGANISER,
    "desk": ActorKind.DESK,
    "assembly": ActorKind.DESK,  # its only writes: the plenary door's check-ins and check-outs
}


@dataclass(frozen=True)
class Actor:
    kind: str
    user: object = None
    via: str = ""


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar("audit_request", default=None)


@contextmanager
def acting_as(kind: str, user=None, via: str = ""):
    """Record the changes made inside as made by this actor (nested: the innermost wins)."""
    token = _actor.set(Actor(kind, user if user is not None and user.is_authenticated else None, via))
    try:
        yield
    finally:
        _actor.reset(token)


def current() -> Actor:
    """The actor of the changes being made now."""
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    if request is None:
        return Actor(ActorKind.SYSTEM)
    match = getattr(request, "resolver_match", None)
    kind = STAFF_NAMESPACES.get(match.namespaces[0] if match and match.namespaces else "")
    if kind is None:
        return Actor(ActorKind.ATTENDEE)  # request.user is not read: no session query
    user = getattr(request, "user", None)
    return Actor(kind, user if user is not None and user.is_authenticated else None)


class AuditMiddleware:
    """Makes the request known to `current()` while it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def insert_recorded(*rows: models.Model) -> None:
    """INSERT new rows of one tracked model with their audit-trail rows: in one
    statement on PostgreSQL (insert_with_history); elsewhere the row's own
    INSERT (simple-history's post_save writes its history), or for several rows
    one bulk INSERT and one for their history."""
    if connections[router.db_for_write(type(rows[0]))].vendor == "postgresql":
        insert_with_history(*rows)
    elif len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        type(rows[0]).objects.bulk_create(rows)
        record_created(type(rows[0]), rows)


def insert_with_history(*instances: models.Model) -> None:
    """INSERT new rows of one tracked model and their historical rows ("+") in ONE
    statement (PostgreSQL's data-modifying WITH): one round trip instead of two,
    and a history row can never be missing. The same values simple-history's
    post_save and `stamp` would write (history_row_values). No save() signal is
    sent: only simple-history listens to these models' saves. The new keys are
    given to the instances in the order of the rows, as bulk_create does (the
    sequence numbers them in that order)."""
    model = type(instances[0])
    history = model.history.model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for row in instances for f in fields]
    extra = history_row_values(history_type="+")
    columns, selected, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.attname in extra:
            selected.append("%s")
            params.append(extra[field.attname])
        else:  # a copy of the new row's column (its id among them)
            selected.append(f"ins.{quote(model._meta.get_field(field.name).column)}")
    pk = model._meta.pk
    one_row = f"({', '.join(['%s'] * len(fields))})"
    # Only the models' own table and column names are put in the text; every value is a parameter.
    sql = (
        f"WITH ins AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([one_row] * len(instances))} RETURNING *) "
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} FROM ins ORDER BY ins.{quote(pk.column)} "
        f"RETURNING {quote(history._meta.get_field(pk.name).column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        keys = sorted(row[0] for row in cursor.fetchall())
    for instance, key in zip(instances, keys, strict=True):
        setattr(instance, pk.attname, key)
        instance._state.adding = False
        instance._state.db = connection.alias


def history_row_values(*, history_type: str) -> dict:
    """The columns a historical row adds to the tracked model's, for a row
    written without simple-history's signal (registration.checkin's one-statement
    insert): the same values its post_save and `stamp` would give."""
    actor = current()
    return {
        "history_date": timezone.now(),
        "history_type": history_type,
        "history_change_reason": None,
        "history_user_id": actor.user.pk if actor.user is not None else None,
        "history_actor": actor.kind,
        "history_via": actor.via,
    }


def history_user(instance=None, request=None, **kwargs):
    """simple-history's get_user: the current actor's user (None for attendees and jobs)."""
    return current().user


def stamp(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record receiver: the actor's kind and way."""
    actor = current()
    history_instance.history_actor = actor.kind
    history_instance.history_via = actor.via


def record_created(model, objs: list) -> None:
    """History rows for objects inserted with bulk_create (no save() signal), one INSERT."""
    actor = current()
    model.history.bulk_history_create(
        objs, default_user=actor.user, custom_historical_attrs={"history_actor": actor.kind, "history_via": actor.via}
    )


class AuditedChange(models.Model):
    """Fields every historical row adds (base of the historical models)."""

    history_actor = models.CharField(_("by"), max_length=12, choices=ActorKind, default=ActorKind.SYSTEM)
    history_via = models.CharField(_("how"), max_length=20, blank=True, default="")

    class Meta:
        abstract = True
