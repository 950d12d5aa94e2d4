FROM busybox
RUN --mount=type=bind,target="/x echo
