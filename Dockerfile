# prep in a container: a static binary on an empty image, running as a non-root user,
# progress in the /data volume.
#   docker build -t prep .
#   docker run -p 8080:8080 -v prep-data:/data prep
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/prep ./cmd/prep \
 && mkdir -p /out/data /out/tmp && chmod 1777 /out/tmp

FROM scratch
COPY --from=build /out/prep /prep
# The lab grader needs a writable temp directory for its sandboxed children.
COPY --from=build /out/tmp /tmp
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV PREP_ADDR=0.0.0.0:8080 PREP_DATA=/data HOME=/data TMPDIR=/tmp
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/prep", "health"]
ENTRYPOINT ["/prep"]
CMD ["serve"]
