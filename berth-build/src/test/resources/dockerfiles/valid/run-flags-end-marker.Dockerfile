FROM busybox
RUN -- --not-a-flag
RUN --network=none -- echo after the marker
