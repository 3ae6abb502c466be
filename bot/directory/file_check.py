"""A directory file sent to the desk is checked in a separate process, within limits.

A file is the one thing a member of staff can send that makes the bot work hard, and a crafted
one (or one sent from a stolen staff account) must cost at most a bounded slice of one CPU, and
never the event loop that answers everyone else, an Erase least of all. A thread is not enough:
the regular-expression engine and pydantic's core hold the interpreter lock while they run.

So each file goes to a child process (`python -m bot.directory.file_check`) that lowers its
priority and limits itself to CPU_SECONDS of CPU time and MEMORY_BYTES more address space than
it has after its imports, then parses; the bot kills it after WALL_SECONDS. One such process is
always started ahead of need (with the bot, and again after each file), so that its imports,
half a second or more, are done before a file arrives. The bot only waits for the answer, on
pipes its event loop watches: the parsed file, its errors, or CheckStopped.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import io
import json
import logging
import math
import os

# Only our own child process's answers are unpickled, and only the classes an answer is made of
# (_Answer); the child is this module, run with the bot's own interpreter, without a shell.
import pickle  # nosec B403
import resource
import subprocess  # nosec B404
import sys
import threading
from typing import Any

from bot.directory import file_format
from bot.directory.file_format import DirectoryFileInvalid, FileError, TooManyEntries
from bot.directory.schema import ContactModel, DirectoryFile, EntryModel, OpeningModel

log = logging.getLogger(__name__)

# Ample room for the largest honest file the desk takes (1 MB, 200 long entries; what it needs
# is in docs/PERFORMANCE.md), and a bound for any other.
CPU_SECONDS = 20
MEMORY_BYTES = 256 * 1024 * 1024
WALL_SECONDS = 30.0


class CheckStopped(Exception):
    """The check ran past a limit of time or memory and was stopped."""


READY = b"+"  # what a checking process writes once its imports are done


class _Checker:
    """One checking process (`python -m bot.directory.file_check`), and whether it is ready."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "bot.directory.file_check"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # nothing of a file ever reaches the bot's logs
        )
        self._reading = threading.Lock()
        self._ready = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> bool:
        """Block until the process has its imports done; False if it died first."""
        with self._reading:
            if not self._ready:
                assert self.process.stdout is not None
                self._ready = os.read(self.process.stdout.fileno(), 1) == READY
            return self._ready

    def end(self) -> None:
        """Kill it if it still runs, and wait for it (so that it leaves no zombie)."""
        if self.alive():
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class _Spare:
    """The checking process started ahead of need, waiting for its file: one per bot process,
    whichever event loop asks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checker: _Checker | None = None

    def get(self) -> _Checker:
        with self._lock:
            if self._checker is None or not self._checker.alive():
                self._checker = _Checker()
            return self._checker

    def take(self) -> _Checker:
        with self._lock:
            checker, self._checker = self._checker, None
        if checker is None or not checker.alive():
            checker = _Checker()
        with contextlib.suppress(OSError):  # no spare now: the next file starts its own
            self.get()  # the next file's process begins its imports now
        return checker

    def close(self) -> None:
        """At exit: end the waiting process (it would end by itself on the closed pipe)."""
        with self._lock:
            checker, self._checker = self._checker, None
        if checker is not None:
            checker.end()


_SPARE = _Spare()
atexit.register(_SPARE.close)


def prepare() -> None:
    """Start a checking process, if none is waiting, and block until it is ready: about half a
    second the first time. The bot does this at start-up, in a thread, so that the desk's first
    file is checked at once. A process that cannot be started does not stop the bot: users
    come first, and each file then tries again (and is refused if it fails)."""
    try:
        _SPARE.get().wait_ready()
    except OSError as exc:
        log.warning("the desk's file checker could not be started (%s)", type(exc).__name__)


async def parse(text: str, source: str, *, max_entries: int) -> DirectoryFile:
    """`file_format.parse` in a limited child process: the same file or the same errors
    (TooManyEntries included), or CheckStopped."""
    job = {
        "source": source,
        "max_entries": max_entries,
        "cpu_seconds": CPU_SECONDS,
        "memory_bytes": MEMORY_BYTES,
    }
    payload = json.dumps(job).encode() + b"\n" + text.encode("utf-8")
    try:
        checker = _SPARE.take()
    except OSError:
        raise CheckStopped from None
    try:
        output = await asyncio.wait_for(_exchange(checker, payload), WALL_SECONDS)
    except (TimeoutError, OSError):
        raise CheckStopped from None
    finally:
        await asyncio.to_thread(checker.end)
    try:
        answer = _Answer(io.BytesIO(output)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
        raise CheckStopped from None  # killed at a limit, before or while it answered
    return _result(answer, source)


async def _exchange(checker: _Checker, payload: bytes) -> bytes:
    """Wait for the process to be ready, write the job, then read until the process closes
    its output (done, or dead)."""
    process = checker.process
    assert process.stdin is not None and process.stdout is not None
    if not await asyncio.to_thread(checker.wait_ready):
        return b""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    read_pipe, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), process.stdout
    )
    write_pipe, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, process.stdin)
    try:
        write_pipe.write(payload)
        write_pipe.close()  # after what is buffered is written: the process reads to the end
        return await reader.read()
    finally:
        if write_pipe.get_write_buffer_size():  # not all written: the process is gone
            write_pipe.abort()
        read_pipe.close()


# Named from the classes themselves, so that moving one to another module cannot leave the
# list naming a place where nothing is (every answer would then be refused).
_ANSWER_CLASSES = {
    (cls.__module__, cls.__qualname__)
    for cls in (DirectoryFile, EntryModel, ContactModel, OpeningModel, FileError, dt.date)
}


class _Answer(pickle.Unpickler):
    """Unpickles an answer, and nothing but the classes an answer is made of."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ANSWER_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of an answer")
        return super().find_class(module, name)


