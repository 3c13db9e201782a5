"""The ranker cache's read-write lock: queries share the ranker, an update has it alone."""

from __future__ import annotations

import threading

from mentormatch.matching.cache import ReadWriteLock

TIMEOUT_S = 10


def test_readers_hold_the_lock_together() -> None:
    lock = ReadWriteLock()
    both_inside = threading.Barrier(2, timeout=TIMEOUT_S)
    errors: list[BaseException] = []

    def read() -> None:
        with lock.reading():
            try:
                both_inside.wait()  # breaks (times out) if one reader kept the other out
            except threading.BrokenBarrierError as exc:
                errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_a_writer_waits_for_readers_and_holds_new_readers_back() -> None:
    lock = ReadWriteLock()
    events: list[str] = []
    reader_inside, writer_queued = threading.Event(), threading.Event()

    def first_reader() -> None:
        with lock.reading():
            reader_inside.set()
            assert writer_queued.wait(TIMEOUT_S)
            events.append("first reader leaves")

    def writer() -> None:
        with lock.writing():
            events.append("writer")

    def late_reader() -> None:
        with lock.reading():
            events.append("late reader")

    first = threading.Thread(target=first_reader)
    first.start()
    assert reader_inside.wait(TIMEOUT_S)
    write = threading.Thread(target=writer)
    write.start()
    with lock._cond:  # the writer is queued once it waits on the condition
        assert lock._cond.wait_for(lambda: lock._writers_waiting == 1, TIMEOUT_S)
    late = threading.Thread(target=late_reader)
    late.start()
    writer_queued.set()
    for thread in (first, write, late):
        thread.join()
    assert events == ["first reader leaves", "writer", "late reader"]
