FROM busybox
RUN echo zero > /zero
FROM busybox
COPY --from=0 /zero /zero
RUN --mount=type=bind,from=0,source=/zero,target=/z cat /z
