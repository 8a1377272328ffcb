"""The leak detector the suite runs at session end sees what it must see."""
import subprocess
import threading

from fixtures.cluster.leaks import leftovers


def test_it_sees_a_thread_and_a_child_process_and_nothing_once_they_end():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="forgotten-forward", daemon=True)
    thread.start()
    child = subprocess.Popen(["sleep", "30"])
    try:
        found = leftovers(grace=0.2)
        assert any("forgotten-forward" in f for f in found), found
        assert any(f"process {child.pid}" in f for f in found), found
    finally:
        stop.set()
        child.kill()
        child.wait()
        thread.join()
    assert not [f for f in leftovers(grace=1.0) if "forgotten-forward" in f or str(child.pid) in f]
