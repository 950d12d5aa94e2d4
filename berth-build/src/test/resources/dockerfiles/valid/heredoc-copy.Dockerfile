FROM busybox
ARG FOO=bar
COPY <<EOF /app/config.txt
value=${FOO}
EOF
COPY <<a <<b /dir/
alpha
a
beta
b
COPY --chmod=755 <<"SCRIPT" /usr/local/bin/run
#!/bin/sh
echo "$1"
SCRIPT
