"""Several writers (threads here, gunicorn workers in production) append to one file: no line is torn."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from connector.logfiles import event_log_write

from tests.logfiles_helpers import make_event

PAD = "x" * 6000  # lines larger than a pipe buffer's atomic size, to make a torn write visible
WHEN = make_event().time


def _check(path: Path, expected: set[tuple[str, int]]):
    seen = []
    for raw in path.read_bytes().split(b"\n")[:-1]:
        line = json.loads(raw)  # a torn or interleaved line would not parse
        assert line["after"]["pad"] == PAD
        seen.append((line["actor_name"], line["seq"]))
    assert path.read_bytes().endswith(b"\n")
    assert len(seen) == len(expected) and set(seen) == expected


def test_threads_appending_to_one_file_keep_every_line_whole(log_dir, log_frequency):
    writers, per_writer = 8, 100
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            barrier.wait(timeout=30)
            for i in range(per_writer):
                if event_log_write(make_event(i, actor_name=f"thread{n}", after={"pad": PAD})) is None:
                    errors.append((n, i))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    (path,) = log_dir.iterdir()
    _check(path, {(f"thread{n}", i) for n in range(writers) for i in range(per_writer)})


CHILD = """
import sys, django
django.setup()
from tests.logfiles_helpers import make_event
from connector.logfiles import event_log_write
name, count, pad = sys.argv[1], int(sys.argv[2]), "x" * 6000
sys.stdin.readline()  # start together
for i in range(count):
    assert event_log_write(make_event(i, actor_name=name, after={"pad": pad}), frequency="Hourly") is not None
"""


def test_processes_appending_to_one_file_keep_every_line_whole(log_dir):
    processes, per_process = 4, 150
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "scimsite.settings_test", "CONNECTOR_LOG_DIR": str(log_dir),
           "PYTHONPATH": str(root)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, f"proc{n}", str(per_process)], cwd=root, env=env,
                                 stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for n in range(processes)]
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        _, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
    (path,) = log_dir.iterdir()
    _check(path, {(f"proc{n}", i) for n in range(processes) for i in range(per_process)})
