module github.com/acme-demo/identity-service

go 1.23

require (
	github.com/go-jose/go-jose/v4 v4.0.4
	github.com/google/uuid v1.6.0
)
