FROM busybox
RUN --privileged echo
