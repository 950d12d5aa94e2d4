FROM busybox
ENV A="never closed
