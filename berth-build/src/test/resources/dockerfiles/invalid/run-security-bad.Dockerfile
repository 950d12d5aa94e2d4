FROM busybox
RUN --security=privileged echo
