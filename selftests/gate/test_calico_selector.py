"""Calico's selector grammar (libcalico-go lib/selector): what parses, what it selects, where it fails."""
from __future__ import annotations

import pytest

from fixtures.gate.calico_selector import NotInvertible, SelectorError, parse

RACK0 = {"rack": "0"}
BOTH = {"rack": "0", "zone": "east"}


@pytest.mark.parametrize("text, labels, selected", [
    ('rack == "0"', RACK0, True),
    ("rack == '0'", RACK0, True),
    ('rack == "1"', RACK0, False),
    ('rack == "0"', {}, False),
    ('rack != "1"', RACK0, True),
    ('rack != "1"', {}, True),                   # ast.go: != holds when the label is absent
    ('rack in {"0", "1"}', RACK0, True),
    ('rack in {"1"}', RACK0, False),
    ('rack not in {"1"}', {}, True),             # not in holds when the label is absent
    ('rack not in {"0"}', RACK0, False),
    ("has(rack)", RACK0, True),
    ("has( rack )", {}, False),
    ("!has(rack)", {}, True),
    ("!!has(rack)", RACK0, True),
    ("all()", {}, True),
    ("global()", RACK0, True),
    ("", {}, True),                              # parser.go: empty selects everything
    ('zone contains "as"', BOTH, True),
    ('zone starts with "ea"', BOTH, True),
    ('zone ends  with "st"', BOTH, True),
    ('zone ends with "ea"', BOTH, False),
    ('rack == "1" || zone == "east" && rack == "0"', BOTH, True),    # && binds tighter
    ('(rack == "1" || zone == "east") && rack == "1"', BOTH, False),
    ('!(rack == "0")', BOTH, False),
    ('(rack == "0")||(rack == "1")', RACK0, True),                    # a real hand-in, no spaces
    ('\track=="0"&&zone=="east"', BOTH, True),
    ('team.example.com/rack-id == "a_1"', {"team.example.com/rack-id": "a_1"}, True),
])
def test_selects_like_calico(text, labels, selected):
    assert parse(text).matches(labels) is selected


@pytest.mark.parametrize("text, column, message", [
    ('rack = "0"', 6, "expected =="),
    ("rack == 0", 9, 'expected a quoted string after ==, e.g. rack == "0"'),
    ('rack == "0', 9, "unterminated string"),
    ("rack", 5, "expected == or !="),
    ('rack == "0" & zone == "a"', 13, "expected &&"),
    ('rack == "0" | zone == "a"', 13, "expected ||"),
    ("has()", 5, "no label name in has("),
    ("has(rack", 9, "no closing ')'"),
    ("all(x)", 5, "no closing ')'"),
    ('rack foo "x"', 6, "expected an operator"),
    ('(rack == "a"', 13, "expected )"),
    ('rack == "a")', 12, "unexpected content at end"),
    ('rack in "a"', 9, "expected set literal"),
    ('rack in {"a"', 13, "expected }"),
    ('rack == "a" &&', 15, "unexpected end of selector"),
    ("rack == #", 9, "unexpected characters"),
])
def test_rejects_with_the_position(text, column, message):
    with pytest.raises(SelectorError) as caught:
        parse(text)
    assert caught.value.position + 1 == column
    assert message in caught.value.message
    assert caught.value.pointer().splitlines()[1] == " " * (column - 1) + "^"


@pytest.mark.parametrize("text, labels", [
    ('rack == "0"', {"rack": "0"}),
    ("zone == 'east'", {"zone": "east"}),
    ('rack in {"b"}', {"rack": "b"}),
    ('has(rack) && rack == "a"', {"rack": "a"}),
    ('rack == "0" && !has(gpu)', {"rack": "0"}),
    ('rack == "0" && zone == "east"', {"rack": "0", "zone": "east"}),
])
def test_derives_node_labels_from_simple_selectors(text, labels):
    selector = parse(text)
    assert selector.required_labels() == labels
    assert selector.matches(labels)


@pytest.mark.parametrize("text", [
    "all()", "", "!has(rack)", 'rack != "0"', "has(rack)", 'rack in {"0", "1"}',
    'rack == "0" || rack == "1"', 'rack == "a" && rack == "b"', 'rack not in {"0"}',
])
def test_says_when_it_cannot_invert(text):
    with pytest.raises(NotInvertible):
        parse(text).required_labels()


def test_restrictions_follow_upstream_for_or_and_and():
    restrictions = parse('(rack == "a" || rack == "b") && has(zone)').restrictions()
    assert restrictions["rack"].values == ("a", "b") and restrictions["rack"].must_be_present
    assert restrictions["zone"].must_be_present and restrictions["zone"].values is None
    assert parse('rack == "a" || zone == "b"').restrictions() == {}


def test_prints_a_canonical_form():
    assert str(parse("rack=='0'&&!has(x)")) == '(rack == "0" && !has(x))'
    assert parse("all()").selects_everything() and not parse('rack == "0"').selects_everything()
