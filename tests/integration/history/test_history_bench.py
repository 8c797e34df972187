"""bench/history_scale.py still runs end to end (tiny sizes, temporary SQLite file, separate process)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_benchmark_runs_with_a_few_thousand_rows():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "bench/history_scale.py", "--audit-rows", "2000", "--requests", "300", "--repeat", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "loaded 2,000 audit rows and 300 requests" in result.stdout
    for line in ("history: deep page (cursor near the end)", "audit: deep page (cursor near the end)",
                 "admin/ours"):
        assert line in result.stdout
