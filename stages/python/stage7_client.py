import socket
import threading
import datetime
import logging
import os
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('PORT', '60000'))  # netlab：端口取自命令行参数或环境变量 PORT，默认是笔记里的 60000
FROMAT = '%(asctime)s %(threadName)s %(name)s %(message)s'
logging.basicConfig(level=logging.INFO, format=FROMAT)


class ChatServer:  # 笔记里客户端的类也叫 ChatServer
    def __init__(self, ip='127.0.0.1', port=PORT):
        self.sock = socket.socket()
        self.addr = (ip, port)
        self.event = threading.Event()

    def start(self):
        self.sock.connect(self.addr)
        self.send('I\'m ready')
        # 准备接收数据，recv 是阻塞的，开启新的线程
        threading.Thread(target=self.recv, name='recv').start()

    def recv(self):  # 接收服务端的数据
        while not self.event.is_set():
            try:
                data = self.sock.recv(1024)
            except Exception as e:
                logging.error(e)
                break
            # 缺陷：服务端关闭连接后 recv() 立刻返回 b''，每次都这样，这里不检查：循环空转（忙循环），
            # 不停地记录空消息；练习 client.quit 修复
            # 消息头写的是 self.addr，也就是服务端的地址，不是发言者的；消息体是 strip() 之后的字节串的
            # repr（b"..."）；一次 recv() 记录一条
            msg = "{:%Y%m/%d %H:%M:%S} {}:{}\n{}\n".format(datetime.datetime.now(), *self.addr, data.strip())
            logging.info(msg)

    def send(self, msg: str):
        # 空行也照样发出 '\n'：第 4-7 阶段的服务端把它当作断开，关闭这个客户端
        data = "{}\n".format(msg.strip()).encode()  # 服务端需要一个换行符
        self.sock.send(data)

    def stop(self):
        # 缺陷：close() 不会唤醒阻塞在 recv() 里的线程，也不发送 FIN：服务端什么也看不到；
        # 3 秒后记录 Client stops，进程却挂住，等着 recv 线程；练习 client.quit 修复
        self.sock.close()
        self.event.wait(3)
        self.event.set()
        logging.info('Client stops')


def main():
    cc = ChatServer()
    cc.start()

    # 标准输入结束（EOFError）只结束这个主线程，recv 线程让进程继续运行
    while True:
        cmd = input('>> ').strip()
        if cmd == 'quit':
            cc.stop()
            break
        cc.send(cmd)


if __name__ == '__main__':
    main()
