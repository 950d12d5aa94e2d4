FROM busybox
RUN echo hi # don't stop here
RUN echo $'it\'s' && cat <<EOF
body
EOF
HEALTHCHECK CMD echo "won't fail
ONBUILD RUN echo can't
CMD echo it's fine