def _result(answer: Any, source: str) -> DirectoryFile:
    kind = answer[0] if isinstance(answer, tuple) and answer else None
    if kind == "valid" and isinstance(answer[1], DirectoryFile):
        return answer[1]
    if kind == "too many":
        raise TooManyEntries(source, int(answer[1]), int(answer[2]))
    if kind == "invalid":
        raise DirectoryFileInvalid(list(answer[1]))
    raise CheckStopped


# --- the child process -----------------------------------------------------------------------


def _address_space() -> int:
    """Bytes of address space this process has now (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limit(cpu_seconds: int, memory_bytes: int) -> None:
    """Limits counted from now: the imports before the file came are not the file's cost."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no memory image on disk if killed
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(used.ru_utime + used.ru_stime) + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL
    space = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (space, space))  # MemoryError past it
    os.nice(10)  # the bot's own process comes first


def _answer(text: str, source: str, max_entries: int) -> tuple[Any, ...]:
    try:
        return ("valid", file_format.parse(text, source, max_entries=max_entries))
    except TooManyEntries as too_many:
        return ("too many", too_many.count, too_many.limit)
    except DirectoryFileInvalid as invalid:
        return ("invalid", invalid.errors)


def main() -> None:
    """Wait for a job (a line of JSON, then the file), limit this process, parse, answer.
    Anything else, a limit reached included, ends it without a word: the bot sees its output
    close without an answer."""
    try:
        sys.stdout.buffer.write(READY)
        sys.stdout.buffer.flush()
        header = sys.stdin.buffer.readline()
        if not header:
            return  # the bot ended without a file for this process
        job = json.loads(header)
        _limit(int(job["cpu_seconds"]), int(job["memory_bytes"]))
        text = sys.stdin.buffer.read().decode("utf-8")
        answer = _answer(text, str(job["source"]), int(job["max_entries"]))
        sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        sys.stdout.buffer.flush()
    except BaseException:
        os._exit(1)


if __name__ == "__main__":
    main()
