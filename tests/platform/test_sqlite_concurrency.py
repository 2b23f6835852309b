"""Concurrent writes on the embedded SQLite default wait; they never fail."""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_three_people_autosaving_and_submitting_at_once_get_no_error(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FILES_ROOT": str(tmp_path / "files"),
        "PYTHONPATH": str(HERE.parents[1]),
    }
    done = subprocess.run(
        [sys.executable, str(HERE / "sqlite_writers.py")],
        env=env,
        cwd=HERE.parents[1],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    # every page, autosave and submit answered: 3 × (1 + 23 + 1)
    assert sum(report["statuses"].values()) == 75
    assert set(report["statuses"]) <= {"200", "302"}
