FROM busybox
HEALTHCHECK --interval=5s NONE
