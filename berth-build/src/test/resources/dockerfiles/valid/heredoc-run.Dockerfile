FROM busybox
RUN <<EOF
echo hello
echo $HOME
EOF
RUN echo after
