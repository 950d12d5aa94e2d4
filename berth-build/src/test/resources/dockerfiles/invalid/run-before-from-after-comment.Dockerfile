# hello

  RUN echo
FROM busybox
