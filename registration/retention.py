"""Destroying personal data when its retention period ends (PIPA).

The consent text promises: registration data is kept until three months after
the end of the event; the optional consent to news keeps the name, e-mail
address and e-mail language until it is withdrawn, at most two years after the
event. `destroy_expired()` (run daily: `manage.py purge_personal_data`) blanks
the personal fields of every registration past its period, rotates its secrets
so old links and tickets stop working, and deletes its outbox mail. What stays
is anonymous: category, country, status, bookings and check-ins, for the
organisers' statistics, and the consent records (what was agreed, when).
The audit trail (registration.audit) forgets with it: every historical row of
the registration gets the blanked values too (`forget_history`), and the
purge's own row says it was the retention purge.

Copies elsewhere go with the registration (`forget_copies()`): the sessions
that hold its address or name (the "check your e-mail" pages remember the
address typed), and every expired session, as Django's clearsessions does;
its name and address in the admin's history (LogEntry); mail to its address
that is linked to no registration; log-in attempts made with its address as
the user name (django-axes). The cache holds no copy of its own: sessions in
it go with their database rows, and the throttles key on a hash of the address
and expire within the hour.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from registration import audit
from registration.models import ImportBatch, MailKind, OutgoingMail, Registration, latest_news_choice, new_secret
from registration.models import new_code as models_new_code

KEEP_AFTER_EVENT = timedelta(days=92)  # three months
KEEP_NEWS_AFTER_EVENT = timedelta(days=731)  # two years

PERSONAL_FIELDS = ("organisation", "job_title", "city", "phone", "needs", "attention_note")


@dataclass
class PurgeResult:
    anonymised: int = 0
    kept_for_news: int = 0
    sessions_deleted: int = 0
    log_entries_scrubbed: int = 0


@dataclass(frozen=True)
class Person:
    """What identified a registration before it was blanked: looked for elsewhere."""

    pk: int
    code: str
    name: str
    email: str

    @property
    def needles(self) -> list[str]:
        """Folded values that mark a copy (names of one letter would match anything)."""
        values = [self.email, self.code] + ([self.name] if len(self.name.strip()) > 1 else [])
        return [value.casefold() for value in values if value.strip()]


def destroy_expired(*, today: date | None = None, dry_run: bool = False) -> PurgeResult:
    today = today or timezone.localdate()
    result = PurgeResult()
    purged: list[Person] = []
    expired = Registration.objects.filter(
        anonymised_at__isnull=True, event__end_date__lt=today - KEEP_AFTER_EVENT
    ).select_related("event")
    # The latest news choice counts: a withdrawn consent keeps nothing.
    for registration in expired.annotate(news=latest_news_choice()).iterator():
        keep_news = registration.news is True and registration.event.end_date >= today - KEEP_NEWS_AFTER_EVENT
        if keep_news:
            result.kept_for_news += 1
            if registration.details_destroyed_at is not None:
                continue  # done on an earlier night; their private link keeps working
        else:
            result.anonymised += 1
        if not dry_run:
            _destroy(registration, keep_news=keep_news)
            if not keep_news:
                purged.append(Person(registration.pk, registration.code, registration.name, registration.email))
    if not dry_run:
        result.sessions_deleted, result.log_entries_scrubbed = forget_copies(purged)
        # Delegation lists uploaded and never confirmed hold the people's details too.
        ImportBatch.objects.filter(event__end_date__lt=today - KEEP_AFTER_EVENT).delete()
    return result


def _destroy(registration: Registration, *, keep_news: bool) -> None:
    with transaction.atomic(), audit.acting_as(audit.ActorKind.SYSTEM, via="retention"):
        anonymise(registration, keep_news=keep_news)


def anonymise(registration: Registration, *, keep_news: bool, reason: str = "", new_code: bool = False) -> Registration:
    """Blank the details and end the ticket, in the history too. Kept for news:
    name, e-mail and the private link stay (it is where the person withdraws),
    and so does a "lost link" mail on its way; otherwise everything personal
    goes, links included. Locks the registration; the caller holds the
    transaction and says who acts (registration.audit). `reason` is the change
    reason of the history row this makes (audit.ERASED for an erasure);
    `new_code`: the short code changes too (an erasure: the code printed on a
    badge or typed at the desk finds nothing)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    now = timezone.now()
    blanked = [*PERSONAL_FIELDS]
    for name in PERSONAL_FIELDS:
        setattr(registration, name, "")
    registration.ticket_secret = new_secret()
    registration.submission_token = None
    registration.details_destroyed_at = registration.details_destroyed_at or now
    mails = OutgoingMail.objects.filter(registration=registration)
    if keep_news:
        mails = mails.exclude(kind=MailKind.MANAGE_LINK)
    else:
        registration.name = ""
        registration.email = ""
        registration.manage_secret = new_secret()
        registration.anonymised_at = now
        blanked += ["name", "email"]
    if new_code:
        registration.code = models_new_code()
        blanked.append("code")
    if reason:
        registration._change_reason = reason
    registration.save()
    mails.delete()
    forget_history(registration, blanked)
    return registration


