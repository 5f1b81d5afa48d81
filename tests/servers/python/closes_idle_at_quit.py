# A stage 3 server that is BETTER than the notes': the chat is the skeleton's (chat.py:
# every recv(1024) chunk to every client, the sender included, behind the notes' header;
# `quit` from a client is just text), with a `>> ` console on stdin whose `quit` shuts
# down every client's connection (shutdown(SHUT_RDWR), then close: each client sees EOF
# at once) and ends the program at once, exit code 0. Other console lines do nothing.
# At stdin EOF the console is gone and the chat goes on.
# Why it exists: the notes' stop() leaves idle clients connected and the process alive
# (REFERENCE.md section 5). A grader that demands that flaw (a client that sees nothing
# after `quit`, a program that waits for blocked threads) gives this correct server a
# false FAIL; a fair one passes it.
# Port: argv[1], or $PORT.
import socket
import sys
import threading

from chat import serve

clients = {}
threading.Thread(target=serve, kwargs={"clients": clients}, daemon=True).start()

while True:
    try:
        cmd = input(">> ").strip()
    except EOFError:
        threading.Event().wait()  # no console any more: serve for ever
    if cmd == "quit":
        for sock in list(clients.values()):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        sys.stdout.flush()
        sys.exit(0)
