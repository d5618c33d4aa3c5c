module example.com/app

go 1.22

// NOT OK
require github.com/pkg/errors v0.9.1
