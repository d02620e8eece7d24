"""A resident process per build folder, so that `make pdf` after an edit starts warm.

`pamphlet build --resident` (what `make pdf` runs) hands its command to the resident
of its build folder when there is one: a process that has imported pamphlet,
WeasyPrint and the PDF readers and made the layout engines (stylesheets parsed,
fonts loaded). For each command it forks a child that runs it as the new process
would have — the same arguments, working folder, environment and umask, on the
caller's stdin, stdout and stderr (passed over a unix socket) — and tells the caller
its exit status. The caller then exits with it: what the designer sees is the same,
sooner (the guide's `make pdf` after an edit: 1.0-1.3 s, against 1.9-2.5 s in a new
process). What a process takes from its start — resource limits, nice level, cgroup —
is the first caller's; the variables read at an interpreter's start (PYTHON*, LANG,
LC_*) are part of the socket's name, so a caller whose differ gets its own resident.

With no resident (the first `make pdf`, other code, a build folder made anew), the
command runs in the calling process, which then starts one for next time. A resident
stops after `IDLE` seconds without a command, when its socket is gone (``make clean``
removed the build folder), when a resident of other code starts in its folder, when
its user's `KEPT` residents (``PAMPHLET_RESIDENTS``) are running and another starts
(the one used least recently stops: a script that builds fifty brochures keeps
three), or when it is sent SIGTERM. Its child dies with it.

Only its own user can use a resident: each side checks the other's uid
(SO_PEERCRED) before anything is sent. The socket, ``build/cache/resident-MARK.sock``,
is held by the resident with a lock beside it (``resident-MARK.lock``) for its life.
Linux only (it forks, waits on a pidfd, reads peer credentials); elsewhere every
command runs in its own process.

`hand_over` and `start` are the caller's side; `serve` is the resident's (``pamphlet
resident BUILD_DIR -- COMMAND...``, which `start` runs; cli.py gives it the command
line to run and the options a command builds with).
"""

import json
import os
import signal
import socket
import struct
import sys
import time
from pathlib import Path

IDLE = 20 * 60        # seconds: a designer's pause; the resident holds ~200 MB meanwhile
KEPT = 3              # residents a user keeps at once (PAMPHLET_RESIDENTS)
ANSWER = 60.0         # seconds a caller waits for the resident to take its command
_STARTED = b"S"       # the resident's child runs the command: it is not to be run here
_serving = False      # this process is a resident's child, running a command
_warm: dict = {}      # the resident's layout engines, as its last warm-up left them
_listener = None      # the resident's listening socket (its child closes it)
_lock_file = None     # the resident's lock on its socket (its child closes it)
_resident = None      # the resident's pid (its child dies with it)
# Read when an interpreter starts: a caller whose differ needs a resident of its own.
STARTUP = ("LANG", "LANGUAGE", "FONTCONFIG_FILE", "PAMPHLET_FONTCONFIG_SET")


def socket_path(build_dir: Path, environ=None) -> Path:
    return Path(build_dir) / "cache" / f"resident-{code_mark(environ)}.sock"


def code_mark(environ=None) -> str:
    """What names the code a resident runs and how its interpreter started: each of
    pamphlet's files by its size and time of change, the Python that runs it and its
    packages' folder (installing a package changes it), the startup variables. Stat,
    not read: the caller asks before each command."""
    import hashlib
    import sysconfig

    here = Path(__file__).parent
    marks = [sys.prefix, sys.version, _changed(Path(sysconfig.get_paths()["purelib"]))]
    marks += [f"{name}={value}" for name, value in sorted((environ or os.environ).items())
              if name in STARTUP or name.startswith(("PYTHON", "LC_"))]
    marks += [f"{path.relative_to(here)}:{_changed(path)}" for path in sorted(here.rglob("*"))
              if path.suffix in (".py", ".html", ".css") and path.is_file()]
    return hashlib.sha256("\n".join(marks).encode()).hexdigest()[:12]


