"""The shell language of `sh -c "<script>"`: quoting, $VAR expansion, `;` `&&` `||` `|` `&`,
and the simple redirections (`>`, `>>`, `<`, `2>`, `2>&1`, `>&2`). Commands run one at a time;
a pipeline hands each command's whole output to the next. Control flow (if/for/while), command
substitution and globbing are not emulated."""
from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

_OPERATORS = ("&&", "||", ";", "|", "&", "\n")
_REDIRECTS = ("2>&1", "1>&2", ">&2", "2>>", "2>", ">>", "1>", ">", "<")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ShellSyntaxError(Exception):
    pass


class ShellExit(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


@dataclass
class Word:
    parts: list[tuple[str, str]] = field(default_factory=list)
    """("lit", text) or ("var", name)."""

    def expand(self, variables: dict[str, str]) -> str:
        return "".join(text if kind == "lit" else variables.get(text, "") for kind, text in self.parts)

    @property
    def literal(self) -> str | None:
        return "".join(t for _, t in self.parts) if all(k == "lit" for k, _ in self.parts) else None


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
        elif c == "$":
            i = _variable(script, i, add)
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
        elif c == "$":
            i = _variable(script, i, add)
        else:
            add("lit", c)
            i += 1
    raise ShellSyntaxError("unterminated quoted string")


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


class Shell:
    def __init__(self, variables: dict[str, str], run: Runner,
                 read_file: Callable[[str], bytes | None], write_file: Callable[[str, bytes, bool], None]):
        self.variables = dict(variables)
        self._run = run
        self._read_file = read_file
        self._write_file = write_file
        self.status = 0

    async def run_script(self, script: str, streams: Streams) -> int:
        try:
            lists = _and_or_lists(tokenize(script))
        except ShellSyntaxError as error:
            await streams.stderr(f"sh: syntax error: {error}\n".encode())
            return 2
        try:
            for condition, pipeline in lists:
                if condition == "&&" and self.status != 0 or condition == "||" and self.status == 0:
                    continue
                self.status = await self._pipeline(pipeline, streams)
        except ShellExit as leave:
            return leave.code
        return self.status

    async def _pipeline(self, commands: list[Command], streams: Streams) -> int:
        stdin, status = streams.stdin, 0
        for index, command in enumerate(commands):
            last = index == len(commands) - 1
            captured = bytearray()
            stage = Streams(stdin, streams.stdout if last else _appender(captured), streams.stderr)
            status = await self._command(command, stage)
            stdin = _reader_of(bytes(captured))
        return status

    async def _command(self, command: Command, streams: Streams) -> int:
        self.variables["?"] = str(self.status)
        argv = [word.expand(self.variables) for word in command.words]
        while argv and "=" in argv[0] and _NAME.fullmatch(argv[0].split("=", 1)[0]):
            name, value = argv.pop(0).split("=", 1)
            self.variables[name] = value
        streams = await self._redirected(command.redirects, streams)
        if streams is None:
            return 1
        if not argv:
            return 0
        if argv[0] == "exit":
            raise ShellExit(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else self.status)
        if argv[0] == "export":
            self.variables.update(arg.split("=", 1) for arg in argv[1:] if "=" in arg)
            return 0
        if argv[0] in ("cd", ":"):
            return 0
        return await self._run(argv, streams)

    async def _redirected(self, redirects: list[tuple[str, Word | None]], streams: Streams) -> Streams | None:
        stdin, stdout, stderr = streams.stdin, streams.stdout, streams.stderr
        for operator, target in redirects:
            path = target.expand(self.variables) if target else ""
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

    def _sink(self, path: str, append: bool) -> Callable[[bytes], Awaitable[None]]:
        if path != "/dev/null":
            self._write_file(path, b"", append)

        async def write(data: bytes) -> None:
            if path != "/dev/null":
                self._write_file(path, data, True)
        return write


def _and_or_lists(tokens: list[Word | str]) -> list[tuple[str, list[Command]]]:
    """[(condition, pipeline)]: condition is ";" (always), "&&" or "||" from the operator before."""
    result: list[tuple[str, list[Command]]] = []
    condition, pipeline, command = ";", [], Command()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if isinstance(token, Word):
            command.words.append(token)
        elif token in _REDIRECTS:
            target = None
            if token not in ("2>&1", ">&2", "1>&2"):
                index += 1
                if index >= len(tokens) or not isinstance(tokens[index], Word):
                    raise ShellSyntaxError(f"unexpected redirection {token}")
                target = tokens[index]
            command.redirects.append((token, target))
        elif token == "|":
            pipeline.append(command)
            command = Command()
        else:
            pipeline.append(command)
            if any(c.words or c.redirects for c in pipeline):
                result.append((condition, pipeline))
            condition = token if token in ("&&", "||") else ";"
            pipeline, command = [], Command()
        index += 1
    pipeline.append(command)
    if any(c.words or c.redirects for c in pipeline):
        result.append((condition, pipeline))
    return result


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
