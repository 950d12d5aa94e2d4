FROM busybox
VOLUME []
