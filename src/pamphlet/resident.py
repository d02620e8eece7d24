"""A resident process per build folder, so that `make pdf` after an edit starts warm.

`pamphlet build --resident` (what `make pdf` runs) hands its command to the resident
of its build folder when there is one: a process that has imported pamphlet,
WeasyPrint and the PDF readers and made the layout engines (stylesheets parsed,
fonts loaded). For each command it forks a child that runs it as the new process
would have — the same arguments, working folder and environment, on the caller's
stdin, stdout and stderr (passed over a unix socket) — and tells the caller its exit
status. The caller then exits with it: what the designer sees is the same, sooner
(the guide's `make pdf` after an edit: 1.1-1.5 s, against 2.3-2.6 s in a new process).

With no resident (the first `make pdf`, new code, a build folder made anew), the
command runs in the calling process, which then starts one for next time. A resident
stops after `IDLE` seconds without a command, when its socket is gone (``make clean``
removed the build folder), when a resident of newer code starts in its folder, or
when a user's `KEPT` residents (``PAMPHLET_RESIDENTS``) are running and another starts:
the one used least recently stops (a script that builds fifty brochures keeps three).
The socket, ``build/cache/resident-CODE.sock``, is named by the digest of pamphlet's
code: new code never runs in an old process. Linux only (it forks, and waits on a
pidfd); elsewhere every command runs in its own process.

`hand_over` and `start` are the caller's side; `serve` is the resident's (``pamphlet
resident BUILD_DIR -- COMMAND...``, which `start` runs; cli.py gives it the command
line to run and the options a command builds with).
"""

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

IDLE = 20 * 60        # seconds: a designer's pause; the resident holds ~200 MB meanwhile
KEPT = 3              # residents a user keeps at once (PAMPHLET_RESIDENTS)
_STARTED = b"S"       # the resident's child runs the command: it is not to be run here
_serving = False      # this process is a resident's child, running a command
_warm: dict = {}      # the resident's layout engines, as its last warm-up left them


def socket_path(build_dir: Path) -> Path:
    return Path(build_dir) / "cache" / f"resident-{code_mark()}.sock"


def code_mark() -> str:
    """What names the code a resident runs: each of pamphlet's files by its size and
    time of change, the Python that runs it and its packages' folder (installing a
    package changes it). Stat, not read: the caller asks before each command."""
    import hashlib
    import sysconfig

    here = Path(__file__).parent
    marks = [sys.prefix, sys.version, _changed(Path(sysconfig.get_paths()["purelib"]))]
    marks += [f"{path.relative_to(here)}:{_changed(path)}" for path in sorted(here.rglob("*"))
              if path.suffix in (".py", ".html", ".css")]
    return hashlib.sha256("\n".join(marks).encode()).hexdigest()[:12]


def _changed(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open")


def serving() -> bool:
    """Whether this process runs a command for a resident (it hands nothing over)."""
    return _serving


def lent() -> dict | None:
    """The layout engines the resident made, for the build its child runs."""
    from .build import Lent

    return Lent(_warm) if _serving else None


# The caller's side.

def hand_over(argv: list[str], build_dir: Path) -> int | None:
    """Run ``argv`` in the resident of ``build_dir``: its exit status, or None when there
    is none (nothing ran: run it here)."""
    if not supported() or _serving:
        return None
    path = socket_path(build_dir)
    if not path.exists():
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with _near(path) as address:
            connection.connect(address)
    except OSError:                   # a socket left by a resident that was killed
        connection.close()
        return None
    with connection:
        request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)})
        streams = _standard_streams()
        try:
            socket.send_fds(connection, [_framed(request.encode())], streams)
        except OSError:
            return None
        finally:
            for fd in streams:
                if fd > 2:
                    os.close(fd)
        return _status(connection, build_dir)


def _status(connection, build_dir: Path) -> int | None:
    try:
        if _read(connection, 1) != _STARTED:
            return None                  # the resident stopped before its child began
        reply = _read(connection, 4)
    except KeyboardInterrupt:            # Ctrl-C: the resident stops its child
        return 130
    if len(reply) < 4:
        from .diagnostics import Diagnostic
        from .report import print_diagnostics
        print_diagnostics([Diagnostic(
            "the resident build process stopped while it ran the command",
            hint=f"run it again (a new resident starts); see {_log(build_dir)}")])
        return 1
    return int.from_bytes(reply, "big", signed=True)


def _log(build_dir: Path) -> Path:
    return Path(build_dir) / "cache" / "resident.log"


def start(argv: list[str], build_dir: Path) -> None:
    """Start the resident of ``build_dir`` for the commands after this one (in the
    background: it warms up while the designer looks)."""
    import subprocess

    path = socket_path(build_dir)
    if not supported() or _serving or path.exists() and _answers(path):
        return
    log_path = _log(build_dir)
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "ab")
    except OSError:
        return
    with log:
        subprocess.Popen([sys.executable, "-m", "pamphlet", "resident", str(build_dir), "--",
                          *argv],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True, close_fds=True)


