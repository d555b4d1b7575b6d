"""The mail `make run` prints (wegov.console_mail): readable in the terminal in
Korean too, with the private link to follow."""

from io import StringIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from registration import services
from registration.mail import build_message
from registration.models import MailKind, OutgoingMail
from tests.factories import EventFactory, PersonFactory, WorkshopFactory
from tests.test_settings import run_python
from wegov.console_mail import EmailBackend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


def printed(mail: OutgoingMail) -> str:
    stream = StringIO()
    EmailBackend(stream=stream).send_messages([build_message(mail)])
    return stream.getvalue()


def test_a_korean_confirmation_prints_its_text_and_private_link_readably():
    event = EventFactory(name_ko="WeGO 창립총회", name_en="WeGO General Assembly")
    workshop = WorkshopFactory(event=event)
    registration = services.register(
        event=event,
        person=PersonFactory(name="김민준", email="minjun@example.org", language="ko"),
        session_ids=[workshop.pk],
    ).registration
    mail = OutgoingMail.objects.get(registration=registration, kind=MailKind.CONFIRMATION)

    output = printed(mail)

    with translation.override("ko"):
        manage = settings.SITE_URL + reverse("registration:manage", kwargs={"secret": registration.manage_secret})
    assert "To: minjun@example.org" in output
    assert "Subject: [WeGO 창립총회]" in output
    assert "김민준" in output
    assert "Content-Transfer-Encoding: base64" not in output
    assert f"  {manage}" in output.split("Links:")[1]
    assert f"{event.slug}-{registration.code}.ics (text/calendar)" in output


def test_make_run_prints_mail_with_the_readable_backend():
    code = (
        "import django; from django.conf import settings; django.setup(); print(settings.MAILERS['default']['BACKEND'])"
    )
    result = run_python(["-c", code], DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wegov.console_mail.EmailBackend"
