"""Shell arithmetic `$((...))`: signed 64-bit integers, as BusyBox ash evaluates them (mirror/busybox
shell/math.c; POSIX Shell Command Language §2.6.4). Names are variables (unset or empty: 0), `$NAME`
is expanded before; the operators are the C ones the course's scripts use: unary `+ - !`, `* / %`,
`+ -`, `< <= > >=`, `== !=`, `&&`, `||`, and parentheses. Division truncates toward zero, as C does."""
from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||<=|>=|==|!=|[-+*/%()<>!]))")
# binary operators by precedence, loosest first (math.c's table, the subset above)
_LEVELS = (("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%"))
_LIMIT = 1 << 63


class ArithmeticFailure(Exception):
    """ash's words for an expression it cannot evaluate (`arithmetic syntax error`, `divide by zero`)."""


def _wrap(value: int) -> int:
    return (value + _LIMIT) % (2 * _LIMIT) - _LIMIT


def _tokens(expression: str) -> list[str]:
    tokens, i = [], 0
    while i < len(expression):
        match = _TOKEN.match(expression, i)
        if not match or match.end() == i:
            if expression[i:].strip():
                raise ArithmeticFailure("arithmetic syntax error")
            break
        tokens.append(next(group for group in match.groups() if group is not None))
        i = match.end()
    return tokens


def evaluate(expression: str, variables: dict[str, str], depth: int = 0) -> int:
    if depth > 16:    # a variable whose value names itself
        raise ArithmeticFailure("expression recursion loop detected")
    tokens = _tokens(expression)
    if not tokens:
        return 0
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        if position >= len(tokens):
            raise ArithmeticFailure("arithmetic syntax error")
        position += 1
        return tokens[position - 1]

    def unary() -> int:
        token = take()
        if token in ("-", "+", "!"):
            value = unary()
            return _wrap(-value) if token == "-" else value if token == "+" else int(not value)
        if token == "(":
            value = binary(0)
            if take() != ")":
                raise ArithmeticFailure("arithmetic syntax error")
            return value
        if token.isdigit():
            return _wrap(int(token))
        if token[0].isalpha() or token[0] == "_":
            text = variables.get(token, "").strip() or "0"
            try:
                return _wrap(int(text, 0))
            except ValueError:
                return evaluate(text, variables, depth + 1)
        raise ArithmeticFailure("arithmetic syntax error")

    def binary(level: int) -> int:
        if level == len(_LEVELS):
            return unary()
        left = binary(level + 1)
        while peek() in _LEVELS[level]:
            operator = take()
            right = binary(level + 1)
            left = _apply(operator, left, right)
        return left

    value = binary(0)
    if position != len(tokens):
        raise ArithmeticFailure("arithmetic syntax error")
    return value


def _apply(operator: str, left: int, right: int) -> int:
    if operator in ("/", "%"):
        if right == 0:
            raise ArithmeticFailure("divide by zero")
        quotient = abs(left) // abs(right) * (1 if (left >= 0) == (right >= 0) else -1)
        return _wrap(quotient) if operator == "/" else _wrap(left - quotient * right)
    results = {"+": left + right, "-": left - right, "*": left * right, "<": left < right, "<=": left <= right,
               ">": left > right, ">=": left >= right, "==": left == right, "!=": left != right,
               "&&": bool(left) and bool(right), "||": bool(left) or bool(right)}
    return _wrap(int(results[operator]))
