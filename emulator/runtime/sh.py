"""The shell language of `sh -c "<script>"`: quoting, $VAR expansion, `;` `&&` `||` `|` `&`,
the simple redirections (`>`, `>>`, `<`, `2>`, `2>&1`, `>&2`), and the compound commands
`while`/`until ... do ... done`, `for NAME in WORDS; do ... done` and `if ... then ... elif ... else ... fi`
(POSIX Shell Command Language §2.9.4, as BusyBox ash parses them: mirror/busybox shell/ash.c
parse_command; a missing keyword is `syntax error: unexpected end of file (expecting "done")`).
Commands run one at a time; a pipeline hands each command's whole output to the next. Command
substitution (`$(...)` and backquotes, §2.6.3: trailing newlines removed; unquoted, the result is split
into fields on blanks, §2.6.5; an assignment's value is not split) runs the inner script in a subshell
whose stdout is captured; arithmetic `$((...))` is sh_arith's, `test`/`[` sh_test_builtin's.
Functions, `case`, `break`/`continue`, globbing and field splitting of `$VAR` are not emulated."""
from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .pod_files import ROOT_DIRECTORIES
from .sh_arith import ArithmeticFailure, evaluate
from .sh_test_builtin import run_test

_OPERATORS = ("&&", "||", ";", "|", "&", "\n")
_REDIRECTS = ("2>&1", "1>&2", ">&2", "2>>", "2>", ">>", "1>", ">", "<")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXPANSION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|[?$#0])")


class ShellSyntaxError(Exception):
    pass


class ShellExit(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


@dataclass
class Word:
    parts: list[tuple[str, str]] = field(default_factory=list)
    """("lit", text), ("var", name), ("cmd", script) unquoted or ("qcmd", script) in double quotes."""

    @property
    def literal(self) -> str | None:
        return "".join(t for _, t in self.parts) if all(k == "lit" for k, _ in self.parts) else None

    @property
    def assignment(self) -> bool:
        """NAME=... as written (its value is not split into fields)."""
        prefix = ""
        for kind, text in self.parts:
            if kind != "lit":
                break
            prefix += text
        return "=" in prefix and bool(_NAME.fullmatch(prefix.split("=", 1)[0]))


def tokenize(script: str) -> list[Word | str]:
    """Words and operator strings (operators and redirections are plain str)."""
    tokens: list[Word | str] = []
    word: Word | None = None
    i = 0

    def add(kind: str, text: str) -> None:
        nonlocal word
        word = word or Word()
        word.parts.append((kind, text))

    def end_word() -> None:
        nonlocal word
        if word is not None:
            tokens.append(word)
            word = None

    while i < len(script):
        c = script[i]
        if c in " \t":
            end_word()
            i += 1
        elif c == "#" and word is None:
            while i < len(script) and script[i] != "\n":
                i += 1
        elif c == "\\" and i + 1 < len(script):
            if script[i + 1] != "\n":
                add("lit", script[i + 1])
            i += 2
        elif c == "'":
            close = script.find("'", i + 1)
            if close < 0:
                raise ShellSyntaxError("unterminated quoted string")
            add("lit", script[i + 1:close])
            i = close + 1
        elif c == '"':
            i = _double_quoted(script, i + 1, add)
        elif c in "$`":
            i = _expansion(script, i, add, "cmd")
        elif (redirect := _match(script, i, _REDIRECTS)) and (word is None or redirect[0] not in "12"):
            end_word()
            tokens.append(redirect)
            i += len(redirect)
        elif operator := _match(script, i, _OPERATORS):
            end_word()
            tokens.append(operator)
            i += len(operator)
        else:
            add("lit", c)
            i += 1
    end_word()
    return tokens


def _match(script: str, i: int, options: tuple[str, ...]) -> str | None:
    return next((o for o in options if script.startswith(o, i)), None)


def _double_quoted(script: str, i: int, add: Callable[[str, str], None]) -> int:
    add("lit", "")  # "" is an empty word, not nothing
    while i < len(script):
        c = script[i]
        if c == '"':
            return i + 1
        if c == "\\" and i + 1 < len(script) and script[i + 1] in '"\\$`':
            add("lit", script[i + 1])
            i += 2
        elif c in "$`":
            i = _expansion(script, i, add, "qcmd")
        else:
            add("lit", c)
            i += 1
    raise ShellSyntaxError("unterminated quoted string")


def _expansion(script: str, i: int, add: Callable[[str, str], None], substitution: str) -> int:
    """What starts with `$` or a backquote at i: arithmetic, a command substitution (`substitution` is
    "cmd" unquoted, "qcmd" in double quotes) or a variable."""
    if script.startswith("$((", i):
        return _arithmetic(script, i + 3, add)
    if script.startswith("$(", i):
        return _substitution(script, i + 2, ")", add, substitution)
    if script[i] == "`":
        return _substitution(script, i + 1, "`", add, substitution)
    return _variable(script, i, add)


def _arithmetic(script: str, i: int, add: Callable[[str, str], None]) -> int:
    """The expression of `$((...))`, up to the `))` that closes it."""
    depth, start = 0, i
    while i < len(script):
        if script[i] == "(":
            depth += 1
        elif script[i] == ")":
            if depth == 0 and script.startswith("))", i):
                add("arith", script[start:i])
                return i + 2
            depth -= 1
        i += 1
    raise ShellSyntaxError("unexpected end of file (expecting \"))\")")


def _substitution(script: str, i: int, close: str, add: Callable[[str, str], None], kind: str) -> int:
    """The inner script of `$(...)` (nested parentheses and quotes skipped) or of backquotes."""
    depth, start = 0, i
    while i < len(script):
        c = script[i]
        if c == "\\":
            i += 2
            continue
        if close == ")" and c in "'\"":
            end = script.find(c, i + 1)
            if end < 0:
                break
            i = end + 1
            continue
        if c == close and depth == 0:
            add(kind, script[start:i])
            return i + 1
        if close == ")" and c == "(":
            depth += 1
        elif close == ")" and c == ")":
            depth -= 1
        i += 1
    raise ShellSyntaxError("unterminated quoted string" if close == "`" else "unexpected end of file (expecting \")\")")


def _variable(script: str, i: int, add: Callable[[str, str], None]) -> int:
    if script.startswith("${", i):
        close = script.find("}", i)
        if close < 0:
            raise ShellSyntaxError("bad substitution")
        add("var", script[i + 2:close])
        return close + 1
    if i + 1 < len(script) and script[i + 1] in "?$#0":
        add("var", script[i + 1])
        return i + 2
    if name := _NAME.match(script, i + 1):
        add("var", name.group(0))
        return name.end()
    add("lit", "$")
    return i + 1


# ---------------------------------------------------------------- execution

@dataclass
class Streams:
    stdin: asyncio.StreamReader
    stdout: Callable[[bytes], Awaitable[None]]
    stderr: Callable[[bytes], Awaitable[None]]


Runner = Callable[[list[str], Streams], Awaitable[int]]
"""Runs one simple command (argv) and returns its exit status."""


@dataclass
class Command:
    words: list[Word] = field(default_factory=list)
    redirects: list[tuple[str, Word | None]] = field(default_factory=list)


Sequence = list[tuple[str, list]]
"""[(condition, pipeline)]: condition is ";" (always), "&&" or "||" from the operator before."""


@dataclass
class Loop:
    condition: Sequence
    body: Sequence
    until: bool


@dataclass
class ForLoop:
    name: str
    values: list[Word]
    body: Sequence


@dataclass
class IfClause:
    branches: list[tuple[Sequence, Sequence]]
    otherwise: Sequence | None


class Shell:
    def __init__(self, variables: dict[str, str], run: Runner,
                 read_file: Callable[[str], bytes | None], write_file: Callable[[str, bytes, bool], None]):
        self.variables = dict(variables)
        self._run = run
        self._read_file = read_file
        self._write_file = write_file
        self.status = 0
        self._substituted: int | None = None

    async def run_script(self, script: str, streams: Streams) -> int:
        try:
            lists = _Parser(tokenize(script)).script()
        except ShellSyntaxError as error:
            await streams.stderr(f"sh: syntax error: {error}\n".encode())
            return 2
        try:
            await self._sequence(lists, streams)
        except ShellExit as leave:
            return leave.code
        return self.status

    async def _sequence(self, lists: Sequence, streams: Streams) -> int:
        for condition, pipeline in lists:
            if condition == "&&" and self.status != 0 or condition == "||" and self.status == 0:
                continue
            self.status = await self._pipeline(pipeline, streams)
        return self.status

    async def _compound(self, command: Loop | ForLoop | IfClause, streams: Streams) -> int:
        status = 0
        if isinstance(command, Loop):
            while True:
                # a loop without a blocking command must not starve the other pods' processes
                await asyncio.sleep(0)
                if (await self._sequence(command.condition, streams) == 0) == command.until:
                    return status
                status = await self._sequence(command.body, streams)
        if isinstance(command, ForLoop):
            for value in [field for word in command.values for field in await self._fields(word, streams.stderr)]:
                await asyncio.sleep(0)
                self.variables[command.name] = value
                status = await self._sequence(command.body, streams)
            return status
        for condition, body in command.branches:
            if await self._sequence(condition, streams) == 0:
                return await self._sequence(body, streams)
        return await self._sequence(command.otherwise, streams) if command.otherwise else 0

    async def _pipeline(self, commands: list, streams: Streams) -> int:
        stdin, status = streams.stdin, 0
        for index, command in enumerate(commands):
            last = index == len(commands) - 1
            captured = bytearray()
            stage = Streams(stdin, streams.stdout if last else _appender(captured), streams.stderr)
            if isinstance(command, Command):
                status = await self._command(command, stage)
            else:
                status = await self._compound(command, stage)
            stdin = _reader_of(bytes(captured))
        return status

    async def _command(self, command: Command, streams: Streams) -> int:
        self.variables["?"] = str(self.status)
        self._substituted = None
        argv = [field for word in command.words
                for field in await self._fields(word, streams.stderr, split=not word.assignment)]
        while argv and "=" in argv[0] and _NAME.fullmatch(argv[0].split("=", 1)[0]):
            name, value = argv.pop(0).split("=", 1)
            self.variables[name] = value
        streams = await self._redirected(command.redirects, streams)
        if streams is None:
            return 1
        if not argv:   # only assignments: the status of the last substitution, else 0 (§2.9.1)
            return self._substituted if self._substituted is not None else 0
        if argv[0] == "exit":
            raise ShellExit(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else self.status)
        if argv[0] == "export":
            self.variables.update(arg.split("=", 1) for arg in argv[1:] if "=" in arg)
            return 0
        if argv[0] in ("cd", ":"):
            return 0
        if argv[0] in ("test", "["):
            status, problem = run_test(argv, self._exists, self._is_dir)
            if problem:
                await streams.stderr(f"sh: {problem}\n".encode())
            return status
        return await self._run(argv, streams)

    def _exists(self, path: str) -> bool:
        return self._is_dir(path) or self._read_file(path) is not None

    @staticmethod
    def _is_dir(path: str) -> bool:
        """The root and its directories (the shell is not shown the pod's other directories)."""
        return path == "/" or path.rstrip("/").lstrip("/") in ROOT_DIRECTORIES

    async def _redirected(self, redirects: list[tuple[str, Word | None]], streams: Streams) -> Streams | None:
        stdin, stdout, stderr = streams.stdin, streams.stdout, streams.stderr
        for operator, target in redirects:
            path = " ".join(await self._fields(target, streams.stderr, split=False)) if target else ""
            if operator == "2>&1":
                stderr = stdout
            elif operator in (">&2", "1>&2"):
                stdout = stderr
            elif operator == "<":
                content = self._read_file(path)
                if content is None:
                    await streams.stderr(f"sh: can't open '{path}': No such file or directory\n".encode())
                    return None
                stdin = _reader_of(content)
            else:
                sink = self._sink(path, append=operator.endswith(">>"))
                if operator.startswith("2"):
                    stderr = sink
                else:
                    stdout = sink
        return Streams(stdin, stdout, stderr)

    async def _fields(self, word: Word, stderr: Callable[[bytes], Awaitable[None]], split: bool = True) -> list[str]:
        """The fields a word expands to: one, or (unquoted substitutions split on blanks) none or more."""
        fields: list[str] = []
        current, started = "", False
        for kind, text in word.parts:
            if kind == "cmd" and split:
                output = await self._substitute(text, stderr)
                if output[:1].isspace() and started:
                    fields.append(current)
                    current, started = "", False
                for index, piece in enumerate(output.split()):
                    if index:
                        fields.append(current)
                        current = ""
                    current, started = current + piece, True
                if output[-1:].isspace() and started:
                    fields.append(current)
                    current, started = "", False
                continue
            if kind in ("cmd", "qcmd"):
                current += await self._substitute(text, stderr)
            elif kind == "arith":
                current += await self._arithmetic(text, stderr)
            else:
                current += text if kind == "lit" else self.variables.get(text, "")
            started = True
        if started:
            fields.append(current)
        return fields

    async def _arithmetic(self, expression: str, stderr: Callable[[bytes], Awaitable[None]]) -> str:
        """`$((expression))`; ash stops the script on an expression it cannot evaluate (status 2)."""
        expanded = _EXPANSION.sub(lambda m: self.variables.get(m.group(1) or m.group(2), ""), expression)
        try:
            return str(evaluate(expanded, self.variables))
        except ArithmeticFailure as failure:
            await stderr(f"sh: {failure}\n".encode())
            raise ShellExit(2) from None

    async def _substitute(self, script: str, stderr: Callable[[bytes], Awaitable[None]]) -> str:
        """`$(script)`: run in a subshell (its variables are its own), stdout captured, trailing newlines cut."""
        captured = bytearray()
        subshell = Shell(self.variables, self._run, self._read_file, self._write_file)
        self._substituted = await subshell.run_script(script, Streams(_reader_of(b""), _appender(captured), stderr))
        return captured.decode(errors="replace").rstrip("\n")

    def _sink(self, path: str, append: bool) -> Callable[[bytes], Awaitable[None]]:
        if path != "/dev/null":
            self._write_file(path, b"", append)

        async def write(data: bytes) -> None:
            if path != "/dev/null":
                self._write_file(path, data, True)
        return write


_KEYWORDS = frozenset({"while", "until", "for", "if", "then", "elif", "else", "fi", "do", "done", "in"})


class _Parser:
    """Recursive descent over the tokens; a keyword counts only where a command starts."""

    def __init__(self, tokens: list[Word | str]):
        self._tokens, self._index = tokens, 0

    def script(self) -> Sequence:
        lists = self._sequence(frozenset())
        if self._peek() is not None:
            raise ShellSyntaxError(f"unexpected {self._describe()}")
        return lists

    def _peek(self) -> Word | str | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def _keyword(self) -> str | None:
        token = self._peek()
        literal = token.literal if isinstance(token, Word) else None
        return literal if literal in _KEYWORDS else None

    def _describe(self) -> str:
        token = self._peek()
        if token is None:
            return "end of file"
        text = token.literal if isinstance(token, Word) else token
        return f'"{text}"' if text != "\n" else "newline"

    def _skip(self, separators: tuple[str, ...] = (";", "\n")) -> None:
        while self._peek() in separators:
            self._index += 1

    def _expect(self, keyword: str) -> None:
        if self._keyword() != keyword:
            raise ShellSyntaxError(f'unexpected {self._describe()} (expecting "{keyword}")')
        self._index += 1

    def _sequence(self, stops: frozenset[str]) -> Sequence:
        result: Sequence = []
        condition = ";"
        while True:
            self._skip()
            if self._peek() is None or self._keyword() in stops:
                return result
            pipeline = self._pipeline()
            if pipeline:
                result.append((condition, pipeline))
            token = self._peek()
            if token in ("&&", "||"):
                condition = str(token)
                self._index += 1
                self._skip(("\n",))
            elif token in (";", "\n", "&"):
                condition = ";"
                self._index += 1
            elif token is None or self._keyword() in stops:
                return result
            else:
                raise ShellSyntaxError(f"unexpected {self._describe()}")

    def _pipeline(self) -> list:
        commands: list = [self._command()]
        while self._peek() == "|":
            self._index += 1
            self._skip(("\n",))
            commands.append(self._command())
        return [c for c in commands if not isinstance(c, Command) or c.words or c.redirects]

    def _command(self) -> Command | Loop | ForLoop | IfClause:
        keyword = self._keyword()
        if keyword in ("while", "until"):
            self._index += 1
            condition = self._sequence(frozenset({"do"}))
            self._expect("do")
            body = self._sequence(frozenset({"done"}))
            self._expect("done")
            return Loop(condition, body, until=keyword == "until")
        if keyword == "for":
            return self._for()
        if keyword == "if":
            return self._if()
        if keyword in _KEYWORDS - {"in"}:
            raise ShellSyntaxError(f"unexpected {self._describe()}")
        return self._simple()

    def _for(self) -> ForLoop:
        self._index += 1
        name = self._peek()
        if not isinstance(name, Word) or not name.literal or not _NAME.fullmatch(name.literal):
            raise ShellSyntaxError("bad for loop variable")
        self._index += 1
        values: list[Word] = []
        self._skip(("\n",))
        if self._keyword() == "in":
            self._index += 1
            while isinstance(self._peek(), Word):
                values.append(self._tokens[self._index])
                self._index += 1
        self._skip()
        self._expect("do")
        body = self._sequence(frozenset({"done"}))
        self._expect("done")
        return ForLoop(name.literal, values, body)

    def _if(self) -> IfClause:
        branches, otherwise = [], None
        keyword = "if"
        while keyword in ("if", "elif"):
            self._index += 1
            condition = self._sequence(frozenset({"then"}))
            self._expect("then")
            branches.append((condition, self._sequence(frozenset({"elif", "else", "fi"}))))
            keyword = self._keyword()
        if keyword == "else":
            self._index += 1
            otherwise = self._sequence(frozenset({"fi"}))
        self._expect("fi")
        return IfClause(branches, otherwise)

    def _simple(self) -> Command:
        command = Command()
        while (token := self._peek()) is not None:
            if isinstance(token, Word):
                command.words.append(token)
            elif token in _REDIRECTS:
                target = None
                if token not in ("2>&1", ">&2", "1>&2"):
                    self._index += 1
                    target = self._peek()
                    if not isinstance(target, Word):
                        raise ShellSyntaxError(f"unexpected redirection {token}")
                command.redirects.append((token, target))
            else:
                break
            self._index += 1
        return command


def _appender(buffer: bytearray) -> Callable[[bytes], Awaitable[None]]:
    """A stage's stdout that collects into `buffer`, the next stage's stdin."""
    async def append(data: bytes) -> None:
        buffer.extend(data)
    return append


def _reader_of(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return reader
