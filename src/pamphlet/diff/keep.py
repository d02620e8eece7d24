"""Keep the pictures of changed pages for the report without keeping them in memory.

The first pages' pictures stay in memory; past `IN_MEMORY` pages they are written,
uncompressed, to a temporary folder and read back when the report asks for them,
so a diff of thousands of changed pages holds a few pages' pictures at a time.
"""

import atexit
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

IN_MEMORY = 16          # pages whose pictures stay in memory (a usual diff: all of them)


class Pictures(Mapping):
    """A page's named pictures (old, new, mask), kept on disk past the first pages."""

    def __init__(self, pictures: dict, store: "Store"):
        self._memory = dict(pictures) if store.room() else {}
        self._files = {} if self._memory else {name: store.put(image)
                                                for name, image in pictures.items()}

    def __getitem__(self, name):
        if name in self._memory:
            return self._memory[name]
        return _read(*self._files[name])

    def __iter__(self):
        return iter(self._memory or self._files)

    def __len__(self):
        return len(self._memory or self._files)


class Store:
    """One diff's temporary folder, made when the first page is spilled."""

    def __init__(self):
        self.kept = 0
        self.folder: Path | None = None

    def room(self) -> bool:
        self.kept += 1
        return self.kept <= IN_MEMORY

    def put(self, image) -> tuple:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="pamphlet-diff-"))
            atexit.register(shutil.rmtree, self.folder, True)
        path = self.folder / f"{len(list(self.folder.iterdir()))}.raw"
        path.write_bytes(image.tobytes())
        return path, image.mode, image.size


def _read(path: Path, mode: str, size: tuple):
    from PIL import Image

    return Image.frombytes(mode, size, path.read_bytes())
