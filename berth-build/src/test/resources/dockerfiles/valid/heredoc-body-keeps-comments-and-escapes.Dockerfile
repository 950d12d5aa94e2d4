FROM busybox
RUN <<EOF
# a comment line stays in the body
echo one \
  two

EOF
