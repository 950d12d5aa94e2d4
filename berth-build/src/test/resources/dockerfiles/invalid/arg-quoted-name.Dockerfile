FROM busybox
ARG "QUOTED=a b"
