RUN echo hi
FROM busybox
