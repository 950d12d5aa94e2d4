FROM busybox
ENV NAME=world
COPY <<-EOT /greeting
	Hello ${NAME}
		indented
	EOT
COPY --chown=1000 <<EOF /etc/app.conf
name=$NAME
escaped=\$NAME
EOF
