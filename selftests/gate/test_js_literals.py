"""Reading a bundle's string literals back: the values react-scripts' Terser escaped are found.

The bundles below hold what terser 5.51.4 printed with react-scripts 5.0.1's options
(`output: {ecma: 5, ascii_only: true}`; facebook/create-react-app
packages/react-scripts/config/webpack.config.js; docs/platform.md §8.1). Looking for the raw value
or its JSON forms (the suite's matching before) finds none of the non-ASCII ones.
"""
import pytest

from fixtures.cluster.app_page import AppPage
from fixtures.gate.js_literals import string_literals, unescape

TERSER_BUNDLE = (
    '!function(){"use strict";var e=/["\'`]/g;document.title=["Ren\\xe9e M\\xfcller",'
    '"\\u0418\\u0432\\u0430\\u043d \\u041f\\u0435\\u0442\\u0440\\u043e\\u0432",\'O\\\'Brien "Ltd"\',"it\'s",'
    '\'say "hi"\',"\\ud83d\\ude00 emoji","back\\\\slash\\nnl","\\u2028"].join(",")}();'
)


@pytest.mark.parametrize("value", ["Renée Müller", "Иван Петров", 'O\'Brien "Ltd"', "it's", 'say "hi"', "😀 emoji",
                                   "back\\slash\nnl", "\u2028"])
def test_every_value_terser_escaped_is_read_back(value):
    assert value in string_literals(TERSER_BUNDLE)
    assert AppPage(200, "React App", "/static/js/main.0.js", TERSER_BUNDLE).shows(value)


def test_a_value_the_bundle_does_not_hold_is_not_shown():
    page = AppPage(200, "React App", "/static/js/main.0.js", TERSER_BUNDLE)
    assert not page.shows("Renée Muller") and not page.shows("Иван Петрович")


@pytest.mark.parametrize("body, value", [
    ("\\x41\\u0042\\u{43}\\u{1F600}", "ABC😀"),
    ("tab\\tquote\\'dq\\\"", "tab\tquote'dq\""),
    ("line\\\ncontinued", "linecontinued"),
    ("nul\\0", "nul\0"),
])
def test_escapes_read_as_ecmascript_reads_them(body, value):
    assert unescape(body) == value


@pytest.mark.parametrize("source", ['"\\x4"', '"\\u12"', '"\\u{110000}"', '"\\08"', '"unterminated', '`a${b}c`'])
def test_malformed_or_not_a_single_value_yields_nothing(source):
    assert string_literals(source) == set()


def test_a_stray_quote_inside_a_regex_does_not_hide_the_next_literal():
    assert "Иван" in string_literals('var r=/"/;f("\\u0418\\u0432\\u0430\\u043d")')
