FROM busybox
ENV PATHS="/a:/b" SPACED=a\ b\ c
COPY "a\"b" /x
RUN echo \$HOME '$HOME' "$HOME"
LABEL a="x\\y"
