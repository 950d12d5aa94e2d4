FROM busybox
ONBUILD COPY --form=x a b
