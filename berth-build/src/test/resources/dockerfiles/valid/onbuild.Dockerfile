FROM busybox
ONBUILD ADD . /app/src
ONBUILD RUN --mount=type=cache,target=/c /usr/local/bin/python-build --dir /app/src
onbuild copy a b
ONBUILD ENV A=1
