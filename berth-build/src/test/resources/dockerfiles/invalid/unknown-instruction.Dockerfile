FROM busybox
RUN true
FORM alpine
