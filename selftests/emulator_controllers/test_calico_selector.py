"""The emulator's own parser of Calico's selector language (emulator.calico.calico_selector)."""
from __future__ import annotations

import pytest

from emulator.calico.calico_selector import SelectorError, parse

RACK0 = {"rack": "0", "kubernetes.io/hostname": "lab4"}


@pytest.mark.parametrize("selector, labels, expected", [
    ('rack == "0"', RACK0, True),
    ("rack == '0'", RACK0, True),
    ('rack == "1"', RACK0, False),
    ('rack != "1"', RACK0, True),
    ('zone != "a"', RACK0, True),                     # absent label: != matches
    ("all()", {}, True),
    ("", {}, True),
    ("has(rack)", RACK0, True),
    ("!has(rack)", RACK0, False),
    ('rack in {"0", "1"}', RACK0, True),
    ('rack not in {"0"}', RACK0, False),
    ('zone not in {"a"}', RACK0, True),
    ('rack == "0" && kubernetes.io/hostname == "lab4"', RACK0, True),
    ('rack == "1" || kubernetes.io/hostname == "lab4"', RACK0, True),
    ('!(rack == "0")', RACK0, False),
    ('rack == "1" || rack == "0" && has(zone)', RACK0, False),     # && binds tighter
    ('kubernetes.io/hostname starts with "lab"', RACK0, True),
    ('kubernetes.io/hostname ends with "m02"', RACK0, False),
    ('kubernetes.io/hostname contains "b4"', RACK0, True),
    ("global()", RACK0, True),
])
def test_selectors_evaluate_like_calico(selector, labels, expected):
    assert parse(selector)(labels) is expected


@pytest.mark.parametrize("selector", ['rack = "0"', "rack == 0", 'rack == "0" &&', "(rack == '0'", 'rack in "0"',
                                      'rack == "0" rack == "1"'])
def test_invalid_selectors_are_rejected(selector):
    with pytest.raises(SelectorError):
        parse(selector)
