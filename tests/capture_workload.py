#!/usr/bin/env python3
"""Workload for tests/capture_bpf.rs: one known instance of each syscall family.

Prints one `key=value` line per fact the test needs (pids, fds, ports,
paths), so the test asserts against what really happened.
"""
import os
import socket
import subprocess
import sys

work = sys.argv[1]
facts = {}

# openat of a known path with known flags and mode.
path = os.path.join(work, "opened.txt")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
facts["open_fd"] = fd
os.write(fd, b"harrier-write-data")
os.close(fd)

# rename.
renamed = os.path.join(work, "renamed.txt")
os.rename(path, renamed)

# connect to a local listener, then accept.
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(1)
port = listener.getsockname()[1]
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(("127.0.0.1", port))
server, _ = listener.accept()
facts["connect_fd"] = client.fileno()
facts["listen_port"] = port
facts["client_port"] = client.getsockname()[1]
client.close()
server.close()
listener.close()

# a child: setuid failure (EPERM after dropping to nobody), exit code 7.
child = os.fork()
if child == 0:
    os.setuid(65534)
    try:
        os.setuid(0)
    except PermissionError:
        pass
    os._exit(7)
os.waitpid(child, 0)
facts["child_pid"] = child

# execve of a known program with a known argv.
subprocess.run(["/bin/echo", "harrier-exec-arg"], stdout=subprocess.DEVNULL, check=True)

# file-namespace operations.
subdir = os.path.join(work, "subdir")
os.mkdir(subdir, 0o750)
link = os.path.join(work, "link")
os.symlink(renamed, link)
os.chmod(renamed, 0o600)
os.unlink(link)
os.rmdir(subdir)

# fd family: pipe, dup2 to a known number, memfd_create.
pipe_r, pipe_w = os.pipe()
os.dup2(pipe_r, 100)
memfd = os.memfd_create("harrier-memfd")
facts["pipe_r"] = pipe_r
facts["pipe_w"] = pipe_w
facts["memfd"] = memfd
for fd in (pipe_r, pipe_w, 100, memfd):
    os.close(fd)

# chdir there and back; a signal-0 kill of ourselves.
here = os.getcwd()
os.chdir(work)
os.chdir(here)
os.kill(os.getpid(), 0)

facts["pid"] = os.getpid()
for key, value in facts.items():
    print(f"{key}={value}")
