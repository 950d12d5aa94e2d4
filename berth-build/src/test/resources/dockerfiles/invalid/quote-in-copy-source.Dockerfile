FROM busybox
COPY 'unterminated /x
