# 第 8 阶段：健壮的多线程版本。这不是笔记里的代码，是 netlab 的设计：第 7 阶段的结构（每个客户端
# 一个线程、客户端字典、event 和锁）不变，第 2-7 阶段的每个缺陷都按对应练习的办法修好了：
# - stop() 对每个套接字调用 shutdown()，唤醒阻塞在 accept()、readline() 里的线程：quit、Ctrl-C 和
#   SIGTERM 立刻结束程序，客户端收到 EOF（练习 3.quit、7.stop）
# - 每个客户端有一个发送队列（outbox）和一个写线程：广播只把消息放进队列，从不阻塞；积压超过
#   MAX_PENDING 字节的客户端被断开（练习 7.slow）；写线程一次写出积压的全部消息
# - 写给一个客户端失败，只影响这个客户端（练习 7.leaver）
# - 复位（RST）、无效的 UTF-8、超过 MAX_LINE 字节的一行，都只移除这个客户端，聊天继续（练习 4.reset）
# - 空行是一条消息，只有 quit 或者关闭连接才移除客户端（练习 4.blank）
# - 锁包住对字典的每一次访问，广播也不例外（练习 5.race）
# - TCP_NODELAY（小消息不等 40 ms）、SO_REUSEADDR（刚结束就能重新启动）、最多 MAX_CLIENTS 个客户端
# - 去掉了笔记里调试用的 print(msg, '+++...')：它为每一行打印一次
import socket
import threading
import datetime
import logging
import signal
import time
import os
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('PORT', '60000'))  # netlab：端口取自命令行参数或环境变量 PORT，默认是笔记里的 60000
FROMAT = logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(message)s')
MAX_LINE = 64 * 1024  # 一行最长多少字节（不算 \n）
MAX_PENDING = 8 * 1024 * 1024  # 一个客户端最多积压多少字节：积压更多时有新消息来，就断开它
MAX_CLIENTS = 10240  # 最多同时连接多少个客户端（每个客户端两个线程：机器的线程数上限可能先到）
TOO_LONG = 'error: line longer than {} bytes; closing the connection\n'.format(MAX_LINE).encode()
FULL = 'error: server full ({} clients); try again later\n'.format(MAX_CLIENTS).encode()


class Outbox:  # 一个客户端的发送队列（outbox），由这个客户端的写线程清空
    def __init__(self):
        self.cond = threading.Condition()  # 队列空的时候，写线程在这里等待
        self.data = bytearray()  # 还没发送的消息，按顺序一条接一条
        self.writing = 0  # 写线程正在发送的字节数
        self.closing = False  # 客户端已经离开：写线程写完剩下的消息就结束
        self.dropped = False  # 因为不读数据被断开之后，不再为它排队

    def put(self, msg):  # 广播：把消息接在队列后面，叫醒等待的写线程
        with self.cond:
            self.data += msg
            self.cond.notify()

    def close(self):  # 客户端离开：写线程写完剩下的消息后结束
        with self.cond:
            self.closing = True
            self.cond.notify()

    def pending(self):  # 积压的字节数，正在发送的也算
        return len(self.data) + self.writing

    def take(self):  # 写线程：等到有消息，一次取走全部；客户端已经离开、消息也都写完了，返回 None
        with self.cond:
            while not self.data and not self.closing:
                self.cond.wait()  # 阻塞到消息的到来
            batch, self.data = self.data, bytearray()
            self.writing = len(batch)
            return batch or None

    def __repr__(self):  # 控制台的 logging.info(cs.clients) 这样显示它
        return '<outbox: {} bytes waiting>'.format(self.pending())


