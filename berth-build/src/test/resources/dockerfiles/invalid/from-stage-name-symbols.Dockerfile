FROM busybox AS my/stage
