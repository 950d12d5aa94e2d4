FROM busybox
CMD echo "shell form $HOME"
CMD ["/bin/echo", "exec form $HOME"]
ENTRYPOINT exec top -b
ENTRYPOINT ["top", "-b"]
CMD ["-c"]
