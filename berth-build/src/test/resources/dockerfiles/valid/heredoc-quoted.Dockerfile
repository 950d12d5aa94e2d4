FROM busybox
RUN <<"EOF"
echo "$literal"
EOF
RUN <<'END'
echo '$also literal'
END
