import socket
import os
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('PORT', '60000'))  # netlab：端口取自命令行参数或环境变量 PORT，默认是笔记里的 60000

s = socket.socket()  # 创建套接字（socket）对象
s.bind(('127.0.0.1', PORT))
# 5 准确地说是 backlog（已完成连接队列）的长度
s.listen(5)  # 开始监听，等待客户端连接到来；5 的意思是最多 5 个连接

# 接入一个到来的连接
# 缺陷：accept() 和 recv() 都是阻塞的，客户端只能按 accept 的顺序一个一个地得到服务；
# 先发言的第二个客户端也要等第一个服务完
s1, info = s.accept()  # 阻塞直到和客户端成功建立连接，返回一个新的套接字对象和客户端地址
print(s1, info)

# 使用缓冲区获取数据
# 缺陷：客户端复位（RST）时 recv() 抛出 ConnectionResetError，没有人捕获它：整个程序因异常退出，
# 第二个客户端永远得不到服务
data = s1.recv(1024)  # 阻塞；1024 是接收数据的大小
print(info, data)
s1.send(b'welcome to network! ')  # 这里发送的是二进制数据
# 缺陷：客户端发来的超过 1024 字节的部分还没有读，就 close()：内核用 RST 回答，
# 客户端收到欢迎语之后看到连接被复位（ConnectionResetError）
s1.close()

# 接入另一个连接
s2, info = s.accept()
data = s2.recv(1024)
print(info, data)
s2.send(b'hello python')

s2.close()
# 还等在 backlog 里的第三个客户端，在监听套接字关闭时被复位
s.close()
