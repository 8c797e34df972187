"""``BoundedMemo`` (connector/memo.py), the bound of every per-process rendering memo: keys can come from clients."""
from connector.memo import BoundedMemo


def test_put_returns_the_value_and_a_full_memo_starts_over():
    memo = BoundedMemo(3)
    assert memo.put("a", 1) == 1 and memo.get("a") == 1
    memo.put("b", 2)
    memo.put("c", 3)
    assert len(memo) == 3
    memo.put("d", 4)  # full: starts over with the new entry
    assert dict(memo) == {"d": 4}
    for i in range(100):
        memo.put(i, i)
        assert len(memo) <= 3


def test_replacing_a_key_of_a_full_memo_keeps_the_others():
    """Two requests that render the same missing entry at once both put it: the second must not clear."""
    memo = BoundedMemo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 3)
    assert dict(memo) == {"a": 3, "b": 2}
