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
    ('rack notin {"1"}', RACK0, True),                   # "not in" may be written without the blank
    ('kubernetes.io/hostname startswith "lab"', RACK0, True),
])
def test_selectors_evaluate_like_calico(selector, labels, expected):
    assert parse(selector)(labels) is expected


# Calico's own words (libcalico-go/lib/selector tokenizer.go and parser.go, docs/platform.md §2.7):
# IPAM hands them on as they are, so they are what a FailedCreatePodSandBox event ends with.
@pytest.mark.parametrize("selector, message", [
    ('rack = "0"', "expected =="),
    ("rack == 0", "expected string"),
    ('rack == "0" &&', "unexpected token: TokEOF()"),
    ("(rack == '0'", "expected )"),
    ('rack in "0"', "expected set literal"),
    ('rack in {"0"', "expected }"),
    ('rack == "0" rack == "1"',
     "unexpected content at end of selector [TokLabel(rack) TokEq() TokStringLiteral(1) TokEOF()]"),
    ("rack", "unexpected end of string looking for op"),
    ('rack is "0"', 'expected operator after label "rack"'),
    ('rack == "0', "unterminated string"),
    ("has(rack", "no closing ')' after has("),
    ('a & b', "expected &&"),
    ('"0"', "unexpected token: TokStringLiteral(0)"),
])
def test_invalid_selectors_are_rejected_in_calicos_words(selector, message):
    with pytest.raises(SelectorError) as error:
        parse(selector)
    assert str(error.value) == message
