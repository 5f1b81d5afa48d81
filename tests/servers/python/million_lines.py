# A correct-enough stage 2 server (the skeleton in chat.py: every recv(1024) chunk to
# every client, the sender included, behind the notes' header) that, from the moment it
# starts, prints a million numbered lines to stderr (59 MB) from a second thread,
# while it serves.
# Why it exists: a grader must drain a program's output (or the program blocks on a full
# pipe and seems dead), and must not keep or show all of it: its memory and its report
# stay bounded whatever the program prints.
# Port: argv[1], or $PORT.
import sys
import threading

from chat import serve


def chatter():
    for i in range(1_000_000):
        sys.stderr.write("million_lines: log line %07d of 1000000, nothing to see\n" % i)
    sys.stderr.flush()


threading.Thread(target=chatter, daemon=True).start()
serve()
