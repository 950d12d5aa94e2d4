FROM busybox
RUN echo one \
# this comment line is removed
    two \
    # and this indented one
    three
