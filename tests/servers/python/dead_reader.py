# A stage-7-like server (line framing: each line, newline included, goes to every client
# behind the notes' header, under a lock) with the notes' "dead thread keeps its socket"
# flaw made certain: the thread that reads a client reads ONE line, broadcasts it, and
# ends. The client's socket stays in the dict, so it still receives everyone's messages,
# but nothing it sends is ever read again. Once the kernel's buffers are full (a few MB on
# loopback), a client that sends a 10 MB line blocks in send() for ever.
# Why it exists: a grader's "send" step must not hang on such a server (the scenario
# ten_megabyte_line_goes_through sends 10 MB from a client whose first line was its
# registration): it must fail the step in bounded time and still stop the program.
# Port: argv[1], or $PORT. Prints nothing.
import datetime
import os
import socket
import sys
import threading

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ["PORT"])
clients = {}
lock = threading.Lock()


def recv(sock, client):
    f = sock.makefile("rb")
    line = f.readline()  # the first message, and the last one this thread reads
    if not line:
        return
    head = "{:%Y%m/%d %H:%M:%S} {}:{}\n".format(datetime.datetime.now(), *client).encode()
    with lock:
        for s in clients.values():
            try:
                s.sendall(head + line + b"\n")
            except OSError:
                pass
    # The thread ends here; `sock` stays in `clients`, alive, and unread.


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", PORT))
listener.listen(5)
while True:
    sock, client = listener.accept()
    with lock:
        clients[client] = sock
    threading.Thread(target=recv, args=(sock, client), daemon=True).start()
