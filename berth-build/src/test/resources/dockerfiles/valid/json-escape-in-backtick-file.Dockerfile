# escape=`
FROM busybox
RUN ["cmd", "/S", "/C", "echo C:\\path"]
COPY ["C:\\src\\file.txt", "C:\\dst\\"]
ENV A=x`
    B=y