def _changed(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def supported() -> bool:
    """Linux with pidfds (5.3 on; a container's seccomp may still refuse them)."""
    global _SUPPORTED
    if _SUPPORTED is None:
        _SUPPORTED = sys.platform.startswith("linux") and hasattr(os, "pidfd_open") \
            and hasattr(socket, "SO_PEERCRED") and _pidfds_work()
    return _SUPPORTED


_SUPPORTED = None


def _pidfds_work() -> bool:
    try:
        os.close(os.pidfd_open(os.getpid()))
        return True
    except OSError:
        return False


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
    is none, or it did not take the command (nothing ran: run it here)."""
    if _serving or not supported():
        return None
    try:
        path = socket_path(build_dir)
        if not _ours(path):
            return None
        connection = _connected(path, timeout=ANSWER)
    except OSError:                   # a socket left by a resident that was killed, ...
        return None
    with connection:
        if not _same_user(connection):
            return None
        request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                              "umask": _umask()})
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
        started = _read(connection, 1)
    except (OSError, TimeoutError):   # stopped, or too busy: nothing ran, run it here
        return None
    except KeyboardInterrupt:
        return 130
    if started != _STARTED:
        return None
    connection.settimeout(None)
    try:
        reply = _read(connection, 4)
    except KeyboardInterrupt:            # Ctrl-C: the resident stops its child
        return 130
    except OSError:
        reply = b""
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


def start(argv: list[str], build_dir: Path, environ: dict) -> None:
    """Start the resident of ``build_dir`` for the commands after this one (in the
    background: it warms up while the designer looks), in ``environ``, the environment
    the command started in (a build sets fontconfig's). Never fails the command."""
    import subprocess

    if _serving or not supported():
        return
    try:
        if _held(socket_path(build_dir, environ)):
            return
        log_path = _log(build_dir)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            subprocess.Popen([sys.executable, "-m", "pamphlet", "resident",
                              str(Path(build_dir).resolve()), "--", *argv],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=environ,
                             start_new_session=True, close_fds=True)
    except OSError:
        return


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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


def _ours(path: Path) -> bool:
    """Whether ``path`` is a socket of this user's (not a file planted by another)."""
    import stat
    try:
        facts = path.lstat()
    except OSError:
        return False
    return stat.S_ISSOCK(facts.st_mode) and facts.st_uid == os.geteuid()


def _same_user(connection) -> bool:
    """Whether the process at the other end runs as this one's user (SO_PEERCRED)."""
    try:
        _, uid, _ = struct.unpack("3i", connection.getsockopt(
            socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    except OSError:
        return False
    return uid == os.geteuid()


def _connected(path: Path, timeout: float):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        with _near(path) as address:
            connection.connect(address)
    except BaseException:
        connection.close()
        raise
    return connection


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


def _held(path: Path) -> bool:
    """Whether a resident holds ``path``'s lock (it lives)."""
    import fcntl

    try:
        with open(path.with_suffix(".lock"), "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


# The resident's side.

def serve(build_dir: Path, argv: list[str], run, options_of) -> None:
    """Listen on the build folder's socket, run each command in a forked child, until
    `IDLE` s without one, the socket is gone, a resident of other code or one over
    its user's `kept()` asks, or SIGTERM.

    ``run(argv)`` runs a command line (cli.main) and gives its exit status;
    ``options_of(argv)`` the options a command builds with (None: it builds nothing),
    for the engines its next build needs; ``argv`` is the command that started it."""
    global _listener, _lock_file, _resident
    path = socket_path(Path(build_dir).resolve())
    lock = _lock_file = _lock(path)
    if lock is None:
        return                            # another resident holds it
    _resident = os.getpid()
    signal.signal(signal.SIGTERM, _stopped)   # kill PID: its socket and entry go with it
    with lock:
        _listener, mine = _listen(path)
        registered = _Registered(path)
        try:
            _stop_older(path)
            registered.make_room()
            from .engine.layout import isolate_fonts
            isolate_fonts(path.parent.parent)  # as a new process would, before WeasyPrint
            _import_everything()
            _prepare(options_of, argv, os.getcwd(), dict(os.environ))
            _serve(path, mine, run, options_of, registered)
        finally:
            registered.remove()
            _listener.close()
            if _still_mine(path, mine):
                path.unlink()


def _serve(path: Path, mine: tuple, run, options_of, registered) -> None:
    last = time.monotonic()
    while time.monotonic() - last < IDLE and _still_mine(path, mine):
        try:
            connection, _ = _listener.accept()
        except TimeoutError:
            continue
        with connection:
            request, fds = _request(connection)
            if fds:
                _run(connection, request, fds, run)
        if request.get("stop"):
            return
        if fds:
            registered.used()
            _prepare(options_of, request["argv"], request["cwd"], request["env"])
            last = time.monotonic()


def _stopped(number, frame):
    raise SystemExit(0)


def _lock(path: Path):
    """The socket's lock, held for the resident's life (None: another resident's)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path.with_suffix(".lock"), "ab")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return None
    return lock


def _listen(path: Path):
    """Listen on ``path`` (the lock held: a socket there is a dead resident's); the
    listener and the socket's (device, inode)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path.unlink(missing_ok=True)
    mask = os.umask(0o177)                    # the socket: ours alone to connect to
    try:
        with _near(path) as address:
            listener.bind(address)
    finally:
        os.umask(mask)
    listener.listen(8)
    listener.settimeout(1.0)                  # look at the socket once a second
    facts = os.stat(path)
    return listener, (facts.st_dev, facts.st_ino)


def _stop_older(path: Path) -> None:
    """Ask the residents of other code in this build folder to stop."""
    for other in path.parent.glob("resident-*.sock"):
        if other != path and not _ask_to_stop(other):
            other.unlink(missing_ok=True)


def _ask_to_stop(path: Path) -> bool:
    """Ask the resident listening on ``path`` to stop once its command (if any) is done;
    False when none of this user's listens."""
    try:
        if not _ours(path):
            return False
        with _connected(path, timeout=2.0) as probe:
            if not _same_user(probe):
                return False
            probe.sendall(_framed(b'{"stop": true}'))
        return True
    except OSError:
        return False


class _Registered:
    """A resident's entry among its user's (a folder of PID.json files, each touched when
    its resident runs a command), so that no more than `kept()` of them run at once."""

    def __init__(self, path: Path):
        self.folder = _registry()
        self.entry = self.folder / f"{os.getpid()}.json" if self.folder else None
        if self.entry is not None:
            try:
                self.entry.write_text(json.dumps({"socket": str(path),
                                                  "started": _started(os.getpid())}))
            except OSError:
                self.entry = None

    def make_room(self) -> None:
        """Ask the residents used least recently to stop, leaving `kept()` with this one."""
        if self.entry is None:
            return
        others = []
        for entry in self.folder.glob("*.json"):
            if entry == self.entry:
                continue
            try:
                facts = json.loads(entry.read_text())
                if facts.get("started") == _started(int(entry.stem)):
                    others.append((entry.stat().st_mtime_ns, facts["socket"]))
                else:
                    entry.unlink(missing_ok=True)     # a resident that was killed
            except (OSError, ValueError, KeyError):
                continue
        for _, other in sorted(others)[:max(0, len(others) + 1 - kept())]:
            _ask_to_stop(Path(other))

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
    folder = Path(base) / f"pamphlet-residents-{os.geteuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        facts = folder.lstat()
    except OSError:
        return None
    mine = facts.st_uid == os.geteuid() and stat.S_ISDIR(facts.st_mode) and \
        not facts.st_mode & 0o077
    return folder if mine else None


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), None if there is none: a
    pid and its start name one process, whatever reuses the pid later."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _still_mine(path: Path, mine: tuple) -> bool:
    try:
        facts = os.stat(path)
    except OSError:
        return False
    return (facts.st_dev, facts.st_ino) == mine


def _request(connection) -> tuple[dict, list[int]]:
    """What a caller of this user asks: a command, with its stdin, stdout and stderr;
    or a stop (no streams); ``{}`` for what cannot be read."""
    connection.settimeout(10.0)
    fds = []
    try:
        if not _same_user(connection):
            return {}, []
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
        request = {}
    if len(fds) == 3 and isinstance(request, dict) and "argv" in request:
        connection.settimeout(None)
        return request, fds
    for fd in fds:
        os.close(fd)
    return (request if isinstance(request, dict) and not fds else {}), []


def _run(connection, request: dict, fds: list[int], run) -> None:
    """The command in a forked child on the caller's streams; its exit status told. A
    caller gone before it began (Ctrl-C while it waited) has nothing run."""
    import gc

    try:
        if _gone(connection):
            return
        pid = os.fork()
        if pid == 0:
            _child(connection, request, fds, run)
        try:
            _own_group(pid)
            pidfd = os.pidfd_open(pid)
            connection.sendall(_STARTED)
            status = _waited(pid, pidfd, connection)
        except BaseException:       # the caller gone, SIGTERM: the command is stopped
            _stop(pid)
            raise
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


def _gone(connection) -> bool:
    """Whether the caller has closed its end (it sends nothing after its command)."""
    import select

    readable, _, _ = select.select([connection], [], [], 0)
    return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""


def _waited(pid: int, pidfd: int, connection) -> int:
    """The child's exit code (negative: the signal that stopped it); a caller that goes
    away (Ctrl-C) has it stopped, as Ctrl-C stops a build in its own process."""
    import select

    try:
        ready, _, _ = select.select([pidfd, connection], [], [])
        if pidfd not in ready:      # the caller went away (it sends nothing else)
            _interrupt(pid)
    finally:
        os.close(pidfd)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _interrupt(pid: int) -> None:
    """SIGINT to the child's process group: the child and what it forked, as a
    terminal's Ctrl-C reaches them."""
    try:
        os.killpg(pid, signal.SIGINT)
    except OSError:
        pass


def _stop(pid: int) -> None:
    for stop in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            stop()
            break
        except OSError:
            continue
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass


def _own_group(pid: int) -> None:
    """The child leads a process group of its own (set by both sides: either may run
    first)."""
    try:
        os.setpgid(pid, pid)
    except OSError:                 # it has set it, or it has ended
        pass


def _child(connection, request: dict, fds: list[int], run) -> None:
    """Run the command as a new process would: never returns."""
    global _serving
    from .workers import die_with_parent

    status = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)   # even if started ignored
        die_with_parent(_resident)         # PR_SET_PDEATHSIG: it dies with the resident
        os.setpgid(0, 0)                   # its own group: Ctrl-C reaches its workers
        _listener.close()
        _lock_file.close()
        connection.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.umask(int(request.get("umask", 0o022)))
        kept = {name: os.environ[name] for name in _KEPT if name in os.environ}
        os.environ.clear()
        os.environ.update({**request["env"], **kept})
        sys.stdout.reconfigure(line_buffering=os.isatty(1))
        _serving = True
        _no_collections()
        status = run(request["argv"])
    except SystemExit as done:             # as the interpreter says sys.exit's argument
        if done.code is None or isinstance(done.code, int):
            status = done.code or 0
        else:
            print(done.code, file=sys.stderr)
            status = 1
    except BaseException:       # noqa: BLE001 - the caller is told; the resident goes on
        import traceback
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status if isinstance(status, int) else 1)


def _no_collections() -> None:
    """No garbage collection in the child: it ends with its command (the collections a
    build would start walk its garbage, 0.1-0.4 s). What it forks collects its own."""
    import gc

    gc.disable()
    os.register_at_fork(after_in_child=gc.enable)


# What the resident set before WeasyPrint loaded (engine.layout.isolate_fonts): its
# fontconfig is configured once a process.
_KEPT = ("FONTCONFIG_FILE", "PAMPHLET_FONTCONFIG_SET")


def _prepare(options_of, argv: list[str], cwd: str, env: dict) -> None:
    """Make the engines the next build will need (build.warm_up), with the options the
    caller's environment gives (SOURCE_DATE_EPOCH is in the document's head), then
    freeze the heap: the children forked leave the inherited pages shared."""
    import gc

    from .build import warm_up

    gc.unfreeze()
    try:
        os.chdir(cwd)
        mine = dict(os.environ)
        os.environ.clear()
        os.environ.update({**env, **{n: mine[n] for n in _KEPT if n in mine}})
        try:
            options = options_of(argv)
            if options is not None:
                warm_up(options, _warm)
        finally:
            os.environ.clear()
            os.environ.update(mine)
    except OSError:
        pass                            # the next command makes what it needs
    finally:
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
