import re
from pathlib import Path

from parta.core.audit import ACTION_LABELS

SOURCE = Path(__file__).resolve().parents[2]


def test_every_audited_action_has_a_name_on_the_audit_screen():
    used = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" not in path.parts:
            used |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text("utf-8")))
    assert used, "no audited action found: the pattern no longer matches the services"
    assert sorted(used - set(ACTION_LABELS)) == []