class ChatServer:
    def __init__(self, ip='127.0.0.1', port=PORT):  # 启动服务
        self.sock = socket.socket()
        self.addr = (ip, port)
        self.clients = {}  # 客户端
        self.event = threading.Event()
        self.lock = threading.Lock()

    def start(self):  # 启动监听
        # 刚结束一次运行就重新启动，也能立刻绑定，不管上一次留下多少 TIME-WAIT
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(self.addr)  # 绑定
        # 监听：backlog 足够一个班同时连接，也足够 accept 线程为每个新客户端开两个线程时的一阵连接
        self.sock.listen(1024)  # 监听
        # accept 会阻塞主线程，所以开启一个新线程
        threading.Thread(target=self.accept).start()  # 阻塞

    def accept(self):  # 多人连接
        while not self.event.is_set():
            try:
                sock, client = self.sock.accept()  # 阻塞
            except OSError:
                if self.event.is_set():  # stop() 关闭了监听套接字：accept() 抛出异常，循环结束
                    break
                raise
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # 小消息立刻发出，不等 40 ms
            # 只用来读；写线程直接 sendall()：CPython 的文本文件对象在 write() 时会丢掉已经读入、
            # 还没返回的下一行（netlab explain cpython-quirks），也不能同时在两个线程里读写
            f = sock.makefile('r', encoding='utf-8')
            outbox = Outbox()
            with self.lock:
                if len(self.clients) >= MAX_CLIENTS:  # 客户端已经够多了：回一行错误，关闭这个连接
                    try:
                        sock.sendall(FULL)
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    f.close()
                    sock.close()
                    continue
                self.clients[client] = f, sock, outbox  # 添加到客户端字典
            # 准备接收数据，recv 是阻塞的，开始新的线程
            threading.Thread(target=self.recv, args=(f, client, outbox)).start()
            # 再开一个线程写给这个客户端：客户端不读数据时，阻塞的只是这个线程
            threading.Thread(target=self.write, args=(sock, outbox)).start()

    def recv(self, f, client, outbox):  # 接收客户端数据
        while not self.event.is_set():
            # readline() 返回完整的一行，不管 TCP 怎样分段；\r\n 变成 \n；客户端关闭前的最后一行
            # 可以没有 \n；客户端关闭后返回 ''。一次最多读 MAX_LINE + 1 个字符：更长的行不再读下去
            # 客户端复位（RST）或发来无效的 UTF-8 时 readline() 抛出异常：记录下来，当作 quit 处理
            try:
                data = f.readline(MAX_LINE + 1)  # 阻塞到数据的到来
            except Exception as e:
                logging.error(e)
                data = 'quit'
            if len(data.rstrip('\n').encode()) > MAX_LINE:  # 一行太长：回一行错误，当作 quit 处理
                logging.error('line longer than {} bytes'.format(MAX_LINE))
                outbox.put(TOO_LONG)
                data = 'quit'
            msg = data.strip()
            # 客户端退出命令：quit，或者 ''（客户端已经关闭）。空行是 '\n'，不是 ''：它是一条消息
            if msg == 'quit' or data == '':  # 主动断开得到空串
                break
            msg = "{:%Y%m/%d %H:%M:%S} {}:{}\n{}\n".format(datetime.datetime.now(), *client, data)
            logging.info(msg)
            # 锁包住整个循环，遍历时字典不会变；循环从不阻塞：它只把消息放进每个客户端的发送队列，
            # 由各自的写线程在锁外发送。积压太多的客户端很久没有读数据了：断开它（它的两个线程
            # 随后结束），不再为它排队
            with self.lock:
                msg = msg.encode()  # 写线程用 sendall() 发送字节
                for c, (_, s, o) in self.clients.items():
                    if o.dropped:
                        continue
                    if o.pending() > MAX_PENDING:
                        logging.error('{} does not read: {} bytes wait for it, more than {}; '
                                      'disconnected'.format(c, o.pending(), MAX_PENDING))
                        o.dropped = True
                        try:
                            s.shutdown(socket.SHUT_RDWR)
                        except OSError:  # 这个客户端已经断开
                            pass
                        continue
                    o.put(msg)
        # 客户端离开，不管循环怎样结束：quit、''，或者 stop() 来的时候这个线程正忙着广播
        with self.lock:
            self.clients.pop(client)
            outbox.close()  # 写线程写完队列里剩下的消息，再关闭套接字
        f.close()
        logging.info('{} quits'.format(client))

    def stop(self):  # 停止服务：控制台的 quit、Ctrl-C 和 SIGTERM 都调用它
        self.event.set()
        # shutdown() 唤醒每个客户端线程里阻塞的 readline()（它返回 ''）和阻塞在 sendall() 里的写线程，
        # 并发送 FIN：每个线程随后自己离开。这里不等待任何线程
        with self.lock:
            for _, s, _ in self.clients.values():
                try:
                    s.shutdown(socket.SHUT_RDWR)  # 唤醒阻塞的 readline()
                except OSError:  # 这个客户端已经断开
                    pass
        self.sock.shutdown(socket.SHUT_RDWR)  # 唤醒阻塞的 accept()
        self.sock.close()

    def write(self, sock, outbox):  # 写线程：按顺序发送这个客户端队列里的消息
        while True:
            batch = outbox.take()  # 阻塞到消息的到来
            if batch is None:  # 客户端已经离开，消息也都写完了
                break
            try:
                sock.sendall(batch)  # 客户端不读数据时阻塞在这里，不拿着锁
            except OSError:  # 客户端已经断开：只影响这个客户端，它自己的线程会看到它离开
                break
            finally:
                outbox.writing = 0
            # 让读线程先运行：它们这期间广播的消息，下一次一起写出，而不是每条消息写一次
            time.sleep(0)
        try:
            sock.shutdown(socket.SHUT_RDWR)  # 客户端收到 EOF
        except OSError:
            pass
        sock.close()


def main():
    # Ctrl-C 在主线程里抛出 KeyboardInterrupt；让 SIGTERM 也这样：两者都和 quit 一样结束程序
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    cs = ChatServer()
    cs.start()

    try:
        while True:
            try:
                cmd = input('>> ').strip()
            except EOFError:  # 标准输入结束：没有控制台了，服务端照常运行，直到 Ctrl-C 或 SIGTERM
                while True:
                    signal.pause()
            if cmd == 'quit':
                break
            logging.info(threading.enumerate())  # 用来观察断开后线程的变化
            logging.info(cs.clients)
    except KeyboardInterrupt:  # Ctrl-C 或 SIGTERM
        pass
    cs.stop()  # 每个线程随即结束，程序退出：不用再等 3 秒


if __name__ == '__main__':
    main()
