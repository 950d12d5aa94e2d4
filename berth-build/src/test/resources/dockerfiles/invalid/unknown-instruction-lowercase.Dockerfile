FROM busybox
copyy a b
