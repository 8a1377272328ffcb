"""Calico's selector language, as IPAM evaluates an IPPool's nodeSelector / namespaceSelector.

    select = parse('rack == "0" && !has(edge)')      # SelectorError when Calico would reject it
    select({"rack": "0"})                            # True

Grammar and semantics of `libcalico-go/lib/selector/tokenizer/tokenizer.go` and
`.../selector/parser/parser.go` + `ast.go`: `||` binds looser than `&&`, which binds looser than
`!`; `all()`, `global()`, `has(k)`, `k == "v"`, `k != "v"` (true when k is absent), `k in {"a","b"}`,
`k not in {...}` (true when absent), `k contains "s"`, `k starts with "s"`, `k ends with "s"`;
strings in single or double quotes; labels are runs of `[a-zA-Z0-9_./-]`. An empty selector
selects everything.
"""
from __future__ import annotations

import re
from typing import Callable

Labels = dict[str, str]
Select = Callable[[Labels], bool]

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>"[^"]*"|'[^']*')
    | (?P<function>has\(\s*[a-zA-Z0-9_./-]+\s*\)|all\(\s*\)|global\(\s*\))
    | (?P<op>&&|\|\||==|!=|!|\(|\)|\{|\}|,)
    | (?P<word>not\s+in\b|starts\s+with\b|ends\s+with\b|contains\b|in\b)
    | (?P<label>[a-zA-Z0-9_./-]+)
    )""", re.VERBOSE)


class SelectorError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while text[pos:].strip():
        match = _TOKEN.match(text, pos)
        if not match:
            raise SelectorError(f"unexpected characters at position {pos} of {text!r}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "word" and (not tokens or tokens[-1][0] != "label"):
            kind = "label"        # `in`, `contains`... are operators only right after a label
        tokens.append((kind, " ".join(value.split())))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (value and token[1] != value):
            wanted = value or kind or "more input"
            raise SelectorError(f"expected {wanted} in selector {self.text!r}, found "
                                f"{token[1] if token else 'the end'}")
        self.pos += 1
        return token

    def expression(self) -> Select:
        terms = [self.conjunction()]
        while self.peek() == ("op", "||"):
            self.take()
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else (lambda labels: any(t(labels) for t in terms))

    def conjunction(self) -> Select:
        factors = [self.factor()]
        while self.peek() == ("op", "&&"):
            self.take()
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else (lambda labels: all(f(labels) for f in factors))

    def factor(self) -> Select:
        kind, value = self.take()
        if (kind, value) == ("op", "!"):
            inner = self.factor()
            return lambda labels: not inner(labels)
        if (kind, value) == ("op", "("):
            inner = self.expression()
            self.take("op", ")")
            return inner
        if kind == "function":
            name, argument = value.split("(", 1)
            key = argument.rstrip(")").strip()
            return (lambda labels: key in labels) if name == "has" else (lambda labels: True)
        if kind == "label":
            return self.comparison(value)
        raise SelectorError(f"unexpected {value!r} in selector {self.text!r}")

    def comparison(self, key: str) -> Select:
        kind, operator = self.take()
        if operator in ("in", "not in"):
            values = self.string_set()
            if operator == "in":
                return lambda labels: key in labels and labels[key] in values
            return lambda labels: key not in labels or labels[key] not in values
        if kind not in ("op", "word") or operator not in ("==", "!=", "contains", "starts with", "ends with"):
            raise SelectorError(f"expected an operator after {key!r} in selector {self.text!r}")
        text = self.take("string")[1][1:-1]
        tests: dict[str, Callable[[str], bool]] = {
            "==": lambda v: v == text, "contains": lambda v: text in v,
            "starts with": lambda v: v.startswith(text), "ends with": lambda v: v.endswith(text)}
        if operator == "!=":
            return lambda labels: labels.get(key) != text
        return lambda labels: key in labels and tests[operator](labels[key])

    def string_set(self) -> frozenset[str]:
        self.take("op", "{")
        values = []
        while self.peek() != ("op", "}"):
            values.append(self.take("string")[1][1:-1])
            if self.peek() == ("op", ","):
                self.take()
        self.take("op", "}")
        return frozenset(values)


def parse(text: str | None) -> Select:
    if not (text or "").strip():
        return lambda labels: True
    parser = _Parser(text)
    select = parser.expression()
    if parser.peek() is not None:
        raise SelectorError(f"unexpected {parser.peek()[1]!r} after the end of selector {text!r}")
    return select
