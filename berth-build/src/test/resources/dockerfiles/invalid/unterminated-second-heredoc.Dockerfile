FROM busybox
RUN <<A cat && <<B cat
a
A
b
