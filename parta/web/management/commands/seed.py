"""`parta seed --scale demo|municipality|region`: the demo region, or a region-sized dataset."""

import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from parta.web.seed import demo, scale
from parta.web.seed.logins import format_table


class Command(BaseCommand):
    help = (
        "Fill the database with the demo region (--scale demo) or with a generated region "
        "for benchmarks (--scale municipality: about 60 organisations and 1,600 staff; "
        "--scale region: about 1,500 organisations and 40,000 staff). Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", choices=["demo", *scale.SCALES], default="demo", help="what to build"
        )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        if options["scale"] == "demo":
            result = demo.build_demo()
            region, created, logins = result.region, result.created, result.logins
        else:
            spec = scale.SCALES[str(options["scale"])]
            outcome = scale.build_region(spec, log=self.stdout.write)
            region, created, logins = outcome.region, outcome.created, outcome.logins
            for name, count in outcome.counts.items():
                self.stdout.write(f"  {name}: {count}")
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Created «%(region)s» (code %(code)s) in %(seconds).1f s.")
                    % {
                        "region": region.name,
                        "code": region.code,
                        "seconds": time.perf_counter() - started,
                    }
                )
            )
        else:
            self.stdout.write(
                _("«%(region)s» (code %(code)s) is already there: nothing changed.")
                % {"region": region.name, "code": region.code}
            )
        self.stdout.write("")
        self.stdout.write(format_table(logins))
