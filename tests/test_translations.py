"""The Korean catalogue is complete, keeps every placeholder and tag, and its
compiled .mo (committed) matches the .po.

The .po is read with a small parser (no gettext tools needed); the check that
msgfmt accepts the file runs only where msgfmt is installed."""

import ast
import gettext
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from events.templatetags.events_tags import date_range

KO_PO = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
KO_MO = KO_PO.with_suffix(".mo")

# %(name)s, %s, %d, %.1f ... (after "%%" escapes are removed).
PYTHON_FORMAT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
BRACE_FORMAT = re.compile(r"(?<!\{)\{(?P<name>[^{}]*)\}(?!\})")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
HREF = re.compile(r'href="([^"]*)"')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    reference: str = ""

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{context}{self.msgid!r} ({self.reference})"


def parse_po(path: Path) -> list[Entry]:
    """The entries of a PO file, header first; obsolete (#~) entries are skipped."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry, key = Entry(), None
        obsolete = False
        for line in block.splitlines():
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:") and not entry.reference:
                entry.reference = line[2:].strip().split(" ")[0]
            elif line.startswith("#"):
                continue
            elif match := re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line):
                keyword, index, text = match.groups()
                key = (keyword, int(index or 0))
                _append(entry, key, ast.literal_eval(text))
            elif line.startswith('"') and key is not None:
                _append(entry, key, ast.literal_eval(line))
        if not obsolete:
            entries.append(entry)
    return entries


def _append(entry: Entry, key: tuple[str, int], text: str) -> None:
    keyword, index = key
    if keyword == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    elif keyword == "msgid":
        entry.msgid += text
    else:
        attribute = "msgctxt" if keyword == "msgctxt" else "msgid_plural"
        setattr(entry, attribute, (getattr(entry, attribute) or "") + text)


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(KO_PO)


@pytest.fixture(scope="module")
def messages(catalogue) -> list[Entry]:
    return [entry for entry in catalogue if entry.msgid]


def python_placeholders(text: str) -> Counter:
    return Counter(match.group(0) for match in PYTHON_FORMAT.finditer(text.replace("%%", "")))


def brace_placeholders(text: str) -> Counter:
    return Counter(match.group("name") for match in BRACE_FORMAT.finditer(text))


def source_for(entry: Entry) -> str:
    """The English text a msgstr translates. Korean has one plural form, used
    for every count, so msgstr[0] of a plural message answers to the plural."""
    return entry.msgid_plural if entry.msgid_plural is not None else entry.msgid


def test_header_sets_korean_with_one_plural_form(catalogue):
    header = catalogue[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: ko\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]


def test_catalogue_is_not_empty(messages):
    assert len(messages) > 100


def test_every_message_is_translated(messages):
    untranslated = [entry.label for entry in messages if not all(entry.msgstr.values()) or not entry.msgstr]
    assert untranslated == []


def test_no_message_is_fuzzy(messages):
    assert [entry.label for entry in messages if "fuzzy" in entry.flags] == []


def test_plural_messages_have_exactly_the_one_korean_form(messages):
    wrong = [entry.label for entry in messages if entry.msgid_plural is not None and set(entry.msgstr) != {0}]
    assert wrong == []


def test_python_format_placeholders_are_kept(messages):
    changed = []
    for entry in messages:
        for text in entry.msgstr.values():
            expected = python_placeholders(source_for(entry))
            if "python-format" not in entry.flags and not expected:
                continue
            if python_placeholders(text) != expected:
                changed.append((entry.label, dict(expected), dict(python_placeholders(text))))
    assert changed == []


def test_brace_format_placeholders_are_kept(messages):
    changed = [
        entry.label
        for entry in messages
        if "python-brace-format" in entry.flags
        for text in entry.msgstr.values()
        if brace_placeholders(text) != brace_placeholders(source_for(entry))
    ]
    assert changed == []


def test_html_tags_and_links_are_kept(messages):
    changed = []
    for entry in messages:
        for text in entry.msgstr.values():
            source = source_for(entry)
            tags = (Counter(TAG.findall(source)), HREF.findall(source))
            if (Counter(TAG.findall(text)), HREF.findall(text)) != tags:
                changed.append(entry.label)
    assert changed == []


def test_compiled_catalogue_matches_the_po(messages):
    """The .mo is committed: it must be compiled from the .po as it is now."""
    assert KO_MO.exists(), "run: manage.py compilemessages --ignore=.venv"
    with KO_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            found = compiled._catalog.get(key)
        else:
            found = compiled._catalog.get((key, 0))
        if found != entry.msgstr.get(0):
            stale.append(entry.label)
    assert stale == [], "the .mo is out of date: run manage.py compilemessages --ignore=.venv"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
def test_msgfmt_accepts_the_catalogue():
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check-format", "--check-header", "-o", "/dev/null", str(KO_PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2010, 9, 6), date(2010, 9, 8), "2010년 9월 6일~8일"),
        (date(2010, 8, 30), date(2010, 9, 2), "2010년 8월 30일~9월 2일"),
        (date(2010, 12, 30), date(2011, 1, 2), "2010년 12월 30일~2011년 1월 2일"),
        (date(2010, 9, 7), date(2010, 9, 7), "2010년 9월 7일"),
    ],
)
def test_date_range_formats_read_as_korean_dates(start, end, expected):
    with translation.override("ko"):
        assert date_range(start, end) == expected


def test_interface_reads_in_korean():
    with translation.override("ko"):
        assert translation.gettext("Programme") == "프로그램"
        assert translation.gettext("Skip to main content") == "본문 바로가기"
        assert translation.pgettext("compass: north", "N") == "북"
        assert translation.ngettext("%(counter)s seat", "%(counter)s seats", 1) % {"counter": 1} == "1석"


# Every message in the code is in the Korean catalogue ----------------------------------------

# The code the site runs; tests and tools are left out, like the e2e helpers' strings.
SOURCES = ["events", "registration", "wegov", "templates"]


def message_key(entry: Entry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[Entry]:
    """The messages `makemessages` finds in the code today, extracted from a copy
    of it (so that nothing is written next to the real files or into locale/)."""
    root = tmp_path_factory.mktemp("extract")
    for name in SOURCES:
        shutil.copytree(Path(settings.BASE_DIR) / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "locale" / "ko" / "LC_MESSAGES").mkdir(parents=True)
    previous = Path.cwd()
    os.chdir(root)
    try:
        with override_settings(LOCALE_PATHS=[root / "locale"]):
            call_command("makemessages", locale=["ko"], keep_pot=True, verbosity=0)
    finally:
        os.chdir(previous)
    return [entry for entry in parse_po(root / "locale" / "django.pot") if entry.msgid]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (GNU gettext) is not installed")
def test_korean_catalogue_has_every_message_of_the_code(extracted, messages):
    """Fails after a template or a gettext call gains a message: run `make messages`
    and translate what it adds to locale/ko/LC_MESSAGES/django.po."""
    in_catalogue = {message_key(entry) for entry in messages}

    missing = [entry.label for entry in extracted if message_key(entry) not in in_catalogue]

    assert len(extracted) > 100
    assert missing == [], "not in the Korean catalogue:\n" + "\n".join(missing)
