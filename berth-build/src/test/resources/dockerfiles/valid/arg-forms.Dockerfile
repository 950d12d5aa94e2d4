FROM busybox
ARG user1
ARG buildno=1 user2=someuser
ARG quoted="a b" single='c d'
ARG CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}
ARG TARGETPLATFORM
ARG with.dot-and-dash=x
