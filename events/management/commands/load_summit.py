from django.core.management.base import BaseCommand

from events.seed import load_summit


class Command(BaseCommand):
    help = (
        "Load WeGO's founding General Assembly (Seoul, 6-8 September 2010), with the venue desk's checkpoints "
        "(an entrance per day, a door per workshop room), and make it the current event. "
        "Idempotent: a second run with the same options creates and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help=(
                "Leave online registration open (no closing time) so that people trying the site, e.g. with "
                "`make run`, can register. Without it the assumed 2010 window applies, which closed on "
                "8 September 2010; running again without --demo restores it."
            ),
        )

    def handle(self, *args, demo: bool = False, **options):
        result = load_summit(demo=demo)
        style = self.style.SUCCESS if result.changed else self.style.NOTICE
        self.stdout.write(style(result.summary()))
        if demo:
            self.stdout.write("Demo: online registration stays open (no closing time).")
