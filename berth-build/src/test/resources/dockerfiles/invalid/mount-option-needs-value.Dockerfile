FROM busybox
RUN --mount=type=bind,target=/x,source echo
