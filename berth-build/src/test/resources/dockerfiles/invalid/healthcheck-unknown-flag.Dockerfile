FROM busybox
HEALTHCHECK --every=5s CMD true
