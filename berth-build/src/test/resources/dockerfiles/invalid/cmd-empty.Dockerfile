FROM busybox
CMD
