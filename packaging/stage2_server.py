# A small chat server in the shape of the tutorial's stage 2 (实战: 写一个群聊程序): a
# thread per client, and every message to every client behind the header
# "{time} {ip}:{port}\n". It listens on the port given as its first argument.
# `make dist-test` grades it with the installed `netlab check 2`, which it passes.
import datetime
import logging
import socket
import sys
import threading

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s [%(message)s]")


class ChatServer:
    def __init__(self, ip="127.0.0.1", port=int(sys.argv[1])):  # 启动服务
        self.sock = socket.socket()
        self.addr = (ip, port)
        self.clients = {}  # 客户端

    def start(self):  # 启动监听
        self.sock.bind(self.addr)
        self.sock.listen(5)
        threading.Thread(target=self.accept).start()

    def accept(self):  # 多人连接
        while True:
            sock, client = self.sock.accept()
            self.clients[client] = sock
            threading.Thread(target=self.recv, args=(sock, client)).start()

    def recv(self, sock, client):  # 接受客户端数据
        while True:
            data = sock.recv(1024)
            msg = "{:%Y%m/%d %H:%M:%S} {}:{}\n{}\n".format(
                datetime.datetime.now(), *client, data.decode()
            )
            logging.info(msg)
            msg = msg.encode()
            for s in self.clients.values():
                s.send(msg)


ChatServer().start()
