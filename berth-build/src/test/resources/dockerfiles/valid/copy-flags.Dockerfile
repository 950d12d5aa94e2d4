FROM busybox AS build
FROM busybox
COPY --from=build --chown=1000:1000 --chmod=0644 /out/a /out/b /app/
COPY --chown=app:app --link src/ /src/
COPY --parents --exclude=*.tmp --exclude=**/test/** ./a/b/*.go /dst/
COPY --chmod=u+x,go=rX bin/ /usr/local/bin/
COPY --link=false a b
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
COPY ["with space.txt", "/dest dir/"]
COPY "quoted name.txt" 'single quoted' /d/
COPY a* b?.txt [c].txt /globbed/
