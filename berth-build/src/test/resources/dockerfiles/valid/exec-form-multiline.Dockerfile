FROM busybox
CMD ["python3", \
     "-m", \
     "http.server"]
