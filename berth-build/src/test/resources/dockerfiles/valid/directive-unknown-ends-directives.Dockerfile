# unknowndirective=value
# escape=`
FROM busybox
RUN echo a \
    b
