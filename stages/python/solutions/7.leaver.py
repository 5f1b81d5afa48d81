import socket
import threading
import datetime
import logging
import os
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('PORT', '60000'))  # netlab：端口取自命令行参数或环境变量 PORT，默认是笔记里的 60000
FROMAT = logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(message)s')


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
            with self.lock:
                self.clients[client] = f, sock  # 添加到客户端字典
            # 准备接收数据，recv 是阻塞的，开始新的线程
            threading.Thread(target=self.recv, args=(f, client)).start()

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
                    _, sock = self.clients.pop(client)
                    try:
                        f.close()
                    except OSError:  # 广播写给它失败过：close() 再次 flush()，又抛出 BrokenPipeError
                        pass
                    sock.close()
                logging.info('{} quits'.format(client))
                break
            msg = "{:%Y%m/%d %H:%M:%S} {}:{}\n{}\n".format(datetime.datetime.now(), *client, data)
            logging.info(msg)
            # 锁现在也包住了广播的循环，遍历时字典不会变
            # 缺陷：拿着锁的时候 flush()：一个不读数据的客户端让 flush() 一直阻塞，其他线程（包括
            # accept 线程）都在等这把锁，整个服务端卡死；练习 7.slow 修复
            # 注意（CPython）：write() 会丢掉这个文件对象已经读入、readline() 还没返回的内容，
            # 和上一行同时到达的下一行就此丢失（netlab explain cpython-quirks）
            with self.lock:
                # 文件对象按文本写入，不再需要 msg = msg.encode()
                for ff, _ in self.clients.values():
                    # 刚刚关闭的客户端让 write()/flush() 抛出 BrokenPipeError：只影响这个客户端，
                    # 它自己的线程会看到它离开；这个线程继续写给其他客户端
                    try:
                        ff.write(msg)
                        ff.flush()
                    except OSError:
                        pass

    def stop(self):  # 停止服务
        self.event.set()
        # 缺陷：close() 不会唤醒阻塞在 accept()、readline() 里的线程，也不发送 FIN；f.close() 还要等
        # 这个客户端线程里的 readline() 返回，而这时拿着锁：只要有客户端不说话，stop() 就一直阻塞，
        # 程序也不会退出；练习 7.stop 修复
        with self.lock:
            for f, s in self.clients.values():
                s.close()
                f.close()
        self.sock.close()


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
