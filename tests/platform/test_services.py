"""Services are the one way to write: every public function of an app's
``services`` module is a registered service, and the suite exercises each."""

import importlib
import inspect
import pkgutil

import pytest
from django.apps import apps

from cdmo_eval.service import CALLS, REGISTRY

OURS = ("partners", "negotiations", "scorecards")


def services_modules():
    for label in OURS:
        package = importlib.import_module(apps.get_app_config(label).name)
        names = [package.__name__] + [
            m.name
            for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        ]
        for name in names:
            if name.rsplit(".", 1)[-1] == "services":
                yield importlib.import_module(name)


def public_functions(module):
    return [
        f
        for name, f in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and f.__module__ == module.__name__
    ]


def test_every_public_function_of_a_services_module_is_a_registered_service():
    modules = list(services_modules())
    assert {m.__name__ for m in modules} >= {
        "partners.services",
        "negotiations.services",
        "scorecards.setup.services",
        "scorecards.rating.services",
    }
    unregistered = [
        f"{m.__name__}.{f.__name__}"
        for m in modules
        for f in public_functions(m)
        if getattr(f, "service_name", None) not in REGISTRY
    ]
    assert unregistered == []


@pytest.mark.runs_last
def test_every_service_is_exercised_by_the_suite(request):
    """Runs after every other test of the session (tests/conftest.py orders it
    last) and reads how often each service was called."""
    if not request.config.whole_suite:
        pytest.skip("counts calls across the whole suite: run it with `make test`")
    for module in services_modules():  # every service module is imported
        assert public_functions(module)
    never = sorted(name for name in REGISTRY if CALLS[name] == 0)
    assert never == [], f"services no test exercises: {never}"
