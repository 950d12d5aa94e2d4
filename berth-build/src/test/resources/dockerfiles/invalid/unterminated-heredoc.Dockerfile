FROM busybox
RUN true



RUN echo <<EOF
never closed
