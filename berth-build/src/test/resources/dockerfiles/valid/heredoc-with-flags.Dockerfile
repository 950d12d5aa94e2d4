FROM busybox
RUN --mount=type=cache,target=/cache <<EOF
ls /cache
EOF
