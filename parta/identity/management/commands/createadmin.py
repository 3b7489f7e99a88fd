"""`parta createadmin`: the regional ministry's first administrator, who then adds everyone else."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import AuthorityRole, Membership
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Authority
from parta.orgs.services import create_region

ACTOR = audit.SystemActor("createadmin")


class Command(BaseCommand):
    help = (
        "Create an administrator of the regional ministry of education, who then adds "
        "everyone else through the screens. On an empty database, --region-name, --region-code "
        "and --ministry-name create the region and its ministry first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--login", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--middle-name", default="", help="leave out if there is none")
        parser.add_argument("--password", help="asked for when left out")
        parser.add_argument("--region-code", help="which region, when there are several")
        parser.add_argument("--region-name", help="create the region when there is none")
        parser.add_argument("--ministry-name", help="the ministry of a region being created")

    def handle(self, *args: object, **options: str) -> None:
        password = options["password"] or self._ask_password()
        try:
            with transaction.atomic():
                if options["region_name"]:
                    ministry = create_region(
                        actor=ACTOR,
                        name=options["region_name"],
                        code=options["region_code"] or "",
                        ministry_name=options["ministry_name"] or "",
                    )
                else:
                    ministry = self._ministry(options["region_code"])
                membership = add_staff_member(
                    actor=ACTOR,
                    unit=ministry,
                    person_fields={
                        "last_name": options["last_name"],
                        "first_name": options["first_name"],
                        "middle_name": options["middle_name"],
                        "has_no_middle_name": not options["middle_name"].strip(),
                    },
                    login=options["login"],
                    password=password,
                    must_change_password=False,
                    roles=[AuthorityRole.ADMIN],
                    position=str(AuthorityRole.ADMIN.label),
                )
        except ValidationError as error:
            raise CommandError(" ".join(_messages(error))) from error
        self.stdout.write(self.style.SUCCESS(self._done(membership)))

    def _done(self, membership: Membership) -> str:
        return _(
            "Administrator %(login)s of «%(authority)s» is created. On the login page choose the "
            "tab «%(tab)s» and «%(authority)s»."
        ) % {
            "login": membership.person.account.login,
            "authority": membership.authority,
            "tab": _("Education authority"),
        }

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                _("Give the password with --password or run the command in a terminal.")
            )
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password again: ")):
            raise CommandError(_("The two passwords differ."))
        return password

    def _ministry(self, code: str | None) -> Authority:
        """The regional ministry: of the only region, or of the region with this code."""
        ministries = Authority.objects.filter(level=Authority.Level.REGION).select_related("region")
        if code:
            ministries = ministries.filter(region__code=code)
        found = list(ministries.order_by("region__code", "pk"))
        if not found:
            if code:
                raise CommandError(
                    _("There is no region with code %(code)s and a ministry of education.")
                    % {"code": code}
                )
            raise CommandError(
                _(
                    "There is no region with a ministry of education in the database yet. Load "
                    "the demo region with «parta seed», or create the region with --region-name, "
                    "--region-code and --ministry-name."
                )
            )
        regions = sorted({ministry.region.code for ministry in found})
        if len(regions) > 1:
            raise CommandError(
                _("There are several regions: choose one with --region-code (%(codes)s).")
                % {"codes": ", ".join(regions)}
            )
        return found[0]


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)
