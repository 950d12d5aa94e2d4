FROM busybox
RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked,id=pip pip install x
RUN --mount=target=/src,source=.,ro ls /src
RUN --mount=type=bind,src=app,dst=/app,rw=true --mount=type=tmpfs,destination=/tmp,size=64m make
RUN --mount=type=secret,id=token,required cat /run/secrets/token
RUN --mount=type=secret,id=aws,target=/root/.aws/credentials,mode=0400,uid=1000,gid=1000 aws s3 ls
RUN --mount=type=ssh git clone git@example.com:x.git
RUN --mount=type=cache,target="/a path,with comma",readonly=false ls
RUN --MOUNT=Type=cache,Target=/x true
