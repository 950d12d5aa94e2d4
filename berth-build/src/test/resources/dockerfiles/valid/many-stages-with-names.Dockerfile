FROM busybox AS a
FROM a AS b
FROM b AS c
FROM c
FROM scratch AS d
COPY --from=c /x /y
