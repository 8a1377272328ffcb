"""A plugin for the end-to-end run (`-p selftests.report.leaky_plugin`) that leaks the planted
registry credentials everywhere a careless test could: the log, captured stdout, the evidence,
a property for JUnit XML. The report, the XML and the output must still be clean."""
import base64
import logging
import os

import pytest


def leaked() -> str:
    user, password = os.environ["LAB4_REGISTRY_USER"], os.environ["LAB4_REGISTRY_PASSWORD"]
    return f"{user}:{password} auth={base64.b64encode(f'{user}:{password}'.encode()).decode()}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    logging.getLogger("lab4.leak").warning("leaking %s", leaked())
    print(f"stdout leak {leaked()}")
    item.user_properties.append(("leak", leaked()))
    if "evidence" in item.funcargs:
        item.funcargs["evidence"].text("A careless test's evidence", leaked())
    return (yield)
