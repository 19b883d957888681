"""Local files read bounded: regular files only, under a byte cap and a deadline.

Every local file the harvester reads for its data (a file source, a raw-store snapshot, ``sources.toml``, the file
``extract`` is given) goes through ``read_regular_file``: a device such as ``/dev/zero`` would never end, and a
FIFO would block until a writer came, so anything but a regular file is refused before it is read.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from .errors import FetchError

# What a path that is no regular file is, for the error line: reading one could block (a FIFO) or never end.
NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))
CHUNK = 1 << 20
LOCAL_DEADLINE = 120.0  # seconds for a local read where no registry sets one (the fetch default ``deadline``)


class OverCap(FetchError):
    """A file larger than the cap it is read under."""


def not_regular(mode: int) -> str | None:
    """What a file of this mode is, when it is no regular file ('a FIFO'); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in NOT_REGULAR if test(mode)), "no regular file")


def read_regular_file(path: Path, max_bytes: int, seconds: float = LOCAL_DEADLINE,
                      source_id: str | None = None) -> bytes:
    """A regular file's bytes.

    Args:
        path: the file; a symlink is followed, and what it names must be a regular file.
        max_bytes: the cap (a file of exactly this size is read).
        seconds: the time the read may take.
        source_id: the source the file belongs to, for the error.

    Returns:
        The file's bytes, at most ``max_bytes``.

    Raises:
        FetchError: for anything but a regular file (a device, a FIFO, a folder, a socket: checked before opening,
            and again on what was opened, so a path swapped meanwhile is caught), a file that cannot be read or
            is not read within ``seconds``; ``OverCap`` for a file over ``max_bytes``.
    """
    def refuse(what: str) -> FetchError:
        return FetchError(f"{path} is {what}, not a regular file: only regular files are read", source_id)

    try:
        what = not_regular(os.stat(path).st_mode)
        if what:
            raise refuse(what)
        # O_NONBLOCK: should a FIFO take the file's place after the check, opening it does not block.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb", buffering=0) as stream:
            status = os.fstat(fd)
            what = not_regular(status.st_mode)
            if what:
                raise refuse(what)
            if status.st_size > max_bytes:
                raise OverCap(f"{path} is {status.st_size} bytes, over the cap of {max_bytes}", source_id)
            deadline = time.monotonic() + seconds
            chunks: list[bytes] = []
            total = 0
            while chunk := stream.read(min(CHUNK, max_bytes + 1 - total)):  # one byte past the cap, at most
                total += len(chunk)
                if total > max_bytes:  # the file grew while it was read
                    raise OverCap(f"{path} is over the cap of {max_bytes} bytes", source_id)
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise FetchError(f"{path} not read within the total deadline ({seconds:g}s)", source_id)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise FetchError(f"cannot read {path}: {why}", source_id, reason=f"cannot read: {why}") from None
    return b"".join(chunks)
