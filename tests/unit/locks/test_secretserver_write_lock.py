"""The connector-wide Secret Server write lock: one read-check-write at a time across workers."""
import threading
import time

import pytest
from django.core.cache import cache

from connector.services import locks
from connector.services.locks import WRITE_LOCK_KEY, WritesBusy, secretserver_write_lock, serialized_write


@pytest.fixture(autouse=True)
def clean_lock():
    cache.delete(WRITE_LOCK_KEY)
    yield
    cache.delete(WRITE_LOCK_KEY)


def test_two_writers_run_one_after_the_other():
    inside, overlaps = [], []
    barrier = threading.Barrier(2)

    @serialized_write
    def write(name):
        if inside:
            overlaps.append(name)
        inside.append(name)
        time.sleep(0.1)
        inside.remove(name)

    def run(name):
        barrier.wait()
        write(name)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == [] and inside == []
    assert cache.get(WRITE_LOCK_KEY) is None


def test_a_writer_gives_up_with_writes_busy_when_the_lock_stays_taken():
    cache.add(WRITE_LOCK_KEY, "someone-else", 60)
    started = time.monotonic()
    with pytest.raises(WritesBusy) as caught:
        with secretserver_write_lock(wait_seconds=0.2):
            pytest.fail("the block must not run without the lock")
    assert 0.2 <= time.monotonic() - started < 2
    assert caught.value.product_message == locks.BUSY_MESSAGE
    assert cache.get(WRITE_LOCK_KEY) == "someone-else"  # never released by a writer that did not hold it


def test_the_lock_is_released_when_the_write_fails():
    with pytest.raises(RuntimeError), secretserver_write_lock():
        raise RuntimeError("Secret Server said no")
    assert cache.get(WRITE_LOCK_KEY) is None


def test_a_lock_that_expired_and_was_taken_by_another_is_not_deleted():
    with secretserver_write_lock():
        cache.set(WRITE_LOCK_KEY, "the-next-holder", 60)  # ours expired; another worker took it
    assert cache.get(WRITE_LOCK_KEY) == "the-next-holder"
