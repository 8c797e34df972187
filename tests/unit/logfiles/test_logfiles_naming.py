"""File names per "Log frequency", a new file per period, old files kept, the setting really drives it."""
from datetime import UTC, datetime, timedelta, timezone

import pytest

from connector import logfiles
from connector.logfiles import event_log_path, event_log_period, event_log_write
from connector.selectors import settings as settings_selectors

from tests.logfiles_helpers import make_event, read_lines

T = datetime(2026, 11, 28, 20, 15, 30, tzinfo=UTC)  # a Saturday, ISO week 48


@pytest.mark.parametrize("frequency, now, period", [
    ("Hourly", T, "2026-11-28T20"),
    ("Daily", T, "2026-11-28"),
    ("Weekly", T, "2026-W48"),
    # UTC, whatever zone the time arrives in: 23:30 at UTC-5 is 04:30 the next day in UTC.
    ("Hourly", datetime(2026, 11, 28, 23, 30, tzinfo=timezone(timedelta(hours=-5))), "2026-11-29T04"),
    ("Daily", datetime(2026, 11, 28, 23, 30, tzinfo=timezone(timedelta(hours=-5))), "2026-11-29"),
    # ISO week and ISO year: 1 January 2027 (a Friday) still belongs to 2026's week 53.
    ("Weekly", datetime(2027, 1, 1, 12, tzinfo=UTC), "2026-W53"),
    ("Weekly", datetime(2027, 1, 4, 0, tzinfo=UTC), "2027-W01"),
    ("Weekly", datetime(2026, 1, 5, 9, tzinfo=UTC), "2026-W02"),
    # A bad value never stops the log: it is treated as the default (Hourly).
    ("Fortnightly", T, "2026-11-28T20"),
])
def test_each_frequency_names_its_period(frequency, now, period):
    assert event_log_period(frequency, now) == period


def test_the_file_name_is_the_prefix_the_period_and_jsonl(tmp_path):
    assert event_log_path("Daily", T, tmp_path) == tmp_path / "scim-connector-2026-11-28.jsonl"


@pytest.mark.parametrize("frequency, name", [
    ("Hourly", "scim-connector-2026-11-28T20.jsonl"),
    ("Daily", "scim-connector-2026-11-28.jsonl"),
    ("Weekly", "scim-connector-2026-W48.jsonl"),
])
def test_the_writer_follows_the_log_frequency_setting(log_dir, log_frequency, frequency, name):
    log_frequency(frequency)
    path = event_log_write(make_event(), now=T, frequency=settings_selectors.settings_local().log_frequency)
    assert path == log_dir / name
    assert [p.name for p in log_dir.iterdir()] == [name]


def test_a_new_period_starts_a_new_file_and_the_old_one_is_kept(log_dir, log_frequency):
    first = event_log_write(make_event(1), now=T)
    event_log_write(make_event(2), now=T + timedelta(minutes=40))  # 20:55, same hour: appended
    second = event_log_write(make_event(3), now=T + timedelta(hours=1))  # 21:15: a new file
    assert first.name == "scim-connector-2026-11-28T20.jsonl"
    assert second.name == "scim-connector-2026-11-28T21.jsonl"
    assert sorted(p.name for p in log_dir.iterdir()) == [first.name, second.name]
    assert [line["seq"] for line in read_lines(first)] == [1, 2]
    assert [line["seq"] for line in read_lines(second)] == [3]

    log_frequency("Daily")  # the administrator changes the setting: the hourly files stay as they are
    daily = event_log_write(make_event(4), now=T + timedelta(hours=2),
                            frequency=settings_selectors.settings_local().log_frequency)
    assert daily.name == "scim-connector-2026-11-28.jsonl"
    assert sorted(p.name for p in log_dir.iterdir()) == sorted([first.name, second.name, daily.name])
    assert [line["seq"] for line in read_lines(first)] == [1, 2]


def test_a_line_goes_to_the_period_its_event_happened_in(log_dir, log_frequency):
    """Without ``now``, the row's own time picks the file: a row from 20:59:59 committed at 21:00 stays in 20."""
    path = event_log_write(make_event(when=datetime(2026, 11, 28, 20, 59, 59, 999999, tzinfo=UTC)))
    assert path.name == "scim-connector-2026-11-28T20.jsonl"


def test_the_directory_is_created_and_the_file_is_not_world_readable(log_dir, log_frequency):
    import os
    import stat

    assert not log_dir.exists()
    path = event_log_write(make_event(), now=T)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == logfiles.FILE_MODE & ~umask
    assert stat.S_IMODE(path.stat().st_mode) & 0o027 == 0  # no group write, nothing for others


def test_an_empty_log_dir_turns_file_logging_off(settings, tmp_path, log_frequency):
    settings.CONNECTOR_LOG_DIR = ""
    assert not logfiles.event_log_enabled()
    assert event_log_write(make_event(), now=T) is None
    assert event_log_path("Hourly", T) is None


def test_the_test_suite_writes_no_log_files_by_default():
    from django.conf import settings

    assert settings.CONNECTOR_LOG_DIR == ""
