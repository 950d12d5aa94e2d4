FROM busybox
RUN --mount=type=cache,id=x echo
