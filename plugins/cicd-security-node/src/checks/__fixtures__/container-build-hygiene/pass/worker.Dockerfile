# OK
FROM alpine:3.20
# OK
RUN apk add --no-cache tini=0.19.0-r3
# OK
USER 10001:10001
