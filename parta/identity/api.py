"""The identity part of the JSON API: organisations, people and memberships."""

from ninja import Router

router = Router(tags=["identity"])
