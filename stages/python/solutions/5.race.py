import socket
import threading
import datetime
import logging
import os
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('PORT', '60000'))  # netlab：端口取自命令行参数或环境变量 PORT，默认是笔记里的 60000
FROMAT = logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s [%(message)s]')


class ChatServer:
    def __init__(self, ip='127.0.0.1', port=PORT):  # 启动服务
        self.sock = socket.socket()
        self.addr = (ip, port)
        self.clients = {}  # 客户端
        self.event = threading.Event()
        self.lock = threading.Lock()

    def start(self):  # 启动监听
        self.sock.bind(self.addr)  # 绑定
        self.sock.listen(5)  # 监听
        # accept 会阻塞主线程，所以开启一个新线程
        threading.Thread(target=self.accept).start()  # 阻塞

    def accept(self):  # 多人连接
        # event 只在两次 accept() 之间检查：阻塞在 accept() 里的线程要等下一个客户端连接才看到 stop()
        while not self.event.is_set():
            sock, client = self.sock.accept()  # 阻塞
            with self.lock:
                self.clients[client] = sock  # 添加到客户端字典
            # 准备接收数据，recv 是阻塞的，开始新的线程
            threading.Thread(target=self.recv, args=(sock, client)).start()

    def recv(self, sock: socket.socket, client):  # 接收客户端数据
        while not self.event.is_set():
            # 缺陷：recv(1024) 读到的不是一条消息：长行被拆成几块，两行可能合成一块（粘包、拆包），
            # 在第 1024 字节处被截断的汉字无法解码；第 6 阶段用 makefile() 按行读取
            # 缺陷：客户端复位（RST）时 recv() 抛出 ConnectionResetError，无效的 UTF-8 让 decode() 抛出
            # UnicodeDecodeError：线程因异常退出，客户端却留在字典里；练习 4.reset 修复（复位也由
            # 练习 2.leaver 修复）
            data = sock.recv(1024)  # 阻塞到数据的到来
            msg = data.decode().strip()
            # 客户端退出命令
            # 缺陷：strip() 把空行也变成 ''，和客户端关闭时得到的空串一样：发送空行的客户端被断开；
            # 练习 4.blank 修复
            if msg == 'quit' or msg == '':  # 主动断开得到空串
                with self.lock:
                    self.clients.pop(client)
                    sock.close()
                logging.info('{} quits'.format(client))
                break
            msg = "{:%Y%m/%d %H:%M:%S} {}:{}\n{}\n".format(datetime.datetime.now(), *client, data.decode())
            logging.info(msg)
            msg = msg.encode()
            # 缺陷：离开的客户端还留在字典里（见上），send() 给它抛出 BrokenPipeError，
            # 发言者的线程因异常退出：之后每个发言者都这样（连锁反应）
            # 遍历字典时也拿着锁，和添加、弹出客户端一样：遍历中途没有客户端来去，
            # 不再抛出 RuntimeError: dictionary changed size during iteration
            with self.lock:
                for s in self.clients.values():
                    s.send(msg)

    def stop(self):  # 停止服务
        self.event.set()
        # 缺陷：close() 不会唤醒阻塞在 accept()、recv() 里的线程，也不发送 FIN：
        # 客户端什么也看不到，程序也不会退出；练习 3.quit 修复
        with self.lock:
            for s in self.clients.values():
                s.close()
        self.sock.close()


cs = ChatServer()
cs.start()

# 缺陷：标准输入结束（EOFError）或 Ctrl-C（KeyboardInterrupt）只结束这个主线程，服务端照常运行
while True:
    cmd = input('>> ').strip()
    if cmd == 'quit':
        cs.stop()
        threading.Event().wait(3)
        break
    logging.info(threading.enumerate())  # 用来观察断开后线程的变化
    logging.info(cs.clients)
