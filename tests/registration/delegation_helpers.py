"""Shared by the back-office tests: organisers and viewers, delegation files."""

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from registration import roles
from registration.delegations.files import KEYS


def organiser_user(username: str = "organiser-1"):
    user = get_user_model().objects.create_user(username, password="irrelevant", is_staff=True)
    user.groups.add(roles.ensure_groups()[roles.ORGANISERS])
    return user


def staff_with(username: str, *codenames: str):
    """Active staff holding only these registration permissions (a viewer, say)."""
    user = get_user_model().objects.create_user(username, password="irrelevant", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="registration", codename__in=codenames)
    )
    return user


def person_row(n: int, **values) -> dict:
    row = {
        "name": f"Delegate {n}",
        "email": f"delegate{n}@city.example.org",
        "organisation": "City Hall",
        "job_title": "Director",
        "country": "DE",
        "city": "Berlin",
        "phone": "",
        "language": "ko" if n % 2 else "en",
        "category": "",
        "needs": "",
        "sessions": "",
    }
    row.update(values)
    return row


def csv_file(rows: list[dict], *, name="delegation.csv", encoding="utf-8-sig", header=KEYS) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in KEYS])
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[dict], *, name="delegation.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(KEYS))
    for row in rows:
        sheet.append([row.get(key, "") for key in KEYS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())
