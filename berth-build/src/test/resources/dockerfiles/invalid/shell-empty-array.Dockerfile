FROM busybox
SHELL []
