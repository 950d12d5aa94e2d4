FROM busybox
COPY ["onlyone"]
