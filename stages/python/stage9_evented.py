# 第 9 阶段：事件驱动的单线程版本。这不是笔记里的代码，是 netlab 的设计：不再每个客户端一个线程，
# 一个线程做完所有的事，只在一个地方等待：selectors 模块的 select()（Linux 上是 epoll），某些套接字
# 就绪时它就返回。所有套接字都是非阻塞的（setblocking(False)），就绪的事从不阻塞：
# - 监听套接字可读：接受所有等着的客户端，注册它们
# - 客户端可读：一次 recv() 读出已经到达的数据，切出完整的行，每条消息接在这一轮的广播后面
# - 一轮结束时，每个客户端用一次 send() 收到这一轮的全部消息；内核收不下的留在它的 outb 里，
#   并注册 EVENT_WRITE，直到发完
# 没有每个客户端一个线程，就没有锁，也没有竞态（练习 5.race）；没有会阻塞的 send()，不读数据的客户端
# 卡不住任何人（练习 7.slow）；stop() 只叫醒 select()，由事件循环关闭一切（练习 3.quit、7.stop）。
# 网络上传输的字节、限制和处理办法都和第 8 阶段一样：同样的消息头，发言者也收到；quit 和 EOF 移除客户端；
# 复位（RST）或者不是 UTF-8 的一行只移除那个客户端；太长的一行回一行错误后断开；积压太多的客户端被断开；
# 已经有 MAX_CLIENTS 个客户端时，新来的收到一行错误。
import socket
import threading
import datetime
import logging
import selectors
import signal
import errno
import re
import os
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('PORT', '60000'))  # netlab：端口取自命令行参数或环境变量 PORT，默认是笔记里的 60000
FROMAT = logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(message)s')
MAX_LINE = 64 * 1024  # 一行最长多少字节（不算 \n）
MAX_PENDING = 8 * 1024 * 1024  # 一个客户端最多积压多少字节：积压更多时有新消息来，就断开它
MAX_CLIENTS = 10240  # 最多同时连接多少个客户端（上限是文件描述符和内存，不是线程）
TOO_LONG = 'error: line longer than {} bytes; closing the connection\n'.format(MAX_LINE).encode()
FULL = 'error: server full ({} clients); try again later\n'.format(MAX_CLIENTS).encode()
CHUNK = 64 * 1024  # 一次 recv() 最多读多少字节
LINE_END = re.compile(rb'\r\n|\r|\n')  # 行尾：和 makefile() 读的一样，\n、\r\n 和 \r 都算


class Conn:  # 事件循环为每个客户端保存的状态：线程停在 readline() 里时，这些都记在线程里
    def __init__(self, sock, addr):
        self.sock = sock
        self.addr = addr
        self.inb = bytearray()  # 收到了、还不成一整行的字节
        self.outb = bytearray()  # 等着发送的字节，按顺序
        self.events = selectors.EVENT_READ  # 在选择器里注册的事件
        self.leaving = False  # 已经离开聊天（quit、EOF、出错）：outb 发完就关闭
        self.closed = False  # 套接字已经关闭


