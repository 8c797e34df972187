"""``local_stamp`` (list rows' times without strftime) writes exactly what strftime wrote, in any zone."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from connector.listing import iso_seconds, local_stamp

ZONES = [UTC, ZoneInfo("Europe/Amsterdam"), ZoneInfo("America/St_Johns"), ZoneInfo("Asia/Kathmandu")]
TIMES = [datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC) + timedelta(minutes=37 * i) for i in range(40)] + [
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC) + timedelta(days=400), datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)]


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_same_text_as_strftime(zone):
    for value in TIMES:
        local = value.astimezone(zone)
        assert local_stamp(value, zone) == local.strftime("%Y-%m-%d %H:%M")
        assert local_stamp(value, zone, seconds=True) == local.strftime("%Y-%m-%d %H:%M:%S")


def test_no_time_is_empty():
    assert local_stamp(None, UTC) == ""


UTC_NAMED = ZoneInfo("UTC")


@pytest.mark.parametrize("zone", [UTC, UTC_NAMED, ZoneInfo("Etc/UTC"), ZoneInfo("Europe/London"),
                                  ZoneInfo("Asia/Kathmandu")], ids=str)
@pytest.mark.parametrize("value_zone", [UTC, UTC_NAMED, ZoneInfo("America/St_Johns")], ids=str)
def test_the_utc_shortcut_writes_what_the_conversion_wrote(zone, value_zone):
    """UTC values shown in UTC skip the conversion; any other pair converts. Same text either way."""
    for value in TIMES:
        value = value.astimezone(value_zone)
        local = value.astimezone(zone)
        assert local_stamp(value, zone) == local.strftime("%Y-%m-%d %H:%M")
        assert local_stamp(value, zone, seconds=True) == local.strftime("%Y-%m-%d %H:%M:%S")
        assert iso_seconds(value) == value.isoformat(timespec="seconds")


@pytest.mark.parametrize("zone", [UTC, UTC_NAMED, ZoneInfo("Europe/London"), ZoneInfo("Asia/Kathmandu")], ids=str)
@pytest.mark.parametrize("value_zone", [UTC, UTC_NAMED, ZoneInfo("America/St_Johns")], ids=str)
@pytest.mark.parametrize("seconds", [False, True])
def test_row_stamps_write_what_iso_seconds_and_local_stamp_write(zone, value_zone, seconds):
    """One page's times cut from one isoformat: the same texts as the two functions, for every pair of zones."""
    from connector.listing import row_stamps

    both, local = row_stamps(zone, seconds=seconds)
    for value in TIMES:
        value = value.astimezone(value_zone)
        expected = (iso_seconds(value), local_stamp(value, zone, seconds=seconds))
        assert both(value) == expected and local(value) == expected[1]
