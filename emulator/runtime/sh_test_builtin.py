"""`test` and `[`, ash's builtins (mirror/busybox coreutils/test.c): the grammar oexpr (-o) > aexpr (-a) >
nexpr (!) > primary, where a primary followed by a binary operator and an operand is a comparison first
(as coreutils 6.9 does), a unary operator with an operand second, else a non-empty string. Status 0 true,
1 false, 2 with one line on stderr for a malformed expression (`missing ]`, `<n>: bad number`, `argument
expected`, `closing paren expected`). Files are what the pod's files say (`exists`, `is_dir`); the
permission tests (-r -w -x) are true for any file that exists, as for root, which the lab's pods run as."""
from __future__ import annotations

from typing import Callable

UNARY = frozenset({"-z", "-n", "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-b", "-c", "-p", "-S",
                   "-t", "-u", "-g", "-k", "-O", "-G"})
STRING_OPS = {"=": lambda a, b: a == b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
              "<": lambda a, b: a < b, ">": lambda a, b: a > b}
NUMBER_OPS = {"-eq": lambda a, b: a == b, "-ne": lambda a, b: a != b, "-lt": lambda a, b: a < b,
              "-le": lambda a, b: a <= b, "-gt": lambda a, b: a > b, "-ge": lambda a, b: a >= b}
BINARY = frozenset(STRING_OPS) | frozenset(NUMBER_OPS) | {"-nt", "-ot", "-ef"}


class TestSyntax(Exception):
    """The line test.c's syntax() prints, without the `sh: ` prefix."""


def run_test(argv: list[str], exists: Callable[[str], bool], is_dir: Callable[[str], bool]) -> tuple[int, str]:
    """(status, error line or "") of `test ARGS` or `[ ARGS ]` (argv[0] names which)."""
    args = list(argv[1:])
    if argv[0] == "[":
        if not args or args[-1] != "]":
            return 2, "missing ]"
        args.pop()
    if not args:
        return 1, ""
    try:
        value, rest = _oexpr(args, exists, is_dir)
    except TestSyntax as error:
        return 2, str(error)
    if rest:
        return 2, f"{rest[0]}: unknown operand"
    return (0 if value else 1), ""


def _oexpr(args, exists, is_dir):
    value, rest = _aexpr(args, exists, is_dir)
    if rest and rest[0] == "-o":
        right, rest = _oexpr(rest[1:], exists, is_dir)
        return value or right, rest
    return value, rest


def _aexpr(args, exists, is_dir):
    value, rest = _nexpr(args, exists, is_dir)
    if rest and rest[0] == "-a":
        right, rest = _aexpr(rest[1:], exists, is_dir)
        return value and right, rest
    return value, rest


def _nexpr(args, exists, is_dir):
    if args and args[0] == "!":
        value, rest = _nexpr(args[1:], exists, is_dir)
        return not value, rest
    return _primary(args, exists, is_dir)


def _primary(args, exists, is_dir):
    if not args:
        raise TestSyntax("argument expected")
    if args[0] == "(":
        value, rest = _oexpr(args[1:], exists, is_dir)
        if not rest or rest[0] != ")":
            raise TestSyntax("closing paren expected")
        return value, rest[1:]
    if len(args) >= 3 and args[1] in BINARY:
        return _binary(args[0], args[1], args[2], exists), args[3:]
    if args[0] in UNARY and len(args) >= 2:
        return _unary(args[0], args[1], exists, is_dir), args[2:]
    return args[0] != "", args[1:]


def _unary(operator: str, operand: str, exists, is_dir) -> bool:
    if operator == "-z":
        return operand == ""
    if operator == "-n":
        return operand != ""
    if operator == "-t":
        _number(operand)
        return False                    # exec streams are pipes unless -t is asked of kubectl
    if operator == "-d":
        return is_dir(operand)
    if operator in ("-e", "-r", "-w", "-x", "-s", "-f"):
        return exists(operand) and (operator != "-f" or not is_dir(operand))
    return False                        # links, devices, fifos, sockets, set-id bits: none in the emulated files


def _binary(left: str, operator: str, right: str, exists) -> bool:
    if operator in STRING_OPS:
        return STRING_OPS[operator](left, right)
    if operator in NUMBER_OPS:
        return NUMBER_OPS[operator](_number(left), _number(right))
    return operator == "-ef" and left == right and exists(left)


def _number(text: str) -> int:
    """test.c getn: strtol in base 10, blanks around allowed, an empty operand is 0."""
    stripped = text.strip()
    try:
        return int(stripped, 10) if stripped else 0
    except ValueError:
        return _bad(text)


def _bad(text: str) -> int:
    raise TestSyntax(f"{text}: bad number")
