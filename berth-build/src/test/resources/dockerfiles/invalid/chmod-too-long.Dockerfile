FROM busybox
ADD --chmod=77777 a /b
