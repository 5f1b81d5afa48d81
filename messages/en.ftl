# netlab's messages in English. Each message is an id, `=`, and its text; `{ $name }` is
# an argument. A message whose text runs over several lines continues on indented lines.
# messages/zh.ftl has the same ids with the same arguments (a test checks it).

## Words that several messages use

count-threads = { $n ->
    [one] { $n } thread
   *[other] { $n } threads
}

## netlab's own lines: the prefix of an error and of a warning

netlab-error = netlab: error: { $message }

## netlab explain

explain-list-heading = netlab explain PAGE prints one of these pages (from docs/, embedded in netlab):
explain-not-translated = netlab: the page { $page } has not been written in this language yet; here it is in the other ({ $file }).

## netlab diff

diff-heading-stage = stage { $number } · { $heading } · { $summary }
diff-heading-client = the client · { $heading } · { $summary }
diff-old = before: { $heading }
diff-new = after:  { $heading }
diff-same = The two files are the same.
diff-stat = { $added ->
    [one] 1 line added
   *[other] { $added } lines added
}, { $removed ->
    [one] 1 removed
   *[other] { $removed } removed
}
