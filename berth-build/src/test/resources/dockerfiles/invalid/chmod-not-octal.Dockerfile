FROM busybox


COPY --chmod=8xx a /b
