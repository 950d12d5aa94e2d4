FROM busybox
RUN <<-EOT
	echo tabbed
		echo two tabs
	EOT
RUN echo after
