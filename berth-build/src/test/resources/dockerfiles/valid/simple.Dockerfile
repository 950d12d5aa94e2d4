FROM busybox
RUN echo hi
CMD ["sh", "-c", "echo ready"]
