FROM busybox
RUN <<EOT bash
set -e
echo bash
EOT
RUN <<EOT sh -c 'cat > /x'
data
EOT
RUN cat <<EOF>/out.txt
redirected
EOF
