FROM busybox
COPY <<'X' /x
body
x
