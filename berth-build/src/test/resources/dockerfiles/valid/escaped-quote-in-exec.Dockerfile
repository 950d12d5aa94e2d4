FROM busybox
CMD ["echo", "She said \"hi\"", "\/slash"]
