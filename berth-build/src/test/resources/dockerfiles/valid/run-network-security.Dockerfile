FROM busybox
RUN --network=none ping -c1 127.0.0.1 || true
RUN --network=host --security=insecure echo host
RUN --network=default echo default
RUN --security=sandbox echo sandbox
