"""`parta gosuslugi_demo FILE`: the stand-in provider's configuration for the demo region.

`make run` starts node's oidc-provider (scripts/oidc/stand-in-provider.mjs) with this file on
127.0.0.1:8001, so that «Войти через Госуслуги» can be tried without the real ЕСИА. Each demo
account carries the card data of a demo person, as Gosuslugi would pass them; «stranger» is
nobody in parta and shows the page of a failed match.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from parta.identity.models import Account

#: The stand-in's login (what the demo user types there) → the parta login of the person.
DEMO_ACCOUNTS = {
    "parent": "sch1.parent",
    "student": "sch1.student",
    "teacher": "sch1.teacher",
    "director": "sch1.director",
}
STRANGER = {
    "family_name": "Незнакомов",
    "given_name": "Пётр",
    "middle_name": "Ильич",
    "birthdate": "1979-09-14",
    "snils": "11223344595",
}
PORT = 8001
CLIENT_ID = "parta-demo"
CLIENT_SECRET = "parta-demo-secret"  # noqa: S105 (the local stand-in's, not a real secret)


def claims(account: Account) -> dict:
    person = account.person
    values = {
        "family_name": person.last_name,
        "given_name": person.first_name,
        "middle_name": person.middle_name,
        "birthdate": person.birth_date.isoformat() if person.birth_date else None,
        "snils": person.snils or None,
        "email": person.email or None,
        "phone_number": person.phone or None,
    }
    return {key: value for key, value in values.items() if value}


class Command(BaseCommand):
    help = "Write the Gosuslugi stand-in's configuration for the demo region to FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--redirect-uri", default="http://127.0.0.1:8000/login/gosuslugi/callback/"
        )

    def handle(self, *args: object, **options: str) -> None:
        accounts = {
            sub: claims(account)
            for sub, login in DEMO_ACCOUNTS.items()
            for account in Account.objects.select_related("person").filter(login=login)
        }
        accounts["stranger"] = STRANGER
        config = {
            "port": PORT,
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [options["redirect_uri"]],
                }
            ],
            "accounts": accounts,
        }
        path = Path(options["file"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"Gosuslugi stand-in: {', '.join(accounts)} → {path}")
