FROM busybox
RUN ["echo", "a b", "c\"d", "e\\f", "\u00e9\t"]
CMD []
ENTRYPOINT [ "/bin/app" , "--flag" ]
RUN [ ]
