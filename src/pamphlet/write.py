"""Stage 4: write the PDF atomically, byte for byte the same for the same sources."""

import hashlib
import re
import logging
import os
import tempfile
from pathlib import Path

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


def write_atomically(target: Path, produce) -> None:
    """Call ``produce(temporary_path)``, then rename the result over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        produce(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    write_atomically(target, lambda path: path.write_bytes(data))
    LOG.info("wrote %s", target)


def write_text(target: Path, text: str) -> None:
    write_atomically(target, lambda path: path.write_text(text, encoding="utf-8"))
