# escape=`
# ESCAPE=\
FROM busybox
