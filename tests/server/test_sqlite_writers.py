"""The embedded SQLite server queues its writers in the process: all get through, none is left holding the queue."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from server.db import make_engine


def test_many_writers_at_once_all_commit_and_a_dropped_transaction_frees_the_queue(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (x INTEGER)"))
    failures: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            for _ in range(40):
                with engine.begin() as c:
                    c.execute(text("INSERT INTO t VALUES (:x)"), {"x": i})
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == [] and not any(t.is_alive() for t in threads)
    dropped = engine.connect()
    dropped.begin()
    dropped.execute(text("INSERT INTO t VALUES (-1)"))
    dropped.close()  # given back mid-transaction: rolled back, and the next writer is not kept waiting
    done = threading.Event()

    def next_writer() -> None:
        with engine.begin() as c:
            c.execute(text("INSERT INTO t VALUES (99)"))
        done.set()

    threading.Thread(target=next_writer, daemon=True).start()
    assert done.wait(5)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*), sum(x = -1) FROM t")).one() == (8 * 40 + 1, 0)
    engine.dispose()
