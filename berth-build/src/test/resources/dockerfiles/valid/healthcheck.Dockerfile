FROM busybox
HEALTHCHECK --interval=30s --timeout=1m30s --start-period=500ms --start-interval=2s --retries=3 CMD wget -q -O- http://127.0.0.1/ || exit 1
HEALTHCHECK cmd ["curl", "-f", "http://127.0.0.1/"]
HEALTHCHECK --interval=1.5h CMD true
HEALTHCHECK --interval=0 --retries=0 CMD true
HEALTHCHECK NONE
healthcheck none
