#!/usr/bin/env python3
"""Runs Debian's standard `age` tool with a passphrase typed at its prompt.

age reads passphrases only from a terminal, so this gives it one (a pseudo-terminal).
Usage: age_tool.py encrypt|decrypt PASSPHRASE INPUT OUTPUT
Exits with age's own exit code; prints what age printed if it failed.
"""
import os
import pty
import select
import sys


def main():
    mode, passphrase, src, dst = sys.argv[1:5]
    args = ["age", "-p", "-o", dst, src] if mode == "encrypt" else ["age", "-d", "-o", dst, src]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("age", args)
    seen = b""
    answered = 0
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
        # "Enter passphrase…" and, when encrypting, "Confirm passphrase:".
        prompts = seen.count(b"passphrase")
        while answered < prompts:
            os.write(fd, passphrase.encode() + b"\n")
            answered += 1
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(seen.decode(errors="replace"))
    sys.exit(code)


if __name__ == "__main__":
    main()
