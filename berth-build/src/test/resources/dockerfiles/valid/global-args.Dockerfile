ARG BASE=busybox
ARG TAG=latest VARIANT
# comments between ARG and FROM are fine
FROM ${BASE}:${TAG}
ARG TAG
RUN echo $TAG
