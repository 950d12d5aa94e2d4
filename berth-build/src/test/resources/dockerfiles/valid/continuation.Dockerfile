FROM busybox
RUN apt-get update && \
    apt-get install -y \
      curl \
      git
RUN echo a\
b
