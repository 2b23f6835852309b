"""The deployment files: production settings pass ``check --deploy``, the settings
refuse to start without a secret, ``.env.example`` documents every variable the
settings read, and ``docker-compose.yml`` is valid."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS = BASE_DIR / "cdmo_eval" / "settings.py"
ENV_EXAMPLE = BASE_DIR / ".env.example"
# Wherever it is on PATH, as .ci/run finds it (`command -v docker-compose`).
DOCKER_COMPOSE = (
    os.environ.get("DOCKER_COMPOSE_PATH") or shutil.which("docker-compose") or ""
)

# env("X"), env.bool("X"), env.db(...), env.list(...) ... also across line breaks.
ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
OS_ENV_READ = re.compile(
    r"""os\.(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)

# manage.py, but without reading a developer's .env: only the variables a test
# passes count.
MANAGE_WITHOUT_DOTENV = (
    "import sys, environ; "
    "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None); "
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', *sys.argv[1:]])"
)


def settings_variables() -> set[str]:
    text = SETTINGS.read_text()
    names = set(ENV_READ.findall(text))
    for match in OS_ENV_READ.findall(text):
        names.update(name for name in match if name)
    return names


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without anything the settings read."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in settings_variables()
        and not key.startswith("AWS_")
        # Set by the browser tests for Playwright's event loop; never in production.
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["DJANGO_SETTINGS_MODULE"] = "cdmo_eval.settings"
    env.update(overrides)
    return env


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    return clean_env(
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="cdmo.example.com",
        CSRF_TRUSTED_ORIGINS="https://cdmo.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
        BEHIND_TLS_PROXY="1",
        **overrides,
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", MANAGE_WITHOUT_DOTENV, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS:" not in output


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_settings_refuse_to_start_without_secret_key_in_production(tmp_path, secret):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when PRODUCTION is on." in result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    names = settings_variables()
    # The pattern must see reads split over several lines, too.
    assert {
        "PRODUCTION",
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
    } <= names
    assert "SECURE_HSTS_INCLUDE_SUBDOMAINS" in names
    documented = set(
        re.findall(r"^#?[ \t]*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M)
    )
    assert not names - documented, f"missing from .env.example: {names - documented}"


def test_env_example_is_plain_key_value_lines():
    """Both Compose's env_file and django-environ read it the same way only if values
    are unquoted, carry no trailing comment and contain no ``$``."""
    for line in ENV_EXAMPLE.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert re.fullmatch(
            r"[A-Z][A-Z0-9_]*=[^\s\"'$#][^\"'$#]*|[A-Z][A-Z0-9_]*=", line
        ), line


@pytest.fixture
def docker_compose() -> str:
    if not DOCKER_COMPOSE:
        if os.environ.get("CI"):
            pytest.fail(
                "CI must install docker-compose (apt-get install -y docker-compose)"
            )
        pytest.skip(
            "docker-compose is not installed: apt-get install -y docker-compose"
        )
    return DOCKER_COMPOSE


def test_docker_compose_file_is_valid(docker_compose):
    env = clean_env(POSTGRES_PASSWORD="ci-check", CDMO_ENV_FILE=".env.example")
    compose = [docker_compose, "-f", str(BASE_DIR / "docker-compose.yml")]
    run = dict(cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)

    result = subprocess.run([*compose, "config", "-q"], **run)
    assert result.returncode == 0, result.stderr

    services = subprocess.run([*compose, "config", "--services"], **run)
    assert set(services.stdout.split()) == {"web", "worker", "beat", "db", "redis"}


EMBEDDED_ERRORS = r"""
import sys, types, environ
environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import include, path

def boom(request):
    raise RuntimeError("a bug")

urls = types.ModuleType("embedded_urls")
urls.urlpatterns = [path("boom/", boom), path("", include("cdmo_eval.urls"))]
sys.modules["embedded_urls"] = urls
settings.ROOT_URLCONF = "embedded_urls"
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
client = Client(raise_request_exception=False)
client.force_login(get_user_model().objects.create_user("outsider"))
print("settings", settings.DEBUG, settings.SECURE_SSL_REDIRECT,
      settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)
for url in ("/evaluations/nope/", "/boom/"):
    r = client.get(url, HTTP_HOST="127.0.0.1")
    print("page", url, r.status_code, r.content.decode().replace("\n", " "))
"""


def test_the_embedded_default_serves_the_apps_own_error_pages_over_plain_http(
    tmp_path,
):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-c", EMBEDDED_ERRORS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = {line.split(" ", 2)[1]: line for line in result.stdout.splitlines()[1:]}
    # No debug pages, and none of production's HTTPS-only switches.
    assert result.stdout.splitlines()[0] == "settings False False False False"
    missing = lines["/evaluations/nope/"]
    assert " 404 " in missing
    assert "There is nothing here, or you do not have access to it." in missing
    assert "URLconf" not in missing and "evaluations/&lt;slug:key&gt;" not in missing
    broken = lines["/boom/"]
    assert " 500 " in broken
    assert "Something went wrong on our side" in broken
    assert "Traceback" not in broken and "a bug" not in broken
