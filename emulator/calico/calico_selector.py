"""Calico's selector language, as IPAM evaluates an IPPool's nodeSelector / namespaceSelector.

    select = parse('rack == "0" && !has(edge)')      # SelectorError when Calico would reject it
    select({"rack": "0"})                            # True

Grammar, semantics and error texts of `libcalico-go/lib/selector/tokenizer/tokenizer.go` and
`.../selector/parser/parser.go` + `ast.go`: `||` binds looser than `&&`, which binds looser than
`!`; `all()`, `global()`, `has(k)`, `k == "v"`, `k != "v"` (true when k is absent), `k in {"a","b"}`,
`k not in {...}` (true when absent), `k contains "s"`, `k starts with "s"`, `k ends with "s"`;
strings in single or double quotes; labels are runs of `[a-zA-Z0-9_./-]`; blanks are spaces and
tabs. An empty selector selects everything. A selector that does not parse raises SelectorError
with Calico's own message ("expected ==", "unexpected end of string looking for op", ...), which
is what IPAM returns for it (docs/platform.md §2.7).
"""
from __future__ import annotations

from typing import Callable

Labels = dict[str, str]
Select = Callable[[Labels], bool]

BLANKS = " \t"
IDENTIFIER = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-")
MAX_LABEL_LENGTH = 512
# tokenizer.Kind names, as Token.String() prints them ("TokLabel(rack)")
SIMPLE = {"(": "TokLParen", ")": "TokRParen", "{": "TokLBrace", "}": "TokRBrace", ",": "TokComma"}
PAIRS = {"=": ("==", "TokEq", "expected =="), "&": ("&&", "TokAnd", "expected &&"), "|": ("||", "TokOr", "expected ||")}
OPERATORS = ((("contains",), "TokContains"), (("starts", "with"), "TokStartsWith"), (("ends", "with"), "TokEndsWith"),
             (("not", "in"), "TokNotIn"), (("in",), "TokIn"))
FUNCTIONS = (("has(", "TokHas"), ("all(", "TokAll"), ("global(", "TokGlobal"))
COMPARISONS = ("TokEq", "TokNe", "TokContains", "TokStartsWith", "TokEndsWith")

Token = tuple[str, str]   # (kind, value)


class SelectorError(ValueError):
    pass


def _identifier(text: str) -> tuple[str, str]:
    end = 0
    while end < len(text) and text[end] in IDENTIFIER:
        end += 1
    ident = text[:end]
    if len(ident) > MAX_LABEL_LENGTH:
        raise SelectorError(f"label too long: {ident}")
    if not ident:
        raise SelectorError("expected identifier")
    return ident, text[end:]


def _cut_words(text: str, words: tuple[str, ...]) -> str | None:
    """The rest after the operator's words at a word boundary, else None (`cutPrefixCheckBreak`;
    `cutMultiWordPrefixCheckBreak` allows blanks after each word, so "notin" reads as "not in")."""
    rest = text
    for word in words:
        if not rest.startswith(word):
            return None
        rest = rest[len(word):]
        if len(words) > 1:
            rest = rest.lstrip(BLANKS)
    return rest if not rest or rest[0] not in IDENTIFIER else None


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    while True:
        text = text.lstrip(BLANKS)
        if not text:
            return tokens + [("TokEOF", "")]
        head = text[0]
        if head in SIMPLE:
            tokens.append((SIMPLE[head], ""))
            text = text[1:]
        elif head in "\"'":
            end = text.find(head, 1)
            if end == -1:
                raise SelectorError("unterminated string")
            tokens.append(("TokStringLiteral", text[1:end]))
            text = text[end + 1:]
        elif head in PAIRS:
            pair, kind, problem = PAIRS[head]
            if not text.startswith(pair):
                raise SelectorError(problem)
            tokens.append((kind, ""))
            text = text[2:]
        elif head == "!":
            tokens.append(("TokNe", "") if text.startswith("!=") else ("TokNot", ""))
            text = text[2:] if text.startswith("!=") else text[1:]
        elif tokens and tokens[-1][0] == "TokLabel":
            text = _operator(text, tokens)
        else:
            text = _function_or_label(text, tokens)


def _operator(text: str, tokens: list[Token]) -> str:
    for words, kind in OPERATORS:
        rest = _cut_words(text, words)
        if rest is not None:
            tokens.append((kind, ""))
            return rest
    raise SelectorError(f'expected operator after label "{tokens[-1][1]}"')


