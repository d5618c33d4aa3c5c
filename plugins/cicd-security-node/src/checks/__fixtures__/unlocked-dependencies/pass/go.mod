module example.com/app

go 1.22

require github.com/pkg/errors v0.9.1 // OK: go.sum is committed
