# a comment before FROM

FROM busybox
   # an indented comment
RUN echo "# not a comment" # still part of the command

	RUN echo leading whitespace is ignored