def _function_or_label(text: str, tokens: list[Token]) -> str:
    for prefix, kind in FUNCTIONS:
        if text.startswith(prefix):
            rest = text[len(prefix):].lstrip(BLANKS)
            value = ""
            if kind == "TokHas":
                value, rest = _identifier(rest)
                rest = rest.lstrip(BLANKS)
            if not rest.startswith(")"):
                raise SelectorError(f"no closing ')' after {prefix}")
            tokens.append((kind, value))
            return rest[1:]
    ident, rest = _identifier(text)
    tokens.append(("TokLabel", ident))
    return rest


def _shown(token: Token) -> str:
    return f"{token[0]}({token[1]})"


class _Parser:
    """parser.go over the token list (which always ends in TokEOF)."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens

    def parse(self) -> Select:
        select, rest = self.disjunction(self.tokens)
        if len(rest) != 1:
            raise SelectorError("unexpected content at end of selector [" + " ".join(map(_shown, rest)) + "]")
        return select

    def disjunction(self, tokens: list[Token]) -> tuple[Select, list[Token]]:
        terms, rest = [], tokens
        while True:
            term, rest = self.conjunction(rest)
            terms.append(term)
            if rest[0][0] != "TokOr":
                break
            rest = rest[1:]
        return (terms[0] if len(terms) == 1 else (lambda labels: any(t(labels) for t in terms))), rest

    def conjunction(self, tokens: list[Token]) -> tuple[Select, list[Token]]:
        factors, rest = [], tokens
        while True:
            factor, rest = self.operation(rest)
            factors.append(factor)
            if rest[0][0] != "TokAnd":
                break
            rest = rest[1:]
        return (factors[0] if len(factors) == 1 else (lambda labels: all(f(labels) for f in factors))), rest

    def operation(self, tokens: list[Token]) -> tuple[Select, list[Token]]:
        negated = False
        while tokens and tokens[0][0] == "TokNot":
            negated, tokens = not negated, tokens[1:]
        if not tokens:
            raise SelectorError("unexpected end of string looking for op")
        select, rest = self._operation(tokens)
        return ((lambda labels: not select(labels)) if negated else select), rest

    def _operation(self, tokens: list[Token]) -> tuple[Select, list[Token]]:
        kind, value = tokens[0]
        if kind == "TokHas":
            return (lambda labels: value in labels), tokens[1:]
        if kind in ("TokAll", "TokGlobal"):
            return (lambda labels: True), tokens[1:]
        if kind == "TokLParen":
            select, rest = self.disjunction(tokens[1:])
            if not rest or rest[0][0] != "TokRParen":
                raise SelectorError("expected )")
            return select, rest[1:]
        if kind != "TokLabel":
            raise SelectorError(f"unexpected token: {_shown(tokens[0])}")
        if len(tokens) < 3:
            raise SelectorError("unexpected end of string looking for op")
        operator = tokens[1][0]
        if operator in COMPARISONS:
            if tokens[2][0] != "TokStringLiteral":
                raise SelectorError("expected string")
            return _compare(value, operator, tokens[2][1]), tokens[3:]
        if operator in ("TokIn", "TokNotIn"):
            if tokens[2][0] != "TokLBrace":
                raise SelectorError("expected set literal")
            values, rest = set(), tokens[3:]
            while rest[0][0] == "TokStringLiteral":
                values.add(rest[0][1])
                rest = rest[1:]
                if rest[0][0] != "TokComma":
                    break
                rest = rest[1:]
            if rest[0][0] != "TokRBrace":
                raise SelectorError("expected }")
            if operator == "TokIn":
                return (lambda labels: value in labels and labels[value] in values), rest[1:]
            return (lambda labels: value not in labels or labels[value] not in values), rest[1:]
        raise SelectorError(f"expected == or != not: {_shown(tokens[1])}")


def _compare(key: str, operator: str, text: str) -> Select:
    if operator == "TokNe":
        return lambda labels: labels.get(key) != text
    tests: dict[str, Callable[[str], bool]] = {
        "TokEq": lambda v: v == text, "TokContains": lambda v: text in v,
        "TokStartsWith": lambda v: v.startswith(text), "TokEndsWith": lambda v: v.endswith(text)}
    return lambda labels: key in labels and tests[operator](labels[key])


def parse(text: str | None) -> Select:
    tokens = tokenize(text or "")
    if tokens[0][0] == "TokEOF":
        return lambda labels: True
    return _Parser(tokens).parse()
