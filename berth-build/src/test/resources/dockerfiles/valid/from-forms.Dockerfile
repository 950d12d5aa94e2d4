FROM scratch
FROM busybox:1.36 AS Build-Stage.1_x
FROM --platform=linux/arm64 busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000 as arm
FROM --platform=$BUILDPLATFORM golang:1.23 AS cross
FROM build-stage.1_x
FROM registry.example:5443/team/image:tag
