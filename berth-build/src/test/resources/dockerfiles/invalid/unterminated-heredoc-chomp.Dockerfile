FROM busybox
RUN <<-END
	echo
	END 
