#!/usr/bin/env python3
"""Run a command under the system call filter a systemd unit would give it, without systemd.

    seccomp-exec.py <allow-list-file> <errno-number> -- <command> [args...]

The allow list holds one system call name a line (test/helpers/systemd-tools.ts computes it from the
unit's SystemCallFilter= lines with `systemd-analyze syscall-filter`). Like systemd with
SystemCallArchitectures=native and SystemCallErrorNumber=<errno>: every other call of the native ABI
fails with that errno; no_new_privs is set (systemd implies NoNewPrivileges= for filtered services)
and the umask is 0077 (the unit's UMask=). Uses libseccomp (a dependency of systemd) through ctypes.
"""
import ctypes
import ctypes.util
import os
import sys

PR_SET_NO_NEW_PRIVS = 38
SCMP_ACT_ALLOW = 0x7FFF0000


def scmp_act_errno(errno: int) -> int:
    return 0x00050000 | (errno & 0x0000FFFF)


def main() -> None:
    if len(sys.argv) < 5 or sys.argv[3] != '--':
        sys.exit('usage: seccomp-exec.py <allow-list-file> <errno> -- <command> [args...]')
    names = [n.strip() for n in open(sys.argv[1], encoding='utf-8') if n.strip()]
    errno = int(sys.argv[2])
    argv = sys.argv[4:]
    lib = ctypes.CDLL(ctypes.util.find_library('seccomp') or 'libseccomp.so.2', use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.restype = ctypes.c_int
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_load.restype = ctypes.c_int
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        sys.exit('prctl(PR_SET_NO_NEW_PRIVS) failed')
    os.umask(0o077)
    ctx = lib.seccomp_init(scmp_act_errno(errno))
    if not ctx:
        sys.exit('seccomp_init failed')
    allowed = 0
    for name in names:
        nr = lib.seccomp_syscall_resolve_name(name.encode())
        if nr == -1:  # __NR_SCMP_ERROR: unknown to libseccomp; systemd skips those too
            continue
        # Calls of other ABIs resolve to negative pseudo numbers; libseccomp accepts and drops them.
        if lib.seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0:
            allowed += 1
    if allowed < 100:
        sys.exit(f'only {allowed} system calls allowed: is the list right?')
    rc = lib.seccomp_load(ctx)
    if rc != 0:
        sys.exit(f'seccomp_load failed: {rc}')
    os.execvp(argv[0], argv)


main()