def _standard_streams() -> list[int]:
    """The caller's stdin, stdout and stderr (/dev/null for one that is closed)."""
    streams = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            streams.append(fd)
        except OSError:
            streams.append(os.open(os.devnull, os.O_RDWR))
    return streams


def _framed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def _read(connection, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


class _near:
    """A socket's address short enough for AF_UNIX (108 bytes): the path itself, or the
    name in its folder opened (/proc/self/fd/N/NAME)."""

    def __init__(self, path: Path):
        self.path, self.folder = path, None

    def __enter__(self) -> str:
        if len(os.fsencode(self.path)) < 100:
            return str(self.path)
        self.folder = os.open(self.path.parent, os.O_PATH)
        return f"/proc/self/fd/{self.folder}/{self.path.name}"

    def __exit__(self, *exc):
        if self.folder is not None:
            os.close(self.folder)


# The resident's side.

def serve(build_dir: Path, argv: list[str], run, options_of) -> None:
    """Listen on the build folder's socket, run each command in a forked child, until
    `IDLE` s without one, the socket is gone, or a resident of newer code asks.

    ``run(argv)`` runs a command line (cli.main) and gives its exit status;
    ``options_of(argv)`` the options a command builds with (None: it builds nothing),
    for the engines its next build needs; ``argv`` is the command that started it."""
    path = socket_path(build_dir)
    listener = _listen(path)
    if listener is None:
        return                            # another resident holds it
    mine = os.stat(path).st_ino
    _stop_older(path)
    registered = _Registered(path)
    signal.signal(signal.SIGTERM, _stopped)   # kill PID: its socket and entry go with it
    try:
        registered.make_room()
        from .engine.layout import isolate_fonts
        isolate_fonts(Path(build_dir))        # as a new process would, before WeasyPrint
        _import_everything()
        _prepare(options_of, argv, os.getcwd())
        last = time.monotonic()
        while time.monotonic() - last < IDLE and _still_mine(path, mine):
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                request, fds = _request(connection)
                if fds:
                    _run(connection, request, fds, run)
            if request.get("stop"):
                break
            if fds:
                registered.used()
                _prepare(options_of, request["argv"], request["cwd"])
                last = time.monotonic()
    finally:
        registered.remove()
        listener.close()
        if _still_mine(path, mine):
            path.unlink()


def _stopped(number, frame):
    raise SystemExit(0)


def _listen(path: Path):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path.parent.mkdir(parents=True, exist_ok=True)
    mask = os.umask(0o177)                    # the socket: ours alone to connect to
    try:
        with _near(path) as address:
            try:
                listener.bind(address)
            except OSError:
                if _answers(path):
                    listener.close()
                    return None
                path.unlink(missing_ok=True)  # left by a resident that was killed
                listener.bind(address)
    finally:
        os.umask(mask)
    listener.listen(8)
    listener.settimeout(1.0)                  # look at the socket once a second
    return listener


def _answers(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with _near(path) as address:
            probe.connect(address)
        probe.sendall(_framed(b'{"ping": true}'))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _stop_older(path: Path) -> None:
    """Ask the residents of other code in this build folder to stop."""
    for other in path.parent.glob("resident-*.sock"):
        if other != path and not _ask_to_stop(other):
            other.unlink(missing_ok=True)


def _ask_to_stop(path: Path) -> bool:
    """Ask the resident listening on ``path`` to stop once its command (if any) is done;
    False when none listens."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with _near(path) as address:
            probe.connect(address)
        probe.sendall(_framed(b'{"stop": true}'))
        return True
    except OSError:
        return False
    finally:
        probe.close()


class _Registered:
    """A resident's entry among its user's (a folder of PID.json files, each touched when
    its resident runs a command), so that no more than `kept()` of them run at once."""

    def __init__(self, path: Path):
        self.folder = _registry()
        self.entry = self.folder / f"{os.getpid()}.json" if self.folder else None
        if self.entry is not None:
            try:
                self.entry.write_text(json.dumps({"socket": str(path.resolve())}))
            except OSError:
                self.entry = None

    def make_room(self) -> None:
        """Ask the residents used least recently to stop, leaving `kept()` with this one."""
        if self.entry is None:
            return
        others = []
        for entry in self.folder.glob("*.json"):
            try:
                if entry != self.entry and _alive(int(entry.stem)):
                    others.append((entry.stat().st_mtime_ns, entry))
                elif entry != self.entry:
                    entry.unlink(missing_ok=True)        # a resident that was killed
            except (OSError, ValueError):
                continue
        for _, entry in sorted(others)[:max(0, len(others) + 1 - kept())]:
            try:
                _ask_to_stop(Path(json.loads(entry.read_text())["socket"]))
            except (OSError, ValueError, KeyError):
                pass

    def used(self) -> None:
        if self.entry is not None:
            try:
                os.utime(self.entry)
            except OSError:
                pass

    def remove(self) -> None:
        if self.entry is not None:
            self.entry.unlink(missing_ok=True)


def kept() -> int:
    """How many residents a user keeps at once: ``PAMPHLET_RESIDENTS``, else `KEPT`."""
    value = os.environ.get("PAMPHLET_RESIDENTS", "")
    return int(value) if value.isdigit() and int(value) >= 1 else KEPT


def _registry() -> Path | None:
    """This user's folder of residents ($XDG_RUNTIME_DIR, else the temporary folder),
    or None when it is not this user's alone."""
    import stat
    import tempfile

    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"pamphlet-residents-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        facts = folder.lstat()
    except OSError:
        return None
    mine = facts.st_uid == os.getuid() and stat.S_ISDIR(facts.st_mode) and \
        not facts.st_mode & 0o077
    return folder if mine else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _still_mine(path: Path, inode: int) -> bool:
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


def _request(connection) -> tuple[dict, list[int]]:
    """What a caller asks: a command, with its stdin, stdout and stderr; or a stop, or
    a ping (no streams); ``{}`` for what cannot be read."""
    connection.settimeout(10.0)
    try:
        data, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
        size = int.from_bytes(data[:4], "big")
        data = data[4:]
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                break
            data += chunk
        request = json.loads(data)
    except (OSError, ValueError):
        return {}, []
    if len(fds) == 3 and isinstance(request, dict) and "argv" in request:
        connection.settimeout(None)
        return request, fds
    for fd in fds:
        os.close(fd)
    return (request if isinstance(request, dict) and not fds else {}), []


def _run(connection, request: dict, fds: list[int], run) -> None:
    """The command in a forked child on the caller's streams; its exit status told."""
    import gc

    pid = os.fork()
    if pid == 0:
        _child(connection, request, fds, run)
    try:
        connection.sendall(_STARTED)
        status = _waited(pid, connection)
        if status < 0:
            os.write(fds[2], f"pamphlet: the build process stopped (signal {-status})\n"
                     .encode())
            status = 128 - status
        connection.sendall(status.to_bytes(4, "big", signed=True))
    except OSError:
        pass                        # the caller has gone
    finally:
        for fd in fds:
            os.close(fd)
    gc.collect()


def _waited(pid: int, connection) -> int:
    """The child's exit code (negative: the signal that stopped it); a caller that goes
    away (Ctrl-C), or the resident stopped meanwhile, has it stopped."""
    import select

    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd, connection], [], [])
        if pidfd not in ready:      # the caller went away (it sends nothing else)
            os.kill(pid, signal.SIGINT)
    except SystemExit:              # kill RESIDENT (_stopped) while its child runs
        os.kill(pid, signal.SIGINT)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(pidfd)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _child(connection, request: dict, fds: list[int], run) -> None:
    """Run the command as a new process would: never returns."""
    global _serving
    status = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        connection.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        kept = {name: os.environ[name] for name in _KEPT if name in os.environ}
        os.environ.clear()
        os.environ.update({**request["env"], **kept})
        sys.stdout.reconfigure(line_buffering=os.isatty(1))
        _serving = True
        _no_collections()
        status = run(request["argv"])
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else 1
    except BaseException:       # noqa: BLE001 - the caller is told; the resident goes on
        import traceback
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


