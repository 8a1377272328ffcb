"""A pytest plugin for one self-test: it leaves a thread running past the session, as a forgotten
port-forward would, so the suite's own leak report must name it."""
import threading

_stop = threading.Event()


def pytest_sessionstart(session):
    threading.Thread(target=_stop.wait, args=(30,), name="forgotten-port-forward", daemon=True).start()
