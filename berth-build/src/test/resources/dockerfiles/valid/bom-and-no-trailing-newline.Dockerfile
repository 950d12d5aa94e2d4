FROM busybox
RUN echo last