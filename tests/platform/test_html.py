"""Every page is valid HTML: the W3C Nu HTML checker (npm ``vnu-jar``, run on
Java) over the HTML of every GET route of the permission table, as served to
the first role that may see it, in the world of the table (scoring open) and
its decided evaluation."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tests.routes import ROLES, build_world, page_visits

ROOT = Path(__file__).resolve().parents[2]
VNU = Path(
    os.environ.get("VNU_JAR") or ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
)
JAVA = shutil.which("java")


def _checker():
    if JAVA and VNU.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(
            "CI must provide Java and the Nu checker (make install runs npm ci)"
        )
    pytest.skip("the Nu HTML checker needs Java and `npm ci` (node_modules/vnu-jar)")


def _pages(world) -> dict[str, str]:
    """Full HTML documents of every GET route, keyed by URL."""
    clients = {}
    for role in ROLES[:5]:
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    pages = {}
    for role, url, _route in page_visits(world):
        response = clients[role].get(url)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode("utf-8", "replace")
        if response.status_code == 200 and body.lstrip().lower().startswith(
            "<!doctype html"
        ):
            pages[url] = body
    return pages


@pytest.mark.django_db
def test_every_page_is_valid_html(tmp_path):
    _checker()
    pages = _pages(build_world())
    assert len(pages) > 60
    names = {}
    for i, (url, body) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page-{i:03}.html"
        path.write_text(body, encoding="utf-8")
        names[path.as_uri()] = url
    result = subprocess.run(
        [
            JAVA,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *map(str, sorted(tmp_path.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors = [
        f"{names.get(m.get('url'), m.get('url'))}:{m.get('lastLine')} "
        f"{m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    print(f"Nu HTML checker: {len(pages)} pages, {len(errors)} errors")
    assert errors == []
