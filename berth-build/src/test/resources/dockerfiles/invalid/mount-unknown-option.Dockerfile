FROM busybox
RUN --mount=type=cache,target=/x,color=blue echo
