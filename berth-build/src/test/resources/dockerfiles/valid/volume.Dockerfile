FROM busybox
VOLUME /data
VOLUME /var/log /var/db
VOLUME ["/json/a", "/json/with space"]
VOLUME ["/it's", "/back\\slash"]
VOLUME $DATA_DIR
