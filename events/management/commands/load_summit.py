from django.core.management.base import BaseCommand

from events.seed import load_summit


class Command(BaseCommand):
    help = (
        "Load WeGO's founding General Assembly (Seoul, 6-8 September 2010) and make it the current event. "
        "Idempotent: a second run creates and changes nothing."
    )

    def handle(self, *args, **options):
        result = load_summit()
        style = self.style.SUCCESS if result.changed else self.style.NOTICE
        self.stdout.write(style(result.summary()))
