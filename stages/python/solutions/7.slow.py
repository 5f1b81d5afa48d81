import socket
import threading
import datetime
import logging
import queue
import os
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('PORT', '60000'))  # netlab：端口取自命令行参数或环境变量 PORT，默认是笔记里的 60000
FROMAT = logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(message)s')
OUTBOX_LIMIT = 1 << 20  # 一个客户端最多积压多少字节（1 MiB）：积压更多时有新消息来，就断开它


class Outbox:  # 一个客户端的发送队列（outbox），由这个客户端的写线程清空
    def __init__(self):
        self.queue = queue.Queue()  # 按顺序排队的消息；None 让写线程结束
        self.pending = 0  # 队列里的字节数
        self.dropped = False  # 因为不读数据被断开之后，不再为它排队


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
            f = sock.makefile('rw')  # 支持读写
            outbox = Outbox()
            with self.lock:
                self.clients[client] = f, sock, outbox  # 添加到客户端字典
            # 准备接收数据，recv 是阻塞的，开始新的线程
            threading.Thread(target=self.recv, args=(f, client)).start()
            # 再开一个线程写给这个客户端：客户端不读数据时，阻塞的只是这个线程
            threading.Thread(target=self.write, args=(sock, outbox)).start()

    def recv(self, f, client):  # 接收客户端数据
        while not self.event.is_set():
            # readline() 返回完整的一行，不管 TCP 怎样分段；\r\n 变成 \n；客户端关闭前的最后一行
            # 可以没有 \n；客户端关闭后返回 ''
            # 客户端复位（RST）或发来无效的 UTF-8 时 readline() 抛出异常：记录下来，当作 quit 处理
            try:
                data = f.readline()  # 阻塞到数据的到来
            except Exception as e:
                logging.error(e)
                data = 'quit'
            msg = data.strip()
            print(msg, '+++++++++++++++++++')
            # 客户端退出命令
            # 缺陷：strip() 把空行也变成 ''，和客户端关闭时得到的空串一样：发送空行的客户端被断开；
            # 练习 4.blank 修复
            if msg == 'quit' or msg == '':  # 主动断开得到空串
                with self.lock:
                    _, _, outbox = self.clients.pop(client)
                    outbox.queue.put(None)  # 写线程写完队列里剩下的消息，再关闭套接字
                    f.close()
                logging.info('{} quits'.format(client))
                break
            msg = "{:%Y%m/%d %H:%M:%S} {}:{}\n{}\n".format(datetime.datetime.now(), *client, data)
            logging.info(msg)
            # 锁现在也包住了广播的循环，遍历时字典不会变
            # 循环从不阻塞：它只把消息放进每个客户端的发送队列，由各自的写线程在锁外发送。
            # 积压太多的客户端很久没有读数据了：断开它（它的两个线程随后结束），不再为它排队
            with self.lock:
                msg = msg.encode()  # 写线程用 sendall() 发送字节
                for c, (_, s, outbox) in self.clients.items():
                    if outbox.dropped:
                        continue
                    if outbox.pending > OUTBOX_LIMIT:
                        logging.error('{} does not read: {} bytes wait for it, the limit is {}; '
                                      'disconnected'.format(c, outbox.pending, OUTBOX_LIMIT))
                        outbox.dropped = True
                        try:
                            s.shutdown(socket.SHUT_RDWR)
                        except OSError:  # 这个客户端已经断开
                            pass
                        continue
                    outbox.pending += len(msg)
                    outbox.queue.put(msg)

    def stop(self):  # 停止服务
        self.event.set()
        # 缺陷：close() 不会唤醒阻塞在 accept()、readline() 里的线程，也不发送 FIN；f.close() 还要等
        # 这个客户端线程里的 readline() 返回，而这时拿着锁：只要有客户端不说话，stop() 就一直阻塞，
        # 程序也不会退出；练习 7.stop 修复
        with self.lock:
            for f, s, outbox in self.clients.values():
                outbox.queue.put(None)
                s.close()
                f.close()
        self.sock.close()

    def write(self, sock, outbox):  # 写线程：按顺序发送队列里的消息，直到客户端离开或断开
        # 直接 sendall()，不经过 readline() 用的文件对象：CPython 的文本文件对象在 write() 时会丢掉
        # 已经读入、还没返回的下一行（netlab explain cpython-quirks），也不能同时在两个线程里读写
        while True:
            msg = outbox.queue.get()  # 阻塞到消息的到来
            if msg is None:  # 客户端已经离开
                break
            try:
                sock.sendall(msg)  # 客户端不读数据时阻塞在这里，不拿着锁
            except OSError:  # 客户端已经断开：它自己的线程会看到它离开
                break
            with self.lock:
                outbox.pending -= len(msg)
        sock.close()


def main():
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


if __name__ == '__main__':
    main()
