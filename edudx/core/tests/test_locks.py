import os
import threading

import pytest

from edudx.core.locks import LockBusy, file_lock


def test_non_blocking_lock_on_a_held_path_is_busy_until_released(tmp_path):
    path = tmp_path / "a.lock"
    with file_lock(path):
        assert path.stat().st_mode & 0o777 == 0o600
        with pytest.raises(LockBusy), file_lock(path, blocking=False):
            pass
    with file_lock(path, blocking=False):  # released: free again
        pass


def test_blocking_lock_waits_for_the_holder(tmp_path):
    path = str(tmp_path / "b.lock")
    order: list[str] = []
    held = file_lock(path).acquire()
    taken = threading.Event()

    def other() -> None:
        with file_lock(path):
            order.append("other")
        taken.set()

    t = threading.Thread(target=other)
    t.start()
    assert not taken.wait(0.05)  # still waiting: one descriptor per holder, threads exclude too
    order.append("first")
    held.release()
    t.join(5)
    assert order == ["first", "other"]


def test_lock_on_a_descriptor_releases_without_closing_it(tmp_path):
    path = tmp_path / "c.lock"
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        with file_lock(fd), pytest.raises(LockBusy), file_lock(path, blocking=False):
            pass
        os.fstat(fd)  # still open
        with open(path, "a") as fh, file_lock(fh, blocking=False):
            pass
    finally:
        os.close(fd)


def test_a_busy_lock_leaves_no_descriptor_open(tmp_path):
    path = tmp_path / "d.lock"
    with file_lock(path):
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(50):
            with pytest.raises(LockBusy), file_lock(path, blocking=False):
                pass
        assert len(os.listdir("/proc/self/fd")) == before
