# only a comment
ARG A=1
