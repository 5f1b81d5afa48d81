# A correct-enough stage 2 server (the skeleton in chat.py: every recv(1024) chunk to
# every client, the sender included, behind the notes' header) that, right after binding
# its port, forks a child which calls os.setsid() (a new session, so a new process group)
# and forks again; the grandchild keeps the listening socket and the inherited stdout and
# stderr open and sleeps for 10 minutes, then exits. Its command line is this file's.
# Why it exists: a grader that stops a program by killing its process group leaves this
# grandchild behind (one per scenario run), still holding a listening socket and the
# grader's output pipes. After `netlab check 2 -- python3 setsid_escape.py`, look with
# `ps -eo pid,ppid,pgid,sid,cmd | grep setsid_escape`: a grader that cleans up leaves none.
# Port: argv[1], or $PORT.
import os
import time

from chat import listen, serve

listener = listen()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(600)  # keeps `listener`, stdout and stderr open
    os._exit(0)
os.wait()  # the first child exits at once; the grandchild is now an orphan
serve(listener=listener)
