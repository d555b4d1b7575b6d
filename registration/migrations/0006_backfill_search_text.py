"""Fill the desk's search text of registrations made before it existed (0002
added the column empty): without it they are not found by name at the desk,
in the walk-in duplicate hints or in the admin search."""

import unicodedata

from django.db import migrations


def fold(text):
    # The same folding as registration.search.fold, frozen here as migrations must be.
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).casefold().strip()


def backfill(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    stale = Registration.objects.filter(search_text="").only("pk", "name", "email", "organisation", "code")
    batch = []
    for registration in stale.iterator(chunk_size=500):
        registration.search_text = fold(
            " ".join([registration.name, registration.email, registration.organisation, registration.code])
        )
        batch.append(registration)
        if len(batch) == 500:
            Registration.objects.bulk_update(batch, ["search_text"])
            batch = []
    Registration.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("registration", "0005_dashboard_and_export_permissions")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
