"""Lists the entries of a gettext catalogue that are untranslated or fuzzy (stdlib only).

Usage: python scripts/check_po.py CATALOGUE.po
       python scripts/check_po.py --compare COMMITTED.po GENERATED.po

The second form lists the msgids a fresh `makemessages` run (GENERATED) adds to the committed
catalogue or drops from it. Either form exits 1 when it lists anything.
"""

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def label(self) -> str:
        text = self.msgid if len(self.msgid) <= 100 else self.msgid[:97] + "..."
        context = f" [context {self.msgctxt!r}]" if self.msgctxt else ""
        plural = " (plural)" if self.msgid_plural is not None else ""
        return f"line {self.line}: {text!r}{context}{plural}"


KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def parse(path: Path) -> list[Entry]:
    """Entries of a .po file, header included (msgid "")."""
    entries: list[Entry] = []
    entry = Entry()
    field_name: str | None = None
    plural_index = 0
    started = False

    def finish() -> None:
        nonlocal entry, started, field_name
        if started:
            entries.append(entry)
        entry, started, field_name = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#,") and not obsolete:
            if started and field_name != "msgctxt":
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and started and field_name == "msgstr":
                finish()
            if not started:
                entry.line = number
            started = True
            entry.obsolete = entry.obsolete or obsolete
            value = ast.literal_eval(literal)
            if keyword == "msgctxt":
                entry.msgctxt, field_name = value, "msgctxt"
            elif keyword == "msgid":
                entry.msgid, field_name = value, "msgid"
            elif keyword == "msgid_plural":
                entry.msgid_plural, field_name = value, "msgid_plural"
            else:
                plural_index = int(index) if index is not None else 0
                entry.msgstr[plural_index] = value
                field_name = "msgstr"
        elif line.startswith('"') and field_name:
            value = ast.literal_eval(line)
            if field_name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif field_name == "msgid":
                entry.msgid += value
            elif field_name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgstr[plural_index] += value
        else:
            raise SystemExit(f"{path}:{number}: cannot read this line: {raw!r}")
    finish()
    return entries


def plural_count(header: Entry | None) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, "") if header else "")
    return int(match.group(1)) if match else 1


def problems(path: Path) -> list[str]:
    """Untranslated and fuzzy entries of the catalogue, one line each."""
    entries = [entry for entry in parse(path) if not entry.obsolete]
    header = next((entry for entry in entries if entry.msgid == "" and not entry.msgctxt), None)
    found: list[str] = []
    if header is None:
        found.append("the catalogue has no header entry")
    elif "fuzzy" in header.flags:
        found.append("the header is marked fuzzy: msgfmt would drop it, Plural-Forms included")
    forms = plural_count(header)
    for entry in entries:
        if entry is header:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy        {entry.label()}")
        elif entry.msgid_plural is not None:
            if any(not entry.msgstr.get(index) for index in range(forms)):
                found.append(f"untranslated {entry.label()} needs {forms} forms")
        elif not entry.msgstr.get(0):
            found.append(f"untranslated {entry.label()}")
    return found


def differences(committed: Path, generated: Path) -> list[str]:
    """Msgids that makemessages adds to or drops from the committed catalogue."""
    old = {entry.key for entry in parse(committed) if not entry.obsolete}
    new = {entry.key for entry in parse(generated) if not entry.obsolete}
    lines = [f"new in the code      {msgid!r}" for _ctx, msgid in sorted(new - old, key=str)]
    lines += [f"gone from the code   {msgid!r}" for _ctx, msgid in sorted(old - new, key=str)]
    return lines


def say(title: str, *lines: str) -> None:
    sys.stdout.write("".join([f"{title}\n", *(f"  {line}\n" for line in lines)]))


def main(argv: list[str]) -> int:
    if len(argv) == 2:
        listed = problems(Path(argv[1]))
        if listed:
            say(f"{argv[1]}: {len(listed)} entries need a translator:", *listed)
        return 1 if listed else 0
    if len(argv) == 4 and argv[1] == "--compare":
        changed = differences(Path(argv[2]), Path(argv[3]))
        if changed:
            say(f"{argv[2]}: makemessages changes these msgids:", *changed)
        return 1 if changed else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
