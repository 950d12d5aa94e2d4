# About this file
# escape=`
FROM busybox
