FROM busybox
RUN echo \
  hi
ENTRYPIONT ["x"]
