"""Stage 4: write the PDF atomically, byte for byte the same for the same sources."""

import hashlib
import re
import logging
import os
import tempfile
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError

LOG = logging.getLogger("pamphlet")


def document_id(*parts: str | bytes) -> bytes:
    """A PDF document ID derived from the content, not from the clock or the folder.

    Links are reduced to their file names, so the same sources in another
    clone (another absolute path) give the same ID.
    """
    digest = hashlib.md5()
    for part in parts:
        if isinstance(part, str):
            part = re.sub(r'((?:src|href|data-original)="|url\(")[^"]*/', r"\1", part).encode()
        digest.update(part)
    return digest.hexdigest().encode()


def write_atomically(target: Path, produce, durable: bool = False) -> None:
    """Call ``produce(temporary_path)``, then rename the result over ``target``.

    ``durable`` also survives a machine crash: the file's bytes and then the
    rename reach the disk before this returns (the outputs; a cache entry that
    a crash damages is found by its checksum and made again, see `read_checked`).
    """
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                        dir=target.parent)
        os.close(handle)
        temporary = Path(name)
        produce(temporary)
        os.chmod(temporary, 0o644)
        if durable:
            _sync(temporary)
        os.replace(temporary, target)
        if durable:
            _sync(target.parent)
    except OSError as error:           # a read-only folder, an immutable file, a full disk
        raise PamphletError(Diagnostic(
            f"cannot write {target}: {error.strerror or error}", target,
            hint="check that its folder is writable and the disk has room; "
                 "nothing was changed")) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_bytes(target: Path, data: bytes) -> None:
    write_atomically(target, lambda path: path.write_bytes(data), durable=True)
    LOG.info("wrote %s", target)


def write_text(target: Path, text: str) -> None:
    write_atomically(target, lambda path: path.write_text(text, encoding="utf-8"), durable=True)


def write_checked(target: Path, data: bytes) -> None:
    """A cache entry: ``data`` behind its own sha256, so that damage is seen on reading."""
    digest = hashlib.sha256(data).hexdigest().encode()
    write_atomically(target, lambda path: path.write_bytes(digest + b"\n" + data))


def read_checked(target: Path) -> bytes | None:
    """What `write_checked` wrote, or None if the entry is missing or damaged (then gone)."""
    try:
        raw = target.read_bytes()
    except OSError:
        return None
    digest, _, data = raw.partition(b"\n")
    if hashlib.sha256(data).hexdigest().encode() == digest:
        return data
    LOG.warning("cache: %s was damaged; made again", target)
    target.unlink(missing_ok=True)
    return None


class CacheDamaged(Exception):
    """A cache entry is not what its name says: it is gone now; make what needs it again."""


_VERIFIED: dict = {}        # (path, size, mtime) of store entries already hashed, per process


def read_stored(store: Path, digest: str) -> bytes:
    """The store entry named by its own sha256 ``digest`` (draw.py's fonts and profiles).

    Raises `CacheDamaged` (and removes the entry) when its bytes are not that digest's.
    """
    path = store / digest
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError:
        raise CacheDamaged(path) from None
    mark = (path, stat.st_size, stat.st_mtime_ns)
    if mark not in _VERIFIED:
        if hashlib.sha256(data).hexdigest() != digest:
            path.unlink(missing_ok=True)
            raise CacheDamaged(path)
        _VERIFIED[mark] = True
    return data
