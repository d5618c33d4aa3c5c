module example.com/shop/api

go 1.22

require (
	github.com/gorilla/mux v1.8.1
	golang.org/x/sys v0.18.0 // indirect
)
