FROM busybox
RUN echo "<<EOF" && echo '<<EOF'
RUN cat <<<"a here-string, not a heredoc"
RUN echo $((1<<2))
