"""Exclusive locks on a shared folder: at most one process advances a run at a time.

A sweep (:mod:`glorot.sweep`) may run the same training run from two places at once: a task
that Dask re-runs on another worker while the first is still alive (a worker the scheduler
took for dead), or two sweeps started on the same archive. Both would resume from the same
checkpoints and race to the same archive entry. :func:`exclusive` serialises them with an
``flock(2)`` lock on a small file next to the run's archive entry (the archive is the folder
every worker shares):

* the kernel releases the lock when its holder dies, SIGKILL included, so a killed worker
  never leaves a run locked;
* the holder writes who it is (host, process, since when) into the file, so a process that
  has to wait can say for whom;
* it works on local filesystems and on NFS (where Linux maps it onto POSIX locks); Lustre
  needs the ``flock`` mount option, and a filesystem without locks raises a
  :class:`LockUnavailable` that says so, before any compute.

The lock files are hidden (``.<profile>-<key>.lock``) and stay in place after use: removing
a lock file while another process waits on it would let two holders in at once.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class LockUnavailable(OSError):
    """The folder's filesystem does not support ``flock`` (e.g. Lustre without ``-o flock``)."""


@dataclass
class Held:
    """What acquiring the lock took: ``waited_s`` seconds, behind ``holder`` (the identity the
    previous holder wrote; empty if the lock was free)."""

    path: Path
    waited_s: float
    holder: str


def holder_of(path: str | Path) -> str:
    """Who holds (or last held) the lock at ``path``: "host H, process P, since T"; "" if
    the file is missing or was never written."""
    try:
        info = json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return ""
    if not isinstance(info, dict) or not info:
        return ""
    return f"host {info.get('host', '?')}, process {info.get('pid', '?')}, since {info.get('since', '?')}"


@contextmanager
def exclusive(path: str | Path, *, poll_s: float = 0.5):
    """Hold the lock at ``path`` (created, with its folder, if missing) for the ``with``
    block; wait while another process holds it. Yields a :class:`Held`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        t0, holder = time.monotonic(), ""
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = holder or holder_of(path)
                time.sleep(poll_s)
            except OSError as e:
                if e.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                    raise LockUnavailable(e.errno, f"cannot lock {path}: its filesystem does not support flock "
                                          f"({os.strerror(e.errno)}); on Lustre mount it with -o flock") from None
                raise
        identity = {"host": socket.gethostname(), "pid": os.getpid(),
                    "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(identity).encode(), 0)
        try:
            yield Held(path, time.monotonic() - t0, holder)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
