# netlab 的中文消息。每条消息是一个 id、`=` 和正文; `{ $name }` 是参数。正文跨多行时,
# 后续行要缩进。messages/en.ftl 有同样的 id 和同样的参数 (有测试检查)。

## 多条消息共用的词

count-threads = { $n } 个线程

## netlab 自己的行: 错误的前缀

netlab-error = netlab: 错误: { $message }

## netlab explain

explain-list-heading = netlab explain 页面名 可以打印下列页面 (来自 docs/, 已嵌入 netlab):
explain-not-translated = netlab: 页面 { $page } 还没有这种语言的版本, 下面显示另一种语言的 ({ $file })。

## netlab diff

diff-heading-stage = 第 { $number } 阶段 · { $heading } · { $summary }
diff-heading-client = 客户端 · { $heading } · { $summary }
diff-old = 改动前: { $heading }
diff-new = 改动后: { $heading }
diff-same = 两个文件完全相同。
diff-stat = 增加 { $added } 行, 删除 { $removed } 行
