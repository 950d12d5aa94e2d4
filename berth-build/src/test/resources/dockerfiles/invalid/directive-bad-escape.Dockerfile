# escape=%
FROM busybox
