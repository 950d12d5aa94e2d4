# escape=`
FROM mcr.example/windows
COPY testfile.txt c:\
RUN dir c:\
WORKDIR c:\\windows
RUN echo one `
    two
ENV P="a`"b"
