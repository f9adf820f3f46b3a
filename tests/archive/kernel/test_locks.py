"""The folder lock: one holder at a time, even among threads of one process."""

from __future__ import annotations

import threading
import time

from archive.kernel.locks import LOCK_FILE_NAME, folder_lock


def test_folder_lock_admits_one_holder_at_a_time(tmp_path):
    folder = tmp_path / "new" / "index"
    events: list[str] = []
    held = threading.Event()

    def second() -> None:
        held.wait(5)
        with folder_lock(folder):
            events.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    with folder_lock(folder):
        held.set()
        time.sleep(0.2)  # the second holder waits all this time
        events.append("first")
    thread.join(5)
    assert events == ["first", "second"]
    assert (folder / LOCK_FILE_NAME).exists()  # the folder is created on the way