def forget_history(registration: Registration, fields: list[str]) -> int:
    """Give every historical row of the registration its current value of
    `fields` (the blanked ones): the audit trail keeps that something changed
    and when, never a destroyed value. Returns the rows rewritten."""
    values = {name: getattr(registration, name) for name in fields}
    return Registration.history.filter(id=registration.pk).update(**values)


def forget_copies(people: list[Person]) -> tuple[int, int]:
    """Delete or scrub the copies of these people's name and address outside
    their registration, and every expired session; return (sessions deleted,
    admin log entries scrubbed)."""
    sessions = _delete_sessions(people)
    scrubbed = _scrub_admin_log(people)
    emails = [person.email for person in people if person.email]
    for chunk in _chunks(emails, 200):
        to_them = _any_iexact("to_email", chunk)
        OutgoingMail.objects.filter(to_them, registration__isnull=True).delete()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(_any_iexact("username", chunk)).delete()
        AccessAttempt.objects.filter(_any_icontains("post_data", chunk)).delete()
    return sessions, scrubbed


def _delete_sessions(people: list[Person]) -> int:
    """Expired sessions (what clearsessions does), then live ones that mention
    one of these people. Each goes through its SessionStore, so a copy in the
    cache (cached_db) goes too."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        store.clear_expired()  # cookie or cache sessions: nothing kept in the database
        return 0
    expired = list(Session.objects.filter(expire_date__lt=timezone.now()).values_list("session_key", flat=True))
    if hasattr(store, "cache_key_prefix"):  # cached_db: its copies in the cache go too
        session_cache = caches[settings.SESSION_CACHE_ALIAS]
        for chunk in _chunks(expired, 500):
            session_cache.delete_many([store.cache_key_prefix + key for key in chunk])
    store.clear_expired()
    count = len(expired)
    needles = [needle for person in people for needle in person.needles]
    if not needles:
        return count
    decoder = store()
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        text = json.dumps(decoder.decode(data), ensure_ascii=False, default=str).casefold()
        if any(needle in text for needle in needles):
            store(session_key=key).delete(key)
            count += 1
    return count


# A registration code or an e-mail address, as they appear in the admin's history.
_WORD = re.compile(r"[0-9A-Z]{6,12}")
_EMAIL = re.compile(r"[^\s\"'<>(),;:]+@[^\s\"'<>(),;:]+")


def _scrub_admin_log(people: list[Person]) -> int:
    """The admin's history names an object by its str() at the time (a
    registration is "name (CODE)", a booking "name (CODE) → session", a mail
    "kind → address"): such names and addresses are blanked, the codes (now
    anonymous) kept. One pass over the log, whatever the number of people."""
    if not people:
        return 0
    by_code = {person.code: person for person in people}
    by_email = {person.email.casefold(): person for person in people if person.email}
    by_pk = {str(person.pk): person for person in people}
    registration_type = ContentType.objects.get_for_model(Registration).pk
    count = 0
    entries = LogEntry.objects.only("object_repr", "change_message", "content_type_id", "object_id")
    for entry in entries.iterator():
        text = f"{entry.object_repr} {entry.change_message}"
        found = {by_code[word] for word in _WORD.findall(text) if word in by_code}
        found |= {by_email[m.casefold()] for m in _EMAIL.findall(text) if m.casefold() in by_email}
        if entry.content_type_id == registration_type and entry.object_id in by_pk:
            found.add(by_pk[entry.object_id])
        if not found:
            continue
        object_repr, change_message = entry.object_repr, entry.change_message
        for person in found:
            object_repr = _scrub(object_repr, person)
            change_message = _scrub_message(change_message, person)
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=object_repr, change_message=change_message)
        count += 1
    return count


def _scrub_message(message: str, person: Person) -> str:
    """A change message is JSON (Django's, with non-ASCII escaped) or plain text."""
    try:
        parsed = json.loads(message)
    except ValueError:
        return _scrub(message, person)
    return json.dumps(_walk(parsed, person))


def _walk(value, person: Person):
    if isinstance(value, str):
        return _scrub(value, person)
    if isinstance(value, list):
        return [_walk(item, person) for item in value]
    if isinstance(value, dict):
        return {key: _walk(item, person) for key, item in value.items()}
    return value


def _scrub(text: str, person: Person) -> str:
    """Blank the address and the name; and whatever precedes "(CODE)", which
    is the name the registration had then, even one changed since."""
    for value in (person.email, person.name):
        if value.strip():
            text = re.sub(re.escape(value), "", text, flags=re.IGNORECASE)
    return re.sub(rf"^.*?(?=\({re.escape(person.code)}\))", "", text, flags=re.DOTALL)


def _any_iexact(field: str, values: list[str]) -> Q:
    query = Q(pk__in=[])
    for value in values:
        query |= Q(**{f"{field}__iexact": value})
    return query


def _any_icontains(field: str, values: list[str]) -> Q:
    query = Q(pk__in=[])
    for value in values:
        query |= Q(**{f"{field}__icontains": value})
    return query


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]