class ChatServer:
    def __init__(self, ip='127.0.0.1', port=PORT):  # 启动服务
        self.sock = socket.socket()
        self.addr = (ip, port)
        self.clients = {}  # 客户端：只有事件循环的线程修改它，控制台只是打印它
        self.event = threading.Event()
        self.sel = selectors.DefaultSelector()  # Linux 上是 epoll
        self.waker, self.wakeup = socket.socketpair()  # stop() 往 wakeup 写一个字节，叫醒 select()
        self.conns = {}  # 每个打开着的客户端（在聊天里的，和正在离开的），按地址
        self.round = bytearray()  # 这一轮广播的全部消息，按顺序：一轮结束时发给每个客户端
        self.to_send = []  # 这一轮离开的客户端：把剩下的发出去，再关闭
        self.out_of_fds = False  # accept() 因为文件描述符用完而失败：客户端在 backlog 里等

    def start(self):  # 启动监听
        # 刚结束一次运行就重新启动，也能立刻绑定，不管上一次留下多少 TIME-WAIT
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(self.addr)  # 绑定
        self.sock.listen(1024)  # 监听：足够很多客户端同时连接
        self.sock.setblocking(False)  # accept() 从不等待：select() 说什么时候调用它
        self.sel.register(self.sock, selectors.EVENT_READ)  # data 是 None：监听套接字
        self.waker.setblocking(False)
        self.wakeup.setblocking(False)
        self.sel.register(self.waker, selectors.EVENT_READ, 'wake')
        # 事件循环在一个线程里运行，主线程留给控制台
        threading.Thread(target=self.run, name='select').start()

    def accept(self):  # 多人连接：接受所有等着的客户端
        while True:
            try:
                sock, client = self.sock.accept()
            except BlockingIOError:  # 没有人在等了
                return
            except ConnectionAbortedError:  # 还没轮到它就走了
                continue
            except OSError as e:
                if e.errno not in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    raise
                # 文件描述符（或内存）用完了：客户端在 backlog 里等，有套接字关闭时再接受。在那之前
                # 不再注册监听套接字，否则 select() 每次都报告它，事件循环空转
                logging.error(e)
                self.sel.unregister(self.sock)
                self.out_of_fds = True
                return
            if len(self.clients) >= MAX_CLIENTS:  # 客户端已经够多了：回一行错误，关闭这个连接
                sock.setblocking(False)
                try:
                    sock.send(FULL)  # 新连接的发送缓冲区装得下这一行
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # 小消息立刻发出，不等 40 ms
            sock.setblocking(False)  # recv() 和 send() 从不等待
            c = Conn(sock, client)
            self.sel.register(sock, selectors.EVENT_READ, c)
            self.clients[client] = sock  # 添加到客户端字典
            self.conns[client] = c

    def recv(self, c):  # 接收客户端数据：读出已经到达的数据，处理其中每一整行
        if c.leaving:  # 离开之后发来的不再读
            return
        try:
            data = c.sock.recv(CHUNK)
        except BlockingIOError:
            return
        except OSError as e:  # 复位（RST）
            self.leave(c, e)
            return
        if data == b'':  # 客户端已经关闭（主动断开得到空串）
            # 最后一行即使没有 \n，也和 readline() 返回的一样照常处理；以 \r 结尾的，\r 就是行尾
            if c.inb:
                last = bytes(c.inb)
                self.line(c, last[:-1] + b'\n' if last.endswith(b'\r') else last)
            if not c.leaving:
                self.leave(c)
            return
        # 切出所有完整的行；最后一个行尾之后的字节留给下一次 recv()
        c.inb += data
        start = 0
        while not c.leaving:
            m = LINE_END.search(c.inb, start)
            # 没有行尾了；末尾的 \r 也许是 \r\n 的开头：等下一次 recv()
            if m is None or (m.group() == b'\r' and m.end() == len(c.inb)):
                break
            self.line(c, bytes(c.inb[start:m.start()]) + b'\n')
            start = m.end()
        del c.inb[:start]
        if not c.leaving and len(c.inb) > MAX_LINE + c.inb.endswith(b'\r'):  # 还没有行尾，就已经太长
            self.leave(c, TOO_LONG)

    def line(self, c, data):  # 一行（以 \n 结尾；最后一行可以没有）：一条消息、quit，或者离开的理由
        if len(data) - data.endswith(b'\n') > MAX_LINE:
            self.leave(c, TOO_LONG)
            return
        try:
            data = data.decode()
        except UnicodeDecodeError as e:  # 不是 UTF-8：记录下来，移除这个客户端
            self.leave(c, e)
            return
        # 客户端退出命令。空行是 '\n'，不是 ''：它是一条消息
        if data.strip() == 'quit':
            self.leave(c)
            return
        msg = "{:%Y%m/%d %H:%M:%S} {}:{}\n{}\n".format(datetime.datetime.now(), *c.addr, data)
        logging.info(msg)
        self.round += msg.encode()  # 广播：一轮结束时发给每个客户端

    def stop(self):  # 停止服务：控制台的 quit、Ctrl-C 和 SIGTERM 都调用它
        self.event.set()
        # 事件循环随即结束这一轮，每个客户端离开并收到 EOF，监听套接字关闭；不用再等 3 秒
        try:
            self.wakeup.send(b'\0')  # 唤醒阻塞的 select()
        except OSError:
            pass

    def run(self):  # 事件循环：select()，然后做就绪的事，直到 stop()
        while not self.event.is_set():
            for key, mask in self.sel.select():  # 阻塞：事件循环唯一等待的地方
                if key.data is None:  # 监听套接字：有客户端在等
                    self.accept()
                elif key.data == 'wake':  # stop() 叫醒了 select()
                    self.waker.recv(64)
                else:
                    if mask & selectors.EVENT_WRITE:  # 内核又能收下了
                        self.send(key.data)
                    if mask & selectors.EVENT_READ:
                        self.recv(key.data)
            self.deliver()  # 每个客户端一次 send()：这一轮的全部消息
            to_send, self.to_send = self.to_send, []
            for c in to_send:
                self.send(c)
        self.close_all()

    def deliver(self):  # 一轮结束：每个在聊天里的客户端用一次 send() 收到这一轮的全部消息
        if not self.round:
            return
        msgs, self.round = bytes(self.round), bytearray()
        for c in list(self.conns.values()):
            if c.leaving:
                continue
            if len(c.outb) > MAX_PENDING:  # 积压太多：它不读数据。断开它，等着它的字节丢掉
                logging.error('{} does not read: {} bytes wait for it, more than {}; '
                              'disconnected'.format(c.addr, len(c.outb), MAX_PENDING))
                self.leave(c)
                self.close(c)
            elif c.outb:  # 更早的字节还在等：接在后面
                c.outb += msgs
                self.send(c)
            else:  # 没有什么在等：直接发送这一轮的消息，发不完的才放进 outb
                try:
                    sent = c.sock.send(msgs)
                except BlockingIOError:
                    sent = 0
                except OSError as e:  # 客户端已经断开：等着它的字节无处可去
                    self.leave(c, e)
                    self.close(c)
                    continue
                if sent < len(msgs):
                    c.outb += msgs[sent:]
                    self.want(c)

    def send(self, c):  # 一次 send() 发出等着这个客户端的字节；内核收不下的，等 EVENT_WRITE
        if c.closed:
            return
        if c.outb:
            try:
                del c.outb[:c.sock.send(c.outb)]
            except BlockingIOError:
                pass
            except OSError as e:  # 客户端已经断开：等着它的字节无处可去
                if not c.leaving:
                    self.leave(c, e)
                self.close(c)
                return
        if c.leaving and not c.outb:  # 离开的客户端，剩下的都发出去了
            self.close(c)
        else:
            self.want(c)

    def want(self, c):  # 注册这个客户端现在等待的事件：还在聊天就等可读，有字节要发就等可写
        events = (0 if c.leaving else selectors.EVENT_READ) | (selectors.EVENT_WRITE if c.outb else 0)
        if events != c.events:
            self.sel.modify(c.sock, events, c)
            c.events = events

    def leave(self, c, why=None):  # 客户端离开聊天：记录原因，从字典中移除；outb 发完后关闭它
        c.outb += self.round  # 这一轮它离开之前，聊天室里说的话
        if why is TOO_LONG:
            logging.error('line longer than {} bytes'.format(MAX_LINE))
            c.outb += TOO_LONG
        elif why is not None:
            logging.error(why)  # 复位、不是 UTF-8、发送失败：和第 7 阶段一样 logging.error(e)
        c.leaving = True
        c.inb = bytearray()
        self.clients.pop(c.addr)
        logging.info('{} quits'.format(c.addr))
        self.to_send.append(c)

    def close(self, c):  # 关闭客户端的套接字：客户端收到 EOF
        self.sel.unregister(c.sock)
        try:
            c.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        c.sock.close()
        c.closed = True
        del self.conns[c.addr]
        if self.out_of_fds:  # 空出了一个文件描述符：backlog 里等着的客户端可以进来了
            self.out_of_fds = False
            self.sel.register(self.sock, selectors.EVENT_READ)

    def close_all(self):  # 结束：每个客户端离开并收到 EOF，监听套接字关闭
        for c in list(self.conns.values()):
            if not c.leaving:
                self.leave(c)
            self.close(c)
        if not self.out_of_fds:
            self.sel.unregister(self.sock)
        self.sock.close()
        self.sel.close()
        self.waker.close()
        self.wakeup.close()


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
    cs.stop()  # 事件循环随即关闭一切，程序退出：不用再等 3 秒


if __name__ == '__main__':
    main()
