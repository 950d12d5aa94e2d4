FROM busybox
WORKDIR   
