FROM busybox
COPY --link
