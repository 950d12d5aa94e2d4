FROM busybox
CMD ['single', 'quotes']
ENTRYPOINT ["unterminated
RUN ["a", 1]
CMD ["a"] trailing
ENTRYPOINT ["a",]
