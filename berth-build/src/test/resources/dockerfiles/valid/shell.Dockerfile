FROM busybox
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN echo uses bash
SHELL ["powershell", "-command"]
SHELL [ "cmd" ]
