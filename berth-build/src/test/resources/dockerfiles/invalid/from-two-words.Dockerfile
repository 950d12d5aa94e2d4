FROM busybox extra
