FROM busybox
ENV A=1 B="two words" C='single $A' D=\$literal E=a\ b
ENV LEGACY value with spaces
ENV LEGACY2    "quoted legacy"
ENV MULTI=one \
    NEXT=two
ENV EMPTY= AFTER=x
ENV SELF=$A REF=${B:-default}
env lower=case
