FROM busybox
ADD https://example.com/file.txt /file.txt
ADD rootfs.tar.xz /
ADD http://example.com/big.tar.gz /big/
