"""The rules of STYLE.md §3 that import-linter cannot state, checked on the source with `ast`.

- Across apps, production code imports only another app's `services`, `selectors`, `policies`,
  `models` and `validators` (pure checks such as a СНИЛС checksum); `core` is the shared kernel,
  whose modules (`audit`, `models`, …) every app may use.
- Nobody imports another app's `views`, `forms`, `api`, `tasks`, `urls` or `admin`, tests
  included; only the project's own `parta/urls.py` and `parta/api.py` mount them.
- Production code never imports a `tests` package or `parta.core.testing`.
- Production code never writes another app's tables: no `Model.objects.create(...)`,
  `.update()`, `.delete()` and the like, and no `Model(...)` instances of another app's models.
  The one exception is the data generator of `parta seed`, which bulk-loads every app's tables
  (a region-sized data set through per-row services would take hours).
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
KERNEL = "core"
PUBLIC_MODULES = frozenset({"services", "selectors", "policies", "models", "validators"})
PRIVATE_MODULES = frozenset({"views", "forms", "api", "tasks", "urls", "admin"})
TEST_MODULES = frozenset({"tests", "testing", "conftest"})
#: Project-level modules that wire the apps together: they mount each app's urls and API router.
WIRING = frozenset({"urls", "api"})
#: Packages allowed to write other apps' tables directly (see the module docstring).
BULK_LOADERS = ("parta.web.seed",)
#: Manager methods that write rows.
WRITES = frozenset(
    {
        "create",
        "bulk_create",
        "get_or_create",
        "update_or_create",
        "update",
        "bulk_update",
        "delete",
    }
)


@dataclass(frozen=True)
class Module:
    """A Python file of the package: its app (None for project-level files) and its kind."""

    path: Path
    name: str

    @property
    def parts(self) -> list[str]:
        return self.name.split(".")

    @property
    def app(self) -> str | None:
        return self.parts[1] if len(self.parts) > 2 else None

    @property
    def is_test_code(self) -> bool:
        parts = self.parts
        return any(part in ("tests", "conftest") for part in parts) or parts[:3] == [
            "parta",
            "core",
            "testing",
        ]

    @property
    def is_migration(self) -> bool:
        return "migrations" in self.parts


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> list[Module]:
    return [
        Module(path, module_name(path))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "__pycache__" not in path.parts
    ]


@dataclass(frozen=True)
class Import:
    target: str  # full dotted name, "parta.identity.services.staff.add_staff_member"
    line: int


def imports_of(tree: ast.AST, module: str, is_package: bool) -> Iterator[Import]:
    """Every `parta.*` name the module imports, relative imports resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                yield Import(f"{origin}.{alias.name}", node.lineno)


def import_problems(module: Module, imported: str) -> list[str]:
    """Why this import breaks a rule, if it does."""
    parts = imported.split(".")
    if parts[0] != "parta":
        return []
    problems = []
    test_import = any(part in TEST_MODULES for part in parts[1:]) and not (
        len(parts) > 2 and parts[1] == KERNEL and parts[2] != "testing" and "tests" not in parts
    )
    if test_import and not module.is_test_code:
        problems.append("production code imports test code")
    if len(parts) < 3:
        return problems
    app, submodule = parts[1], parts[2]
    if app == module.app:
        return problems
    if module.app is None:
        # parta/urls.py and parta/api.py mount the apps' urls and routers, nothing else does.
        if module.parts[-1] in WIRING and submodule in WIRING | {"converters"}:
            return problems
    if submodule in PRIVATE_MODULES:
        problems.append(f"imports {app}.{submodule}, which is private to the {app} app")
    elif module.is_test_code or module.is_migration:
        pass
    elif app == KERNEL:
        if submodule in TEST_MODULES:
            pass  # reported above
    elif submodule not in PUBLIC_MODULES and submodule[0].islower():
        problems.append(
            f"imports {app}.{submodule}: across apps only "
            f"{', '.join(sorted(PUBLIC_MODULES))} are public"
        )
    return problems


def foreign_models(tree: ast.AST, module: Module) -> dict[str, str]:
    """Local names bound to another app's models (or to its models module), by app."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "parta" or len(parts) < 2 or parts[1] == module.app:
                continue
            if len(parts) == 3 and parts[2] == "models":
                for alias in node.names:
                    found[alias.asname or alias.name] = parts[1]
            elif len(parts) == 2:
                for alias in node.names:
                    if alias.name == "models":
                        found[alias.asname or alias.name] = parts[1]
    return found


def write_problems(tree: ast.AST, module: Module) -> Iterator[tuple[int, str]]:
    """Writes to another app's tables: manager writes and new instances of its models."""
    models = foreign_models(tree, module)
    if not models:
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in models:
            if function.id[0].isupper():
                yield node.lineno, f"creates a {function.id} of the {models[function.id]} app"
            continue
        if not (isinstance(function, ast.Attribute) and function.attr in WRITES):
            continue
        # Walk down the chain: Model.objects.filter(...).update(...) starts at Model.
        target = function.value
        while isinstance(target, ast.Call | ast.Attribute):
            target = target.func if isinstance(target, ast.Call) else target.value
        chain = ast.unparse(function)
        if isinstance(target, ast.Name) and target.id in models and ".objects" in chain:
            yield (
                node.lineno,
                f"{chain}(): writes a table of the {models[target.id]} app; call its services",
            )


