"""Template helpers for the public pages: language switch, dates, hosts, Hangul marked."""

import re
from datetime import date
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

register = template.Library()

_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
# Hangul words, and what joins them into one name ("그랜드 하얏트 서울", "서울특별시 용산구 소월로 322").
_HANGUL_RUN = re.compile(rf"[{_HANGUL}]+(?:[\s\d·,.()-]*[{_HANGUL}]+)*")


@register.simple_tag(takes_context=True)
def translated_path(context, language: str) -> str:
    """The page being shown, in another language (query string kept).

    Pages that do not resolve (a 404) keep their path with the language prefix swapped."""
    request = context.get("request")
    if request is None:
        return f"/{language}/"
    path = request.get_full_path()
    translated = translate_url(path, language)
    if translated != path:
        return translated
    current = get_language() or settings.LANGUAGE_CODE
    prefix = f"/{current}/"
    if path.startswith(prefix):
        return f"/{language}/" + path.removeprefix(prefix)
    return f"/{language}/"


@register.filter
def event_time_zone(event) -> str:
    """The event's time zone, or the site's when there is no event (for {% timezone %})."""
    return getattr(event, "time_zone", "") or settings.TIME_ZONE


@register.simple_tag
def date_range(start: date, end: date) -> str:
    """ "September 6–8, 2010"; the formats are translatable (Korean: "2010년 9월 6일–8일")."""
    if start == end:
        return date_format(start, "DATE_FORMAT")
    if (start.year, start.month) == (end.year, end.month):
        first = date_format(start, pgettext("first day of a date range in one month", "j"))
        last = date_format(end, pgettext("last day of a date range in one month", "j F Y"))
    elif start.year == end.year:
        first = date_format(start, pgettext("first day of a date range in one year", "j F"))
        last = date_format(end, pgettext("last day of a date range in one year", "j F Y"))
    else:
        first = date_format(start, "DATE_FORMAT")
        last = date_format(end, "DATE_FORMAT")
    return pgettext("date range", "%(first)s–%(last)s") % {"first": first, "last": last}


@register.filter
def day_label(day: date) -> str:
    """A programme day from the locale's own formats: "9월 8일 (수)", "September 8 (Wed)"."""
    return f"{date_format(day, 'MONTH_DAY_FORMAT')} ({date_format(day, 'D')})"


@register.filter
def hostname(url: str) -> str:
    """The host of a web address, for link text ("tv.seoul.go.kr")."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


@register.filter(needs_autoescape=True)
def mark_korean(text, autoescape=True):
    """Text with each run of Hangul in <span lang="ko"> when the page is in another
    language ("Grand Hyatt Seoul (그랜드 하얏트 서울)" in the English directions), so
    that a screen reader switches to Korean for it. Escapes the text first (HTML
    from |linebreaks stays as it is); a run of Hangul holds no markup."""
    if (get_language() or "").startswith("ko"):
        return text
    text = conditional_escape(text) if autoescape else text
    return mark_safe(_HANGUL_RUN.sub(lambda match: f'<span lang="ko">{match.group(0)}</span>', str(text)))


@register.simple_tag(takes_context=True)
def edition_url(context, name: str, *args) -> str:
    """The address of a public page of the edition shown: the current edition's
    page (`events:<name>`), or on an archive page (context `archive`: the past
    edition) its archive page (`events:archive_<name>`, the edition first)."""
    archive = context.get("archive")
    if archive:
        return reverse(f"events:archive_{name}", args=[archive.slug, *args])
    return reverse(f"events:{name}", args=args)
