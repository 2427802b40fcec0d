#!/usr/bin/python3
"""hostile: a misbehaving peer of a session's socket, for tests/e2e/hostile.sh.

It speaks just enough of the protocol (docs/PROTOCOL.md) to be a rude
client on purpose, and prints one line per result for the test to assert:

  split SOCK MODE       a valid HELLO (MODE info or attach) sent in two
                        pieces, cut after each of its bytes in turn, each
                        on its own connection: "split N bad B" (B cuts
                        whose first answer was not INFO or WELCOME)
  tiny SOCK COUNT       attach, then COUNT empty optional frames (5 bytes
                        each) with a PING after every 1000, then the
                        command "echo TINY-OK" one byte per INPUT frame:
                        "pongs P of Q", then "output TINY-OK" once the
                        program's echo came back
  noread SOCK STOP      attach, then never read again until the file STOP
                        exists: "attached", then "ended" if the
                        session ended the connection, else "open"
  loris SOCK N STOP     keep N connections open, half silent and half
                        with half a HELLO, reopening any the session
                        closes, until the file STOP exists: "open N" once
                        all are open, then "reopened R refused F"

A failure to connect or an answer that makes no sense is one line on
stderr ("hostile: ...") and exit status 1.
"""
import os
import select
import socket
import struct
import sys
import time

T_HELLO, T_WELCOME, T_ERROR, T_OUTPUT = 1, 2, 3, 4
T_INPUT, T_PING, T_PONG, T_INFO = 6, 11, 12, 13
MODES = {"attach": 1, "info": 2, "kill": 3}
DEADLINE = 30   # failure deadline of any one wait, in seconds


def die(msg):
    sys.stderr.write("hostile: %s\n" % msg)
    sys.exit(1)


def frame(t, body=b""):
    return struct.pack(">IB", len(body) + 1, t) + body


def hello(mode, flags=0):
    body = b"TTHR" + struct.pack(">HHBIQQHH", 1, 2, MODES[mode], flags,
                                 0, 0, 24, 80)
    return frame(T_HELLO, body)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError as e:
        s.close()
        die("connect %s: %s" % (path, e.strerror))
    return s


class Reader:
    """Frames from a socket, as (type, body)."""

    def __init__(self, s):
        self.s = s
        self.data = b""
        self.eof = False

    def fill(self, timeout):
        r, _, _ = select.select([self.s], [], [], timeout)
        if not r:
            return False
        try:
            chunk = self.s.recv(1 << 20)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
        self.data += chunk
        return True

    def frames(self):
        out = []
        while len(self.data) >= 5:
            n, t = struct.unpack(">IB", self.data[:5])
            if len(self.data) < 4 + n:
                break
            out.append((t, self.data[5:4 + n]))
            self.data = self.data[4 + n:]
        return out

    def first(self):
        """The first frame, or None at EOF or the deadline."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and not self.eof:
            f = self.frames()
            if f:
                self.data = b"".join(frame(t, b) for t, b in f[1:]) + \
                    self.data
                return f[0]
            self.fill(0.5)
        f = self.frames()
        return f[0] if f else None


def cmd_split(path, mode):
    msg = hello(mode)
    want = T_INFO if mode == "info" else T_WELCOME
    bad = 0
    for k in range(1, len(msg)):
        s = connect(path)
        s.sendall(msg[:k])
        # Long enough for the host to read the first piece on its own.
        time.sleep(0.05)
        s.sendall(msg[k:])
        f = Reader(s).first()
        if f is None or f[0] != want:
            bad += 1
            sys.stderr.write("hostile: cut after %d: %r\n" % (k, f))
        s.close()
    print("split %d bad %d" % (len(msg) - 1, bad))


def welcome_in_next(body):
    # "TTHR" major minor resume instance out_start skipped in_next ...
    return struct.unpack(">Q", body[4 + 2 + 2 + 1 + 8 + 8 + 8:][:8])[0]


def cmd_tiny(path, count):
    s = connect(path)
    s.sendall(hello("attach"))
    r = Reader(s)
    f = r.first()
    if f is None or f[0] != T_WELCOME:
        die("no WELCOME: %r" % (f,))
    in_next = welcome_in_next(f[1])
    pings = 0
    blob = bytearray()
    for i in range(count):
        blob += frame(0x80)
        if i % 1000 == 999:
            blob += frame(T_PING, struct.pack(">Q", pings))
            pings += 1
    line = b"echo TINY-\"\"OK\r"
    for i, c in enumerate(line):
        blob += frame(T_INPUT, struct.pack(">Q", in_next + i) + bytes([c]))
    pongs = 0
    output = b""
    sent = 0
    s.setblocking(False)
    end = time.monotonic() + DEADLINE * 2
    while time.monotonic() < end and not r.eof:
        w = [s] if sent < len(blob) else []
        rd, wr, _ = select.select([s], w, [], 0.5)
        if wr:
            try:
                sent += s.send(blob[sent:sent + 65536])
            except BlockingIOError:
                pass
        if rd:
            r.fill(0)
        for t, b in r.frames():
            if t == T_PONG:
                pongs += 1
            elif t == T_OUTPUT:
                output += b[8:]
            elif t == T_ERROR:
                die("ERROR %r" % b)
        if pongs == pings and b"TINY-OK" in output:
            break
    print("pongs %d of %d" % (pongs, pings))
    if b"TINY-OK" in output:
        print("output TINY-OK")
    s.close()


def cmd_noread(path, stop):
    s = connect(path)
    s.sendall(hello("attach"))
    print("attached", flush=True)
    while not os.path.exists(stop):
        time.sleep(0.05)
    # Whether the session has ended the connection: read what it holds.
    s.settimeout(DEADLINE)
    try:
        while s.recv(1 << 20):
            pass
        print("ended")
    except socket.timeout:
        print("open")
    except OSError:
        print("ended")
    s.close()


def loris_open(path, i):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError:
        s.close()
        return None
    if i % 2 == 1:
        try:
            s.sendall(hello("attach")[:12])
        except OSError:
            pass    # refused at once: seen as the end, and reopened
    return s


def cmd_loris(path, n, stop):
    conns = [loris_open(path, i) for i in range(n)]
    if any(c is None for c in conns):
        die("could not open %d connections" % n)
    print("open %d" % n, flush=True)
    reopened = refused = 0
    while not os.path.exists(stop):
        rd, _, _ = select.select(conns, [], [], 0.05)
        for c in rd:
            i = conns.index(c)
            try:
                data = c.recv(4096)
            except OSError:
                data = b""
            if data and data[4:5] == bytes([T_ERROR]) and data[5:6] == b"\4":
                refused += 1
            # Answered (refused, or no HELLO in time) or closed: again.
            c.close()
            conns[i] = loris_open(path, i)
            reopened += 1
            if conns[i] is None:
                die("the session stopped taking connections")
    print("reopened %d refused %d" % (reopened, refused))
    for c in conns:
        c.close()


def main(argv):
    if len(argv) >= 3 and argv[0] == "split" and argv[2] in MODES:
        cmd_split(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "tiny":
        cmd_tiny(argv[1], int(argv[2]))
    elif len(argv) == 3 and argv[0] == "noread":
        cmd_noread(argv[1], argv[2])
    elif len(argv) == 4 and argv[0] == "loris":
        cmd_loris(argv[1], int(argv[2]), argv[3])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
