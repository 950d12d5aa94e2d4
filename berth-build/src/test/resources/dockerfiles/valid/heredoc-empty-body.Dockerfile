FROM busybox
COPY <<EOF /empty
EOF
RUN true