def is_bulk_loader(module: Module) -> bool:
    return any(module.name == name or module.name.startswith(f"{name}.") for name in BULK_LOADERS)


def architecture_problems(modules: list[Module]) -> list[str]:
    problems = []
    for module in modules:
        tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
        is_package = module.path.name == "__init__.py"
        where = module.path.relative_to(PACKAGE.parent)
        for found in imports_of(tree, module.name, is_package):
            for problem in import_problems(module, found.target):
                problems.append(f"{where}:{found.line}: {problem} ({found.target})")
        if not (module.is_test_code or module.is_migration or is_bulk_loader(module)):
            for line, problem in write_problems(tree, module):
                problems.append(f"{where}:{line}: {problem}")
    return problems


def test_apps_keep_to_each_others_public_modules():
    problems = architecture_problems(package_modules())
    assert not problems, "STYLE.md §3 is broken:\n" + "\n".join(problems)


def test_the_check_reads_every_app():
    apps = {module.app for module in package_modules() if module.app}
    assert {"core", "orgs", "identity", "web"} <= apps


# The check itself, on small made-up modules, so that a silent checker cannot pass the test above.


def problems_in(tmp_path: Path, name: str, source: str) -> list[str]:
    path = tmp_path.joinpath(*name.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    module = Module(path, name)
    tree = ast.parse(source)
    found = [
        problem
        for item in imports_of(tree, name, False)
        for problem in import_problems(module, item.target)
    ]
    if not module.is_test_code:
        found += [problem for _line, problem in write_problems(tree, module)]
    return found


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("parta.web.views", "from parta.identity.views.auth import login_page"),
        ("parta.web.views", "from parta.identity import forms"),
        ("parta.web.views", "import parta.identity.api"),
        ("parta.web.views", "from parta.identity.tasks import send"),
        ("parta.web.views", "from parta.identity.middleware import enter_cabinet"),
        ("parta.web.views", "from parta.identity.audit_labels import LABELS"),
        ("parta.web.views", "from parta.core.testing.personas import build_region"),
        ("parta.web.views", "from parta.identity.tests.factories import PersonFactory"),
        ("parta.identity.selectors", "from parta.core import testing"),
        ("parta.web.tests.test_x", "from parta.identity.forms.staff import StaffForm"),
        (
            "parta.web.services",
            "from parta.identity.models import Person\nPerson.objects.create(last_name='x')",
        ),
        (
            "parta.web.services",
            "from parta.orgs.models import Organization\n"
            "Organization.objects.filter(pk=1).update(short_name='x')",
        ),
        ("parta.web.services", "from parta.orgs.models import Region\nRegion(name='x').save()"),
        (
            "parta.web.services",
            "from parta.orgs import models\nmodels.Region.objects.all().delete()",
        ),
    ],
)
def test_the_check_catches(tmp_path, name, source):
    assert problems_in(tmp_path, name, source)


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("parta.web.views", "from parta.identity import selectors, policies, services"),
        ("parta.web.views", "from parta.identity.services.staff import add_staff_member"),
        ("parta.web.views", "from parta.identity.models import Membership"),
        ("parta.identity.services.staff", "from parta.core import audit"),
        ("parta.identity.services.staff", "from parta.core.audit import record"),
        ("parta.identity.views.auth", "from parta.identity.forms.auth import LoginForm"),
        ("parta.identity.views.auth", "from ..forms import auth"),
        ("parta.urls", "from parta.identity.converters import UnitConverter"),
        ("parta.api", "from parta.identity.api import router"),
        ("parta.web.tests.test_x", "from parta.core.testing.personas import build_region"),
        ("parta.core.testing.personas", "from parta.identity.middleware import enter_cabinet"),
        (
            "parta.core.testing.personas",
            "from parta.orgs.models import Region\nRegion.objects.create(name='x')",
        ),
        (
            "parta.identity.selectors",
            "from parta.orgs.models import Organization\n"
            "Organization.objects.filter(pk=1).values('pk')",
        ),
        (
            "parta.identity.services.staff",
            "from parta.identity.models import Person\nPerson.objects.create(last_name='x')",
        ),
    ],
)
def test_the_check_allows(tmp_path, name, source):
    assert problems_in(tmp_path, name, source) == []
