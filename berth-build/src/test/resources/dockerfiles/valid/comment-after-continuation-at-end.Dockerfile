FROM busybox
RUN echo a \
# trailing comment line
RUN echo b
