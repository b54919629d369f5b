#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Raw clients of rackbootd's control socket, for tests/integration/ctl.sh.

  rb_ctl_raw.py send SOCKET HEXLINE...
      Send each line (hex-encoded bytes, a newline appended) on one
      connection and print each reply line.  Prints EOF when rackbootd
      closed the connection instead of replying.
  rb_ctl_raw.py long SOCKET BYTES
      Send BYTES bytes without a newline and print the reply line.
  rb_ctl_raw.py hold SOCKET COUNT SECONDS
      Open COUNT connections, send half a request on each, and keep them
      open for SECONDS at most.  Prints, per connection, "open" or
      "closed AFTER_S" (rackbootd closed it).  The first line, printed
      once all are connected, is "connected COUNT", so that a test can
      act while they stall.

Every socket has a 10 s timeout, so no call waits longer than that.
"""
import socket
import sys
import time

TIMEOUT_S = 10


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT_S)
    s.connect(path)
    return s


def read_line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data.decode("utf-8", "replace").rstrip("\n")


def cmd_send(path, hexlines):
    s = connect(path)
    for hexline in hexlines:
        s.sendall(bytes.fromhex(hexline) + b"\n")
        line = read_line(s)
        print("EOF" if line is None else line, flush=True)
        if line is None:
            break
    s.close()


def cmd_long(path, size):
    s = connect(path)
    try:
        s.sendall(b"x" * size)
    except (BrokenPipeError, ConnectionResetError):
        pass
    line = read_line(s)
    print("EOF" if line is None else line, flush=True)
    s.close()


def cmd_hold(path, count, seconds):
    conns = []
    for _ in range(count):
        s = connect(path)
        s.sendall(b'{"command":')
        s.setblocking(False)
        conns.append(s)
    print("connected %d" % count, flush=True)
    start = time.monotonic()
    closed = [None] * count
    while time.monotonic() - start < seconds and None in closed:
        for i, s in enumerate(conns):
            if closed[i] is not None:
                continue
            try:
                if s.recv(65536) == b"":
                    closed[i] = time.monotonic() - start
            except BlockingIOError:
                pass
            except OSError:
                closed[i] = time.monotonic() - start
        time.sleep(0.1)
    for i, s in enumerate(conns):
        print("open" if closed[i] is None else "closed %.1f" % closed[i], flush=True)
        s.close()


def main(argv):
    if len(argv) >= 3 and argv[1] == "send":
        cmd_send(argv[2], argv[3:])
    elif len(argv) == 4 and argv[1] == "long":
        cmd_long(argv[2], int(argv[3]))
    elif len(argv) == 5 and argv[1] == "hold":
        cmd_hold(argv[2], int(argv[3]), float(argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
