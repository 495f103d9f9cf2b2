import pytest

from edudx.identity.connectors.ratelimit import TokenBucket


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_bucket_allows_a_burst_up_to_capacity_then_refuses():
    t = FakeTime()
    b = TokenBucket(2.0, 3, clock=t.clock, sleep=t.sleep)
    assert [b.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_bucket_refills_at_the_rate_and_never_above_capacity():
    t = FakeTime()
    b = TokenBucket(2.0, 3, clock=t.clock, sleep=t.sleep)
    for _ in range(3):
        b.try_acquire()
    t.now += 0.5  # one token at 2 per second
    assert b.try_acquire() is True
    assert b.try_acquire() is False
    t.now += 100
    assert [b.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_acquire_waits_for_the_next_token():
    t = FakeTime()
    b = TokenBucket(4.0, 1, clock=t.clock, sleep=t.sleep)
    assert b.acquire() == 0.0
    slept = b.acquire()
    assert slept == pytest.approx(0.25)
    assert t.slept == [pytest.approx(0.25)]


def test_ten_requests_at_five_per_second_take_their_share_of_time():
    t = FakeTime()
    b = TokenBucket(5.0, 1, clock=t.clock, sleep=t.sleep)
    for _ in range(10):
        b.acquire()
    assert sum(t.slept) == pytest.approx(9 / 5)


def test_rate_must_be_positive():
    with pytest.raises(ValueError):
        TokenBucket(0)
