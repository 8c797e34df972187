"""`make demo`: says what it is doing while pip runs, lists the whole cast and how to reset the demo."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _demo():
    spec = importlib.util.spec_from_file_location("demo_script", ROOT / "scripts" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cast_lists_every_seeded_account_with_its_password():
    seed = json.loads((ROOT / "secretserver_emulator" / "seed" / "demo.json").read_text())
    text = _demo().cast_text()
    for user in seed["users"]:
        if user.get("domainId"):  # directory-synced: signs in through its domain, no password to list
            assert user["userName"] in text
            continue
        assert f"{user['userName']} / {user['password']}" in text or \
            f"{user['userName']:<6} / {user['password']}" in text, user["userName"]


def test_the_cast_says_how_to_reset_the_demo_and_its_clock():
    demo = _demo()
    text = demo.cast_text()
    assert "var/emulator-state.json" in text and "var/db.sqlite3" in text
    assert "/_emulator/clock" in text and "-259200" in text
    assert demo.DEMO_ENV["RUNSERVER_LOG_LEVEL"] == "ERROR"  # the per-request log no longer buries the cast


def test_make_says_what_it_does_before_pip_runs_quietly():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("$(STAMP):"):]
    assert recipe.index('@echo "Installing the requirements') < recipe.index("pip install")
