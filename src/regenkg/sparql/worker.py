"""An evaluator process: ``python -m regenkg.sparql.worker FD`` (started by :mod:`regenkg.sparql.pool`).

Its own module entry point, not a multiprocessing spawn of ``__main__``, so it starts the same way from a
script without ``if __name__ == "__main__"``, ``python -``, ``python -c``, a notebook or a thread.

Before it reads any query it seals itself:

1. **no network**: it moves into a network namespace of its own (``unshare(CLONE_NEWNET)``, as root, or
   inside a new user namespace otherwise), where no interface but a downed loopback exists, so SERVICE or
   anything else in the engine cannot connect anywhere; where namespaces are unavailable a seccomp filter
   makes ``socket(AF_INET/AF_INET6)`` fail; where neither works it says so (the parent logs a warning);
2. **memory cap**: after loading the store it sets ``RLIMIT_AS`` to its size plus the per-query cap; a
   query over it fails an allocation, the process ends and the parent answers "memory limit";
3. it dies with its parent (a watchdog thread; ``PR_SET_PDEATHSIG`` would fire when the parent's *thread*
   that started it ends), so an orphaned runaway never keeps burning CPU.

Messages on the socket (pickled, parent → child): an init dict, then :class:`PreparedQuery` objects;
child → parent: ``("ready", size, sandbox)`` or ``("failed", error class, message)``, then per query
``("ok", Reply)``, ``("error", error class, message)`` or ``("memory", message)``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import pickle
import resource
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["SANDBOX_ENV", "isolate_network", "main"]

SANDBOX_ENV = "REGENKG_SANDBOX"  # "auto" (default), "netns", "seccomp" or "none" (tests choose one)
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _unshare(flags: int) -> bool:
    return bool(_libc().unshare(flags) == 0)


def _user_netns() -> bool:
    uid, gid = os.getuid(), os.getgid()
    if not _unshare(_CLONE_NEWUSER | _CLONE_NEWNET):
        return False
    # Map ourselves so files stay readable as before.
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")
    except OSError:
        pass
    return True


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


def _seccomp_no_inet() -> bool:
    """Make ``socket(AF_INET|AF_INET6, …)`` fail with EACCES for this process and its threads."""
    name = ctypes.util.find_library("seccomp")
    if not name:
        return False
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return False
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                           ctypes.POINTER(_ArgCmp)]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    allow, deny = 0x7FFF0000, 0x00050000 | errno.EACCES  # SCMP_ACT_ALLOW, SCMP_ACT_ERRNO(EACCES)
    ctx = lib.seccomp_init(allow)
    if not ctx:
        return False
    try:
        ok = True
        for syscall in (b"socket", b"socketpair"):
            number = lib.seccomp_syscall_resolve_name(syscall)
            for family in (2, 10):  # AF_INET, AF_INET6
                cmp = (_ArgCmp * 1)(_ArgCmp(0, 4, family, 0))  # SCMP_CMP_EQ on argument 0
                ok = ok and lib.seccomp_rule_add_array(ctx, deny, number, 1, cmp) == 0
        return ok and lib.seccomp_load(ctx) == 0
    finally:
        lib.seccomp_release(ctx)


def isolate_network(mode: str = "auto") -> str:
    """Cut this process off the network; returns how: ``"netns"``, ``"userns"``, ``"seccomp"`` or ``"none"``.

    Must run before the process starts threads (a user namespace needs a single-threaded process).
    """
    if mode in ("auto", "netns"):
        if _unshare(_CLONE_NEWNET):
            return "netns"
        if _user_netns():
            return "userns"
    if mode in ("auto", "seccomp", "netns") and _seccomp_no_inet():
        return "seccomp"
    return "none"


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cap_memory(limit: int | None) -> None:
    if not limit:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    target = _vm_size() + limit
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    resource.setrlimit(resource.RLIMIT_AS, (target, hard))


def _uncap_memory() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _watch_parent(parent: int) -> None:
    # pyoxigraph releases the GIL while it evaluates, so this runs even during a runaway query.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def main(argv: list[str] | None = None) -> int:
    """Serve queries on the socket whose file descriptor is ``argv[0]`` until it closes."""
    args = sys.argv[1:] if argv is None else argv
    parent = os.getppid()
    sandbox = isolate_network(os.environ.get(SANDBOX_ENV, "auto"))
    threading.Thread(target=_watch_parent, args=(parent,), name="regenkg-parent-watch", daemon=True).start()
    conn = Connection(int(args[0]))
    try:
        init = conn.recv()
    except (EOFError, OSError):
        return 1
    for entry in reversed(init.get("sys_path", [])):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    try:
        from pathlib import Path

        import pyoxigraph as ox

        from .local import LocalSparql

        factory_blob = init.get("embedder_factory")

        def factory() -> Any:
            from ..errors import QueryError

            try:
                made = pickle.loads(factory_blob)
            except Exception as exc:  # noqa: BLE001
                raise QueryError(f"the evaluator cannot load the embedder factory: {exc}") from None
            return made()

        kind, value = init["source"]
        functions_blob = init.get("functions")
        functions = pickle.loads(functions_blob) if functions_blob else None  # noqa: S301 - our parent's
        options = {"max_rows": init["max_rows"], "max_bytes": init["max_bytes"],
                   "embedder_factory": factory if factory_blob else None, "functions": functions}
        if kind == "snapshot":
            local = LocalSparql(value, **options)
        else:
            store = ox.Store()
            store.load(value, format=ox.RdfFormat.N_QUADS)
            snapshot = Path(init["snapshot"]) if init.get("snapshot") else None
            local = LocalSparql.from_store(store, snapshot=snapshot, **options)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("failed", type(exc).__name__, str(exc)))
        return 1
    limit = init.get("memory_limit")

    def before_model() -> None:
        # The model is the process's, not the query's: load it outside the cap, then cap again on top.
        _uncap_memory()

    local.similarity.on_model_load = before_model
    _cap_memory(limit)
    conn.send(("ready", local.size, sandbox))
    from ..errors import RegenkgError

    while True:
        try:
            prepared = conn.recv()
        except (EOFError, OSError):
            return 0
        if prepared is None:
            return 0
        loaded = local.model_loaded
        try:
            reply: tuple[Any, ...] = ("ok", local.answer(prepared))
        except RegenkgError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except MemoryError:
            reply = ("memory", "the query needed more memory than the per-query limit")
        if local.model_loaded and not loaded:
            _cap_memory(limit)
        try:
            conn.send(reply)
        except MemoryError:
            return 3
        except (OSError, ValueError):
            return 0
        if reply[0] == "memory":
            return 3


if __name__ == "__main__":
    sys.exit(main())
