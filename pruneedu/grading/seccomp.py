"""Seccomp filters for the sandbox, compiled by libseccomp (the library flatpak and systemd use).

Two BPF programs, both "allow by default, refuse a list":

- :func:`base_filter` is handed to bubblewrap (``--seccomp FD``) and applies from the first
  instruction of the sandboxed Python. It refuses what no exercise needs and what widens the
  kernel surface or the sandbox: new processes (``fork``/``vfork``/``clone`` without
  ``CLONE_THREAD``; ``clone3`` answers ENOSYS so threads fall back to ``clone``), namespaces,
  mounts, ``ptrace`` and reading other processes' memory, keyrings, BPF, perf, userfaultfd,
  io_uring, kernel modules, new sockets of any family (the runner's channel is handed in),
  watching or locking files (inotify, dnotify, ``flock``, record locks, leases), extended
  attributes (kernel memory outside the scratch's size), AIO contexts,
  ``TIOCSTI`` on terminals, and memory the address-space limit does not count: ``memfd``,
  System V shared memory, message queues and semaphores, POSIX message queues, pipes grown
  past their default size.
- :func:`exec_filter` adds ``execve``/``execveat`` and the ``prctl`` options that would undo
  the runner's own settings: clearing its death signal (it would outlive the grader),
  becoming dumpable again (``/proc/self/mem`` for others), naming a tracer, rewriting its
  memory map. The runner loads it itself once started, after making itself non-dumpable
  (bubblewrap must still exec the runner after loading the first filter).

Syscalls are resolved by name for the machine's own architecture; libseccomp makes any call
from another ABI (32-bit x86 on x86-64) kill the process. libseccomp is reached through ctypes
(``libseccomp.so.2``, Debian/Ubuntu ``libseccomp2``), so nothing is compiled or pip-installed.

Example:
    >>> len(base_filter()) % 8 == 0 if available() == "" else True   # sock_filter: 8 bytes
    True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os
import sys

_ACT_ALLOW = 0x7FFF0000
_CMP_MASKED_EQ = 7
# fcntl's cmd and prctl's option are ints: the kernel reads the low 32 bits of the register,
# seccomp sees all 64. A rule that compared the whole register let (1 << 32) | F_SETLK past
# the filter (red-team round 6); every such rule compares the low 32 bits only.
_LOW_32 = 0xFFFFFFFF
_CLONE_THREAD = 0x00010000
_CLONE_NAMESPACES = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                     0x40000000, 0x00000080)  # NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER,
#                                               NEWPID, NEWNET, NEWTIME
_TIOCSTI = 0x5412
_F_SETPIPE_SZ = 1031
# fcntl commands that let two processes see each other through a file both can only read:
# record locks (F_GETLK, F_SETLK, F_SETLKW and the open-file-description ones), leases and
# dnotify (F_NOTIFY: inotify's older form).
_F_SIGNALLING = (5, 6, 7, 36, 37, 38, 1024, 1025, 1026)
# prctl options the learner's code may not use: PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_MM,
# PR_SET_PTRACER (Yama).
_PRCTL_REFUSED = (1, 4, 35, 0x59616D61)

REFUSED = (
    "fork", "vfork", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "mount", "umount2", "umount", "pivot_root", "chroot", "unshare", "setns", "move_mount",
    "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct",
    "quotactl", "quotactl_fd", "syslog", "uselib", "personality", "lookup_dcookie",
    "name_to_handle_at", "open_by_handle_at", "fanotify_init", "vhangup", "modify_ldt",
    "iopl", "ioperm", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "sethostname", "setdomainname", "nfsservctl", "remap_file_pages",
    # Memory RLIMIT_AS does not see (memfd pages, shared segments and queues live outside
    # the address space until mapped), and other processes' memory.
    "memfd_create", "memfd_secret", "shmget", "shmat", "shmctl", "shmdt", "msgget", "msgsnd",
    "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl", "mq_open", "mq_unlink",
    "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
    "process_madvise", "process_mrelease", "pidfd_open", "migrate_pages", "move_pages",
    # The channel to the grader is handed in: no new socket of any family is needed.
    "socket", "socketpair",
    # Watching or locking files every sandbox mounts would let two live sandboxes signal to
    # each other (red-team rounds 4 and 5): no exercise needs to watch or lock files.
    "inotify_init", "inotify_init1", "inotify_add_watch", "flock",
    # Kernel memory outside every cap: extended attributes on tmpfs files (since Linux 6.6)
    # count against neither the scratch's size nor RLIMIT_AS (red-team round 7 held 1.5 GB);
    # AIO contexts come from one pool for the whole machine.
    "setxattr", "lsetxattr", "fsetxattr", "setxattrat", "io_setup",
    # The devices are binds of the host's own files (mode 0666): touching them wrote bits
    # into host timestamps that outlive grading (red-team round 9). No exercise sets times.
    "utime", "utimes", "futimesat", "utimensat",
)


class SeccompUnavailable(RuntimeError):
    """libseccomp cannot be loaded or refused to build the filter."""


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


@functools.cache
def _library() -> ctypes.CDLL:
    if not sys.platform.startswith("linux"):
        raise SeccompUnavailable("seccomp exists only on Linux")
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        raise SeccompUnavailable("libseccomp is not installed (Debian/Ubuntu: apt install "
                                 "libseccomp2; Fedora: dnf install libseccomp)") from None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                           ctypes.c_uint, ctypes.POINTER(_ArgCmp)]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return lib


def available() -> str:
    """Empty when filters can be built here, else why not (one phrase)."""
    try:
        base_filter()
    except SeccompUnavailable as error:
        return str(error)
    return ""


def _errno(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


def _compile(rules: list[tuple[str, int, list[tuple[int, int, int, int]]]]) -> bytes:
    lib = _library()
    context = lib.seccomp_init(_ACT_ALLOW)
    if not context:
        raise SeccompUnavailable("libseccomp could not start a filter")
    try:
        for name, action, comparisons in rules:
            number = lib.seccomp_syscall_resolve_name(name.encode())
            if number < 0:
                continue  # not a syscall on this architecture (e.g. umount on x86-64)
            array = (_ArgCmp * max(1, len(comparisons)))(*[_ArgCmp(*c) for c in comparisons])
            status = lib.seccomp_rule_add_array(context, action, number, len(comparisons), array)
            if status < 0:
                raise SeccompUnavailable(f"libseccomp refused the rule for {name} "
                                         f"({os.strerror(-status)})")
        read, write = os.pipe()
        try:
            status = lib.seccomp_export_bpf(context, write)
            os.close(write)
            write = -1
            if status < 0:
                raise SeccompUnavailable(f"libseccomp could not export ({os.strerror(-status)})")
            chunks = []
            while chunk := os.read(read, 65536):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(read)
            if write >= 0:
                os.close(write)
    finally:
        lib.seccomp_release(context)


@functools.cache
def base_filter() -> bytes:
    """The BPF program bubblewrap loads before it starts the runner."""
    eperm = _errno(errno.EPERM)
    rules = [(name, eperm, []) for name in REFUSED]
    rules.append(("clone", eperm, [(0, _CMP_MASKED_EQ, _CLONE_THREAD, 0)]))
    rules += [("clone", eperm, [(0, _CMP_MASKED_EQ, flag, flag)]) for flag in _CLONE_NAMESPACES]
    rules.append(("clone3", _errno(errno.ENOSYS), []))
    rules.append(("ioctl", eperm, [(1, _CMP_MASKED_EQ, _LOW_32, _TIOCSTI)]))
    rules += [("fcntl", eperm, [(1, _CMP_MASKED_EQ, _LOW_32, command)])
              for command in (_F_SETPIPE_SZ, *_F_SIGNALLING)]
    return _compile(rules)


@functools.cache
def exec_filter() -> bytes:
    """The BPF program the runner adds before any learner code: no ``exec`` at all, and no
    ``prctl`` that undoes the runner's death signal or non-dumpable state."""
    eperm = _errno(errno.EPERM)
    rules = [("execve", eperm, []), ("execveat", eperm, [])]
    rules += [("prctl", eperm, [(0, _CMP_MASKED_EQ, _LOW_32, option)])
              for option in _PRCTL_REFUSED]
    return _compile(rules)
