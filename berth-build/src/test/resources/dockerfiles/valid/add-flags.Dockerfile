FROM busybox
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tar.gz /
ADD --keep-git-dir=true https://github.com/example/repo.git#v1.0 /src
ADD --chown=1:2 --chmod=755 --link --exclude=*.md app.tar.gz /opt/
ADD ["a b", "c", "/d/"]
ADD --keep-git-dir git@example.com:x.git /x