def _no_collections() -> None:
    """No garbage collection in the child: it ends with its command (the collections a
    build would start walk its garbage, 0.1-0.4 s). What it forks collects its own."""
    import gc

    gc.disable()
    os.register_at_fork(after_in_child=gc.enable)


# What the resident set before WeasyPrint loaded (engine.layout.isolate_fonts): its
# fontconfig is configured once a process.
_KEPT = ("FONTCONFIG_FILE", "PAMPHLET_FONTCONFIG_SET")


def _prepare(options_of, argv: list[str], cwd: str) -> None:
    """Make the engines the next build will need (build.warm_up), then freeze the heap:
    the children forked collect their own garbage and leave the inherited pages shared."""
    import gc

    gc.unfreeze()
    os.chdir(cwd)
    from .build import warm_up

    options = options_of(argv)
    if options is None:
        return
    warm_up(options, _warm)
    gc.collect()
    gc.freeze()


def _import_everything() -> None:
    """What the build and `--check` import as they go: imported once, here."""
    import importlib
    import pkgutil

    import pamphlet
    from .engine.layout import import_engine

    import_engine()
    for module in pkgutil.walk_packages(pamphlet.__path__, "pamphlet."):
        if module.name.split(".")[1] in ("diff", "review", "vendor", "preview", "new") \
                or module.name.endswith("__main__"):
            continue                    # commands other than build; a command line
        try:
            importlib.import_module(module.name)
        except Exception:       # noqa: BLE001 - optional parts; the child imports as it needs
            pass
